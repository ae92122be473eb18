#include "upstream/httpresponseparser.h"

using namespace Qt::StringLiterals;

namespace qp {

namespace {
bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

// True when the comma-separated header value lists `token` (case-insensitive).
bool hasToken(QByteArrayView value, QByteArrayView token)
{
    while (!value.isEmpty()) {
        qsizetype comma = value.indexOf(',');
        const QByteArrayView item = trimmed(comma < 0 ? value : value.first(comma));
        if (item.compare(token, Qt::CaseInsensitive) == 0)
            return true;
        if (comma < 0)
            break;
        value = value.sliced(comma + 1);
    }
    return false;
}

QByteArrayView lastToken(QByteArrayView value)
{
    const qsizetype comma = value.lastIndexOf(',');
    return trimmed(comma < 0 ? value : value.sliced(comma + 1));
}
} // namespace

void HttpResponseParser::start(bool headRequest)
{
    m_buf.clear();
    m_pos = 0;
    m_state = State::StatusLine;
    m_framing = Framing::None;
    m_head = headRequest;
    m_received = false;
    m_keepAlive = true;
    m_http10 = false;
    m_status = 0;
    m_headBytes = 0;
    m_remaining = 0;
    m_headers.clear();
    m_body.clear();
    m_error.clear();
}

void HttpResponseParser::append(const QByteArray &data)
{
    if (data.isEmpty())
        return;
    m_received = true;
    if (m_pos >= m_buf.size()) {
        m_buf = data; // shares, no copy: the common case of one read per event
        m_pos = 0;
        return;
    }
    if (m_pos > 0) {
        m_buf.remove(0, m_pos);
        m_pos = 0;
    }
    m_buf.append(data);
}

HttpResponseParser::Line HttpResponseParser::takeLine(QByteArrayView *line, qsizetype limit,
                                                      qsizetype *counter)
{
    const qsizetype nl = m_buf.indexOf('\n', m_pos);
    if (nl < 0)
        return *counter + (m_buf.size() - m_pos) > limit ? Line::TooLong : Line::More;
    *counter += nl + 1 - m_pos;
    if (*counter > limit)
        return Line::TooLong;
    QByteArrayView v(m_buf.constData() + m_pos, nl - m_pos);
    if (v.endsWith('\r'))
        v.chop(1);
    m_pos = nl + 1;
    *line = v;
    return Line::Ok;
}

HttpResponseParser::Event HttpResponseParser::headTooLarge()
{
    return fail(u"response header block exceeds %1 bytes"_s.arg(maxHeadBytes));
}

HttpResponseParser::Event HttpResponseParser::fail(const QString &message)
{
    if (m_state != State::Failed) {
        m_state = State::Failed;
        m_error = message;
    }
    return Event::Error;
}

QByteArray HttpResponseParser::slice(qsizetype n)
{
    if (m_pos == 0 && n == m_buf.size())
        return std::exchange(m_buf, QByteArray()); // hand the read buffer over, no copy
    QByteArray out = m_buf.mid(m_pos, n);
    m_pos += n;
    return out;
}

bool HttpResponseParser::parseStatusLine(QByteArrayView line)
{
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (line.size() < 12 || !line.startsWith("HTTP/1.") || !isDigit(line[7]) || line[8] != ' ')
        return false;
    if (!isDigit(line[9]) || !isDigit(line[10]) || !isDigit(line[11]))
        return false;
    if (line.size() > 12 && line[12] != ' ')
        return false;
    m_http10 = line[7] == '0';
    m_status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    return m_status >= 100;
}

bool HttpResponseParser::parseHeaderLine(QByteArrayView line)
{
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return false;
    const QByteArrayView name = line.first(colon);
    for (char c : name)
        if (c <= ' ' || c >= 127) // no whitespace before the colon, no obs-fold
            return false;
    m_headers.append({name.toByteArray().toLower(), trimmed(line.sliced(colon + 1)).toByteArray()});
    return true;
}

HttpResponseParser::Event HttpResponseParser::endOfHead()
{
    if (m_status < 200) {
        // 101 would switch protocols, which we never ask for.
        if (m_status == 101)
            return fail(u"unexpected 101 Switching Protocols"_s);
        m_state = State::StatusLine; // interim response: the real one follows
        m_headBytes = 0;
        m_headers.clear();
        return next();
    }
    bool chunked = false, otherCoding = false, haveLength = false;
    qint64 length = -1;
    m_keepAlive = !m_http10;
    for (const auto &h : std::as_const(m_headers)) {
        if (h.first == "connection") {
            if (hasToken(h.second, "close"))
                m_keepAlive = false;
            else if (m_http10 && hasToken(h.second, "keep-alive"))
                m_keepAlive = true;
        } else if (h.first == "transfer-encoding") {
            // Only the last coding decides the framing (RFC 9112 §6.3).
            chunked = lastToken(h.second).compare("chunked", Qt::CaseInsensitive) == 0;
            otherCoding = !chunked;
        } else if (h.first == "content-length") {
            QByteArrayView rest = h.second;
            while (true) { // "5, 5" is allowed when all values agree
                const qsizetype comma = rest.indexOf(',');
                const QByteArrayView item = trimmed(comma < 0 ? rest : rest.first(comma));
                bool ok = !item.isEmpty() && item.size() <= 18;
                for (char c : item)
                    ok = ok && isDigit(c);
                if (!ok)
                    return fail(u"invalid Content-Length"_s);
                const qint64 v = item.toLongLong();
                if (haveLength && v != length)
                    return fail(u"conflicting Content-Length values"_s);
                haveLength = true;
                length = v;
                if (comma < 0)
                    break;
                rest = rest.sliced(comma + 1);
            }
        }
    }
    if (m_head || m_status == 204 || m_status == 304) {
        m_framing = Framing::None;
        m_state = State::Done;
    } else if (chunked) {
        m_framing = Framing::Chunked;
        m_state = State::ChunkSize;
        m_headBytes = 0; // reused as the chunk-line / trailer counter
    } else if (otherCoding || !haveLength) {
        m_framing = Framing::UntilClose;
        m_state = State::UntilClose;
    } else {
        m_framing = Framing::Length;
        m_remaining = length;
        m_state = length > 0 ? State::Length : State::Done;
    }
    return Event::Head;
}

HttpResponseParser::Event HttpResponseParser::chunked()
{
    // Coalesces every chunk available now into one body piece.
    while (true) {
        switch (m_state) {
        case State::ChunkSize: {
            QByteArrayView line;
            qsizetype counter = 0;
            const Line got = takeLine(&line, maxChunkLineBytes, &counter);
            if (got == Line::TooLong)
                return fail(u"chunk size line too long"_s);
            if (got == Line::More)
                return m_body.isEmpty() ? Event::NeedMore : Event::Body;
            const qsizetype semi = line.indexOf(';'); // chunk extensions are ignored
            const QByteArrayView hex = trimmed(semi < 0 ? line : line.first(semi));
            if (hex.isEmpty() || hex.size() > 15)
                return fail(u"invalid chunk size"_s);
            qint64 size = 0;
            for (char c : hex) {
                const int v = hexValue(c);
                if (v < 0)
                    return fail(u"invalid chunk size"_s);
                size = size * 16 + v;
            }
            if (size == 0) {
                m_state = State::Trailers;
                m_headBytes = 0;
                if (!m_body.isEmpty())
                    return Event::Body;
                break;
            }
            m_remaining = size;
            m_state = State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qsizetype avail = m_buf.size() - m_pos;
            if (avail == 0)
                return m_body.isEmpty() ? Event::NeedMore : Event::Body;
            const qsizetype n = qsizetype(qMin<qint64>(avail, m_remaining));
            if (m_body.isEmpty())
                m_body = slice(n);
            else {
                m_body.append(m_buf.constData() + m_pos, n);
                m_pos += n;
            }
            m_remaining -= n;
            if (m_remaining == 0)
                m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd: {
            // Exactly CRLF (or a bare LF) must follow the chunk data.
            const qsizetype avail = m_buf.size() - m_pos;
            if (avail == 0 || (avail == 1 && m_buf.at(m_pos) == '\r'))
                return m_body.isEmpty() ? Event::NeedMore : Event::Body;
            if (m_buf.at(m_pos) == '\n')
                m_pos += 1;
            else if (m_buf.at(m_pos) == '\r' && m_buf.at(m_pos + 1) == '\n')
                m_pos += 2;
            else
                return fail(u"chunk data not followed by CRLF"_s);
            m_state = State::ChunkSize;
            break;
        }
        case State::Trailers: {
            QByteArrayView line;
            const Line got = takeLine(&line, maxHeadBytes, &m_headBytes);
            if (got != Line::Ok)
                return got == Line::More ? Event::NeedMore : fail(u"trailers too large"_s);
            if (line.isEmpty()) {
                m_state = State::Done;
                return Event::Done;
            }
            break; // trailer fields are not used
        }
        default:
            return next();
        }
    }
}

HttpResponseParser::Event HttpResponseParser::next()
{
    while (true) {
        switch (m_state) {
        case State::StatusLine: {
            QByteArrayView line;
            const Line got = takeLine(&line, maxHeadBytes, &m_headBytes);
            if (got != Line::Ok)
                return got == Line::More ? Event::NeedMore : headTooLarge();
            if (!parseStatusLine(line))
                return fail(u"malformed status line: %1"_s.arg(
                    QString::fromLatin1(line.first(qMin<qsizetype>(line.size(), 80)))));
            m_state = State::HeaderLines;
            break;
        }
        case State::HeaderLines: {
            QByteArrayView line;
            const Line got = takeLine(&line, maxHeadBytes, &m_headBytes);
            if (got != Line::Ok)
                return got == Line::More ? Event::NeedMore : headTooLarge();
            if (line.isEmpty())
                return endOfHead();
            if (!parseHeaderLine(line))
                return fail(u"malformed header line"_s);
            break;
        }
        case State::Length: {
            const qsizetype avail = m_buf.size() - m_pos;
            if (avail == 0)
                return Event::NeedMore;
            const qsizetype n = qsizetype(qMin<qint64>(avail, m_remaining));
            m_body = slice(n);
            m_remaining -= n;
            if (m_remaining == 0)
                m_state = State::Done;
            return Event::Body;
        }
        case State::UntilClose: {
            if (m_pos >= m_buf.size())
                return Event::NeedMore;
            m_body = slice(m_buf.size() - m_pos);
            return Event::Body;
        }
        case State::ChunkSize:
        case State::ChunkData:
        case State::ChunkDataEnd:
        case State::Trailers:
            return chunked();
        case State::Done:
            return Event::Done;
        case State::Failed:
            return Event::Error;
        }
    }
}

HttpResponseParser::EofResult HttpResponseParser::eof()
{
    switch (m_state) {
    case State::Done:
    case State::UntilClose:
        m_state = State::Done;
        return EofResult::Complete;
    case State::StatusLine:
        if (!m_received)
            return EofResult::NothingReceived;
        return EofResult::Truncated;
    default:
        return EofResult::Truncated;
    }
}

} // namespace qp
