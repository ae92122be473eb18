#include "http/responsewriter.h"

#include "common/afterpass.h"
#include "logging/logging.h"
#include "net/socketio.h"
#include "protocol/jsonbytes.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <cstring>

namespace qp::http {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    case 529:
        return "Overloaded";
    default:
        return "Status";
    }
}

ResponseWriter::ResponseWriter(QTcpSocket *socket, bool keepAlive, bool headRequest,
                               Headers extraHeaders, QObject *parent)
    : QObject(parent), m_socket(socket), m_keepAlive(keepAlive), m_head(headRequest),
      m_extra(std::move(extraHeaders))
{}

const QByteArray &ResponseWriter::requestId()
{
    if (m_requestId.isEmpty())
        m_requestId = "req_" + QByteArray::number(QRandomGenerator::global()->generate64(), 36);
    return m_requestId;
}

QByteArray ResponseWriter::head(int status, const QByteArray &contentType, const Headers &headers,
                                qint64 contentLength)
{
    // On every answer, errors and streams included: nothing here is for a browser to sniff, run,
    // frame or cache (docs/access-control.md). No Server header: nothing to fingerprint.
    static const QByteArray kHardening = "X-Content-Type-Options: nosniff\r\n"
                                         "Cache-Control: no-store\r\n"
                                         "Content-Security-Policy: default-src 'none'; "
                                         "frame-ancestors 'none'\r\n";
    QByteArray h;
    h.reserve(256);
    h += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty())
        h += "Content-Type: " + contentType + "\r\n";
    if (status == 204 || status == 304)
        ; // no body, no length (RFC 9110 §8.6)
    else if (contentLength >= 0)
        h += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    else
        h += "Transfer-Encoding: chunked\r\n";
    h += kHardening;
    h += "X-Request-Id: " + requestId() + "\r\n";
    for (const auto &p : m_extra)
        h += p.first + ": " + p.second + "\r\n";
    for (const auto &p : headers)
        h += p.first + ": " + p.second + "\r\n";
    if (!m_keepAlive)
        h += "Connection: close\r\n";
    h += "\r\n";
    return h;
}

void ResponseWriter::send(int status, const QByteArray &contentType, const QByteArray &body,
                          const Headers &headers)
{
    if (m_started)
        return;
    m_started = true;
    m_finished = true;
    m_status = status;
    if (isOpen()) {
        QByteArray bytes = head(status, contentType, headers, body.size());
        if (!m_head)
            bytes += body;
        m_bodyBytes = body.size();
        m_corked.append(bytes); // after anything held back by a cork
        flushCorked();
    }
    ended(false);
}

void ResponseWriter::sendJson(int status, const QJsonObject &body, const Headers &headers)
{
    send(status, "application/json", compactJson(body), headers);
}

void ResponseWriter::beginStream(int status, const QByteArray &contentType, const Headers &headers)
{
    if (m_started)
        return;
    m_started = true;
    m_chunked = true;
    m_status = status;
    if (isOpen()) {
        // The head waits for the rest of this loop pass: the first events usually come in the
        // same upstream read, and then head and events leave in one segment.
        cork();
        runAfterPass(this, [this] { uncork(); });
        out(head(status, contentType, headers, -1));
    }
}

void ResponseWriter::writeChunk(QByteArrayView prefix, QByteArrayView data, QByteArrayView suffix)
{
    const qsizetype size = prefix.size() + data.size() + suffix.size();
    if (!m_chunked || m_finished || size == 0 || !isOpen())
        return;
    m_bodyBytes += size;
    char sizeLine[20];
    int n = 0;
    for (qsizetype v = size; v; v >>= 4)
        ++n;
    for (int i = n - 1, v = 0; i >= 0; --i, v += 4)
        sizeLine[i] = "0123456789abcdef"[(size >> v) & 0xf];
    sizeLine[n++] = '\r';
    sizeLine[n++] = '\n';
    // One write per chunk: size line, data and CRLF go out in the same segment (TCP_NODELAY).
    // Framed straight into the cork buffer when corked (a relay corks around each upstream
    // read), else into one buffer for the write: one resize and four copies per event, where
    // building the frame piece by piece took ~2,500 instructions (callgrind, SSE soak).
    QByteArray frame;
    QByteArray &dst = m_corks > 0 ? m_corked : frame;
    qsizetype at = dst.size();
    dst.resize(at + n + size + 2);
    char *o = dst.data() + at;
    for (QByteArrayView piece : {QByteArrayView(sizeLine, n), prefix, data, suffix}) {
        if (!piece.isEmpty())
            std::memcpy(o, piece.data(), size_t(piece.size()));
        o += piece.size();
    }
    o[0] = '\r';
    o[1] = '\n';
    if (m_corks == 0)
        out(frame);
}

void ResponseWriter::endStream()
{
    if (!m_chunked || m_finished)
        return;
    m_finished = true;
    if (isOpen()) {
        m_corked.append("0\r\n\r\n", 5);
        flushCorked(); // the end of a response is never held back
    }
    ended(false);
}

void ResponseWriter::out(const QByteArray &bytes)
{
    if (m_corks > 0) {
        m_corked.append(bytes);
        return;
    }
    net::writeNow(m_socket, bytes);
    checkBacklog();
}

void ResponseWriter::uncork()
{
    if (m_corks > 0 && --m_corks == 0)
        flushCorked();
}

void ResponseWriter::flushCorked()
{
    if (m_corked.isEmpty())
        return;
    if (isOpen())
        net::writeNow(m_socket, m_corked);
    m_corked.clear();
    checkBacklog();
}

void ResponseWriter::becomeCongested()
{
    m_congested = true;
    // Qt reports each piece of its write buffer that reaches the kernel: that is how the
    // backlog drains. Connected only while congested, so the usual write path pays nothing.
    connect(m_socket, &QIODevice::bytesWritten, this, &ResponseWriter::onSocketBytesWritten,
            Qt::UniqueConnection);
    if (m_stallMs > 0) {
        if (!m_stallTimer) {
            m_stallTimer = new LazyTimer(this);
            connect(m_stallTimer, &LazyTimer::timeout, this, &ResponseWriter::onStall);
        }
        m_stallTimer->start(m_stallMs);
    }
    Q_EMIT backlogHigh();
}

void ResponseWriter::onSocketBytesWritten()
{
    if (!m_congested)
        return;
    if (m_stallTimer)
        m_stallTimer->start(m_stallMs); // the client took something: not stalled
    if (backlog() > m_highWater / 2)
        return;
    m_congested = false;
    if (m_stallTimer)
        m_stallTimer->stop();
    if (m_socket)
        disconnect(m_socket, &QIODevice::bytesWritten, this, &ResponseWriter::onSocketBytesWritten);
    Q_EMIT backlogDrained();
}

void ResponseWriter::onStall()
{
    if (!m_congested || !isOpen())
        return;
    m_stalled = true;
    m_stalledBacklog = backlog();
    qCDebug(lcServer) << "client took nothing for" << m_stallMs << "ms with" << backlog()
                      << "bytes waiting; closing the connection";
    // The connection hears of it (disconnected) and tells us: socketGone(), clientGone().
    m_socket->abort();
}

void ResponseWriter::socketGone()
{
    m_corked.clear();
    if (!m_finished) {
        m_finished = true;
        ended(true);
    }
}

void ResponseWriter::ended(bool clientGone)
{
    if (ResponseObserver *o = std::exchange(m_observer, nullptr))
        o->responseEnded(this, clientGone);
    if (clientGone)
        Q_EMIT this->clientGone();
    else
        Q_EMIT responseDone();
}

} // namespace qp::http
