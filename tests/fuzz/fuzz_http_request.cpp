// The HTTP/1.1 request parser (server/http/requestparser.h) on any bytes: the first input byte
// picks how the rest is cut into reads. Properties:
//   - the same requests (or the same error) come out however the bytes are cut, fed read by read
//     or all at once;
//   - what it accepts re-parses the same: every accepted request, written back out in canonical
//     form (request line, its fields, the body with a Content-Length), parses to the same method,
//     target, path, query, version, fields and body;
//   - an error is one of the statuses the parser documents; never a crash, never a request
//     bigger than the limits.
#include "fuzzsupport.h"
#include "http/requestparser.h"

using qp::http::HttpRequest;
using qp::http::RequestParser;

namespace {

// Small limits, so the fuzzer reaches them.
RequestParser::Limits limits()
{
    RequestParser::Limits l;
    l.maxHeaderBytes = 2048;
    l.maxHeaderCount = 20;
    l.maxTargetBytes = 256;
    l.maxBodyBytes = 4096;
    return l;
}

struct Outcome {
    QList<HttpRequest> requests;
    int errorStatus = 0;
};

bool sameRequest(const HttpRequest &a, const HttpRequest &b)
{
    return a.method == b.method && a.target == b.target && a.path == b.path && a.query == b.query &&
           a.versionMinor == b.versionMinor && a.headers == b.headers && a.body == b.body &&
           a.keepAlive == b.keepAlive;
}

bool sameOutcome(const Outcome &a, const Outcome &b)
{
    if (a.errorStatus != b.errorStatus || a.requests.size() != b.requests.size())
        return false;
    for (qsizetype i = 0; i < a.requests.size(); ++i)
        if (!sameRequest(a.requests[i], b.requests[i]))
            return false;
    return true;
}

// Feeds the reads in order, taking every request completed on the way (pipelining).
Outcome parse(const QList<QByteArray> &reads)
{
    Outcome out;
    RequestParser p(limits());
    QByteArray buffer;
    for (const QByteArray &read : reads) {
        buffer += read;
        for (;;) {
            const RequestParser::State s = p.feed(buffer);
            if (s == RequestParser::State::Done) {
                out.requests.append(p.takeRequest());
                continue;
            }
            if (s == RequestParser::State::Error) {
                out.errorStatus = p.errorStatus();
                return out;
            }
            break;
        }
    }
    return out;
}

bool isFraming(const QByteArray &name)
{
    return name == "content-length" || name == "transfer-encoding";
}

QByteArray canonical(const HttpRequest &r)
{
    QByteArray out = r.method + ' ' + r.target + " HTTP/1." + QByteArray::number(r.versionMinor);
    out += "\r\n";
    for (const auto &[name, value] : r.headers)
        if (!isFraming(name))
            out += name + ": " + value + "\r\n";
    if (!r.body.isEmpty())
        out += "content-length: " + QByteArray::number(r.body.size()) + "\r\n";
    out += "\r\n" + r.body;
    return out;
}

QList<QPair<QByteArray, QByteArray>> withoutFraming(const QList<QPair<QByteArray, QByteArray>> &h)
{
    QList<QPair<QByteArray, QByteArray>> out;
    for (const auto &f : h)
        if (!isFraming(f.first))
            out.append(f);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 16 * 1024)
        return 0;
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    const Outcome whole = parse({bytes});
    QList<QByteArray> reads;
    qsizetype at = 0;
    for (qsizetype len : qp::fuzz::pieces(data[0], bytes.size())) {
        reads.append(bytes.mid(at, len));
        at += len;
    }
    const Outcome cut = parse(reads);
    QP_FUZZ_CHECK(sameOutcome(whole, cut));

    static const QList<int> statuses = {0, 400, 413, 414, 431, 501, 505};
    QP_FUZZ_CHECK(statuses.contains(whole.errorStatus));

    for (const HttpRequest &r : whole.requests) {
        QP_FUZZ_CHECK(r.body.size() <= limits().maxBodyBytes);
        QP_FUZZ_CHECK(r.target.size() <= limits().maxTargetBytes);
        QP_FUZZ_CHECK(r.headerCount("host") == 1);
        const QByteArray again = canonical(r);
        if (again.size() - r.body.size() > limits().maxHeaderBytes)
            continue; // the added Content-Length may push a full header block over the limit
        const Outcome re = parse({again});
        QP_FUZZ_CHECK(re.errorStatus == 0 && re.requests.size() == 1);
        const HttpRequest &r2 = re.requests.first();
        QP_FUZZ_CHECK(r2.method == r.method && r2.target == r.target && r2.path == r.path &&
                      r2.query == r.query && r2.versionMinor == r.versionMinor &&
                      r2.body == r.body && r2.keepAlive == r.keepAlive);
        QP_FUZZ_CHECK(withoutFraming(r2.headers) == withoutFraming(r.headers));
    }
    return 0;
}
