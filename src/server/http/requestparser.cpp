#include "http/requestparser.h"

#include <algorithm>

namespace qp::http {

namespace {
bool isTokenChar(char c)
{
    if (c >= 'a' && c <= 'z')
        return true;
    if (c >= 'A' && c <= 'Z')
        return true;
    if (c >= '0' && c <= '9')
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}
// Optional whitespace around a field value is SP and HTAB only (RFC 9110 §5.6.3): QByteArray's
// trimmed() also strips VT, FF and CR, which let "\vchunked" pass as "chunked".
QByteArrayView trimOws(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

// Field values may hold visible characters, SP, HTAB and obs-text; no other control character.
bool validFieldValue(QByteArrayView v)
{
    for (char c : v)
        if ((uchar(c) < 0x20 && c != '\t') || uchar(c) == 0x7f)
            return false;
    return true;
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The fields that decide where a message ends or where it goes; never allowed in a trailer.
bool isFramingField(QByteArrayView lowerName)
{
    return lowerName == "content-length" || lowerName == "transfer-encoding" || lowerName == "host";
}
} // namespace

RequestParser::State RequestParser::fail(int status, QByteArray message)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_errorMessage = std::move(message);
    return m_state;
}

void RequestParser::reset()
{
    m_state = State::Idle;
    m_req = HttpRequest();
    m_contentLength = 0;
    m_chunkRemaining = 0;
    m_chunked = false;
    m_expectContinue = false;
    m_errorStatus = 0;
    m_errorMessage.clear();
    m_trailerBytes = 0;
}

HttpRequest RequestParser::takeRequest()
{
    HttpRequest r = std::move(m_req);
    reset();
    return r;
}

bool RequestParser::parseHead(QByteArrayView head)
{
    // Request line
    const qsizetype eol = head.indexOf("\r\n");
    const QByteArrayView line = eol < 0 ? head : head.first(eol);
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
        fail(400, "malformed request line");
        return false;
    }
    const QByteArrayView method = line.first(sp1);
    for (char c : method)
        if (!isTokenChar(c)) {
            fail(400, "malformed method");
            return false;
        }
    const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    if (target.size() > m_limits.maxTargetBytes) {
        rememberPath(target);
        fail(414, "request target too long");
        return false;
    }
    const QByteArrayView version = line.sliced(sp2 + 1);
    if (target.isEmpty() || (target.front() != '/' && target != "*")) {
        fail(400, "unsupported request target");
        return false;
    }
    for (char c : target)
        if (uchar(c) <= 0x20 || uchar(c) == 0x7f) {
            fail(400, "invalid character in request target");
            return false;
        }
    if (version == "HTTP/1.1")
        m_req.versionMinor = 1;
    else if (version == "HTTP/1.0")
        m_req.versionMinor = 0;
    else if (version.startsWith("HTTP/")) {
        fail(505, "only HTTP/1.0 and HTTP/1.1 are supported");
        return false;
    } else {
        fail(400, "malformed HTTP version");
        return false;
    }
    m_req.method = method.toByteArray();
    m_req.target = target.toByteArray();
    const qsizetype q = target.indexOf('?');
    m_req.path = (q < 0 ? target : target.first(q)).toByteArray();
    m_req.query = q < 0 ? QByteArray() : target.sliced(q + 1).toByteArray();

    // Header fields
    qsizetype pos = eol < 0 ? head.size() : eol + 2;
    int count = 0;
    while (pos < head.size()) {
        qsizetype end = head.indexOf("\r\n", pos);
        if (end < 0)
            end = head.size();
        const QByteArrayView field = head.sliced(pos, end - pos);
        pos = end + 2;
        if (field.isEmpty())
            continue;
        if (++count > m_limits.maxHeaderCount) {
            fail(431, "too many header fields");
            return false;
        }
        if (field.front() == ' ' || field.front() == '\t') {
            fail(400, "obsolete header line folding");
            return false;
        }
        const qsizetype colon = field.indexOf(':');
        if (colon <= 0) {
            fail(400, "malformed header field");
            return false;
        }
        const QByteArrayView name = field.first(colon);
        for (char c : name)
            if (!isTokenChar(c)) { // also rejects "Content-Length :" (space before colon)
                fail(400, "malformed header field name");
                return false;
            }
        const QByteArrayView value = trimOws(field.sliced(colon + 1));
        if (!validFieldValue(value)) {
            fail(400, "invalid character in header value");
            return false;
        }
        m_req.headers.append({name.toByteArray().toLower(), value.toByteArray()});
    }

