// Client keys (access/clientkey.h) and who needs one (access/authorization.h), on any presented
// key and any header block. Input: the presented key, then 0x1e, then header lines "name: value"
// separated by '\n' (names lower-cased as the parser gives them), then 0x1e and one byte choosing
// the peer and the Host verdict. Properties:
//   - parse() accepts exactly qpk_<8 of [a-z0-9]>_<43 of base64url>, and a parsed key's parts
//     rebuild the input byte for byte;
//   - only a presented key whose id and secret digest match a stored, usable key is ever
//     attributed to a key; a revoked key never is;
//   - a caller from a non-loopback peer, or with a non-loopback Host, is never trusted-local;
//   - a refusal never echoes a presented "qpk_" key, and a failed key is always a 401.
#include "access/authorization.h"
#include "access/clientkey.h"
#include "fuzzsupport.h"

namespace {

bool keyShaped(QByteArrayView v)
{
    if (v.size() != 56 || !v.startsWith("qpk_") || v[12] != '_')
        return false;
    for (qsizetype i = 4; i < 12; ++i)
        if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9')))
            return false;
    for (qsizetype i = 13; i < 56; ++i) {
        const char c = v[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

// Two stored keys with fixed secrets, one of them revoked: the fuzzer can find them from the seeds.
const qp::KeyTable &table()
{
    static const qp::KeyTable t = [] {
        qp::KeyTable keys;
        auto add = [&](const char *id, const char *secret, qint64 revokedMs) {
            qp::ClientKeyInfo k;
            k.id = QString::fromLatin1(id);
            k.digest = qp::clientkey::digest(QByteArray(secret));
            k.revokedMs = revokedMs;
            keys.insert(k.id, k);
        };
        add("good0001", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0);
        add("gone0001", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", 1);
        return keys;
    }();
    return t;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qp::fuzz::init();
    const auto parts = qp::fuzz::fields(data, size, 3);
    const QByteArray presented = parts.at(0).toByteArray();

    const auto parsed = qp::clientkey::parse(presented);
    QP_FUZZ_CHECK(bool(parsed) == keyShaped(presented));
    if (parsed)
        QP_FUZZ_CHECK("qpk_" + parsed->id.toLatin1() + "_" + parsed->secret == presented);

    QList<QPair<QByteArray, QByteArray>> headers;
    for (const QByteArray &line : parts.at(1).toByteArray().split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
    headers.append({"authorization", "Bearer " + presented});

    const unsigned char choice = parts.at(2).isEmpty() ? 0 : uchar(parts.at(2).at(0));
    static const char *const peers[] = {"127.0.0.1", "::1", "192.168.1.20", "2001:db8::7"};
    qp::AuthRequest req;
    req.peer = QHostAddress(QLatin1String(peers[choice & 3]));
    req.host = (choice & 4) ? qp::HostVerdict::AllowedLoopback : qp::HostVerdict::Allowed;
    req.method = (choice & 8) ? "GET" : "POST";
    req.path = (choice & 16) ? "/metrics" : "/v1/chat/completions";
    const QByteArray query =
        (choice & 32) ? parts.at(1).first(std::min<qsizetype>(64, parts.at(1).size())).toByteArray()
                      : QByteArray();
    req.query = query;
    req.headers = &headers;
    qp::TrustRules rules;
    rules.keyAlways = choice & 64;

    const qp::Authorization a = qp::authorize(req, rules, table(), 1000);
    if (a.trustedLocal)
        QP_FUZZ_CHECK(req.peer.isLoopback() && req.host == qp::HostVerdict::AllowedLoopback &&
                      !rules.keyAlways);
    if (a.key) {
        QP_FUZZ_CHECK(a.key->usableAt(1000));
        // The key may also have come from an x-api-key line in the fuzzed headers.
        bool matches = false;
        for (const auto &h : headers) {
            QByteArray v = h.second;
            if (v.startsWith("Bearer ") || v.startsWith("bearer "))
                v = v.mid(7).trimmed();
            if (const auto hp = qp::clientkey::parse(v))
                matches |=
                    hp->id == a.key->id && qp::clientkey::digest(hp->secret) == a.key->digest;
        }
        QP_FUZZ_CHECK(matches);
        QP_FUZZ_CHECK(a.key->revokedMs == 0);
    }
    if (a.failedKey)
        QP_FUZZ_CHECK(a.status == 401);
    if (!a.admitted())
        QP_FUZZ_CHECK(!a.message.contains(u"qpk_"));
    return 0;
}