    // Framing: exactly one way to know where the body ends.
    const int lengths = m_req.headerCount("content-length");
    const QByteArray te = m_req.header("transfer-encoding").toLower();
    if (m_req.headerCount("transfer-encoding") > 1 || (!te.isEmpty() && te != "chunked")) {
        fail(501, "unsupported Transfer-Encoding");
        return false;
    }
    if (!te.isEmpty() && lengths > 0) {
        fail(400, "both Content-Length and Transfer-Encoding");
        return false;
    }
    if (lengths > 1) {
        fail(400, "several Content-Length fields");
        return false;
    }
    if (!te.isEmpty() && m_req.versionMinor == 0) {
        // HTTP/1.0 has no chunked coding; a 1.0 message's body ends at its length (RFC 9112 §6.1).
        fail(400, "Transfer-Encoding in an HTTP/1.0 request");
        return false;
    }
    m_chunked = !te.isEmpty();
    m_contentLength = 0;
    if (lengths == 1) {
        const QByteArray cl = m_req.header("content-length");
        if (cl.isEmpty() || cl.size() > 18) {
            fail(cl.size() > 18 ? 413 : 400, "invalid Content-Length");
            return false;
        }
        for (char c : cl)
            if (c < '0' || c > '9') {
                fail(400, "invalid Content-Length");
                return false;
            }
        m_contentLength = cl.toLongLong();
        if (m_contentLength > m_limits.maxBodyBytes) {
            fail(413, "request body too large");
            return false;
        }
    }
    if (m_req.headerCount("host") != 1) {
        // HTTP/1.0 did not require Host; every client in use sends it, and the admission rules
        // need it (docs/access-control.md).
        fail(400, "requests need exactly one Host header");
        return false;
    }
    const QByteArray connection = m_req.header("connection").toLower();
    m_req.keepAlive =
        m_req.versionMinor == 1 ? !connection.contains("close") : connection.contains("keep-alive");
    m_expectContinue = m_req.header("expect").toLower() == "100-continue" &&
                       m_req.versionMinor == 1 && (m_chunked || m_contentLength > 0);
    return true;
}

// The target of a request line that will not be parsed (a head or target over its limit), so the
// refusal can still come in the path's dialect.
QByteArrayView RequestParser::requestTarget(QByteArrayView buffer)
{
    const qsizetype eol = buffer.indexOf('\n');
    const QByteArrayView line = eol < 0 ? buffer : buffer.first(eol);
    const qsizetype sp1 = line.indexOf(' ');
    if (sp1 < 0)
        return {};
    const QByteArrayView rest = line.sliced(sp1 + 1);
    const qsizetype sp2 = rest.indexOf(' ');
    return sp2 < 0 ? rest : rest.first(sp2);
}

void RequestParser::rememberPath(QByteArrayView target)
{
    const qsizetype q = target.indexOf('?');
    // Enough to tell the dialect (apierror.h: dialectForPath); never the whole oversized target.
    m_req.path = (q < 0 ? target : target.first(q))
                     .first(std::min<qsizetype>(q < 0 ? target.size() : q, 256))
                     .toByteArray();
}

RequestParser::State RequestParser::feed(QByteArray &buffer)
{
    for (;;) {
        switch (m_state) {
        case State::Done:
        case State::Error:
            return m_state;
        case State::Idle:
            // Tolerate empty lines between requests (RFC 9112 §2.2).
            while (buffer.startsWith("\r\n"))
                buffer.remove(0, 2);
            // A lone CR may be such a line whose LF is in the next read: wait for it rather than
            // start a request at it (found by fuzzing: a 400 depending on TCP segmentation).
            if (buffer.isEmpty() || buffer == "\r")
                return m_state;
            m_state = State::Headers;
            break;
        case State::Headers: {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0) {
                if (buffer.size() > m_limits.maxHeaderBytes) {
                    rememberPath(requestTarget(buffer));
                    return fail(431, "request header block too large");
                }
                return m_state;
            }
            if (end + 4 > m_limits.maxHeaderBytes) {
                rememberPath(requestTarget(buffer));
                return fail(431, "request header block too large");
            }
            if (!parseHead(QByteArrayView(buffer).first(end)))
                return m_state;
            buffer.remove(0, end + 4);
            if (m_chunked)
                m_state = State::ChunkSize;
            else if (m_contentLength > 0)
                m_state = State::Body;
            else
                m_state = State::Done;
            break;
        }
        case State::Body: {
            const qint64 need = m_contentLength - m_req.body.size();
            if (m_req.body.isEmpty() && buffer.size() >= need && need == m_contentLength) {
                // Whole body already here: take it without a copy when it is all there is.
                if (buffer.size() == need) {
                    m_req.body = std::exchange(buffer, {});
                } else {
                    m_req.body = buffer.left(need);
                    buffer.remove(0, need);
                }
                m_state = State::Done;
                break;
            }
            const qint64 take = std::min<qint64>(need, buffer.size());
            if (m_req.body.isEmpty())
                m_req.body.reserve(m_contentLength);
            m_req.body.append(buffer.constData(), take);
            buffer.remove(0, take);
            if (m_req.body.size() == m_contentLength)
                m_state = State::Done;
            else
                return m_state;
            break;
        }
        case State::ChunkSize: {
            const qsizetype eol = buffer.indexOf("\r\n");
            if (eol < 0) {
                if (buffer.size() > 1024)
                    return fail(400, "malformed chunk size");
                return m_state;
            }
            // chunk-size is 1*HEXDIG and nothing else: no sign, no 0x, no spaces (each let a
            // lenient peer read the chunk differently: request smuggling). An extension after
            // ';' is ignored, but may not hide a CR or a bare LF.
            const QByteArrayView line = QByteArrayView(buffer).first(eol);
            const qsizetype semi = line.indexOf(';');
            const QByteArrayView sizeText = semi >= 0 ? line.first(semi) : line;
            if (sizeText.isEmpty() || sizeText.size() > 15 ||
                !std::all_of(sizeText.begin(), sizeText.end(), isHexDigit))
                return fail(400, "malformed chunk size");
            if (semi >= 0 && !validFieldValue(line.sliced(semi + 1)))
                return fail(400, "invalid character in chunk extension");
            const qint64 size = sizeText.toLongLong(nullptr, 16);
            buffer.remove(0, eol + 2);
            if (m_req.body.size() + size > m_limits.maxBodyBytes)
                return fail(413, "request body too large");
            m_chunkRemaining = size;
            m_state = size == 0 ? State::Trailers : State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qint64 take = std::min<qint64>(m_chunkRemaining, buffer.size());
            m_req.body.append(buffer.constData(), take);
            buffer.remove(0, take);
            m_chunkRemaining -= take;
            if (m_chunkRemaining > 0)
                return m_state;
            m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd:
            if (buffer.size() < 2)
                return m_state;
            if (!buffer.startsWith("\r\n"))
                return fail(400, "malformed chunk");
            buffer.remove(0, 2);
            m_state = State::ChunkSize;
            break;
        case State::Trailers: {
            const qsizetype eol = buffer.indexOf("\r\n");
            if (eol < 0) {
                if (buffer.size() + m_trailerBytes > m_limits.maxHeaderBytes)
                    return fail(431, "trailers too large");
                return m_state;
            }
            if (eol > 0) {
                // Trailer fields are read and ignored, but must be well formed, and none may
                // try to change the framing or the target after the fact.
                const QByteArrayView field = QByteArrayView(buffer).first(eol);
                const qsizetype colon = field.indexOf(':');
                if (colon <= 0 || !std::all_of(field.begin(), field.begin() + colon, isTokenChar) ||
                    !validFieldValue(field.sliced(colon + 1)))
                    return fail(400, "malformed trailer field");
                if (isFramingField(field.first(colon).toByteArray().toLower()))
                    return fail(400, "framing field in the trailer section");
            }
            m_trailerBytes += eol + 2;
            buffer.remove(0, eol + 2);
            if (eol == 0)
                m_state = State::Done;
            break;
        }
        }
    }
}

} // namespace qp::http
