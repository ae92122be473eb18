#pragma once
// Writes one response on one connection: a whole response, or a chunked stream written piece by
// piece. It outlives the socket safely: once the client is gone every write is a no-op and
// clientGone() has told the relay to stop its upstream request.

#include "common/lazytimer.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTcpSocket>
#include <limits>

namespace qp::http {

using Headers = QList<QPair<QByteArray, QByteArray>>;

class ResponseWriter;

// Told once when a response ends: written out, or the client left first. A plain interface
// rather than a signal: every request has one, and a connection per request costs allocations
// and a connect on the hot path (measured with tests/bench).
class ResponseObserver
{
public:
    virtual ~ResponseObserver() = default;
    virtual void responseEnded(ResponseWriter *writer, bool clientGone) = 0;
};

class ResponseWriter : public QObject
{
    Q_OBJECT
public:
    ResponseWriter(QTcpSocket *socket, bool keepAlive, bool headRequest, Headers extraHeaders,
                   QObject *parent);

    bool isOpen() const { return m_socket && m_socket->state() == QAbstractSocket::ConnectedState; }
    bool started() const { return m_started; }
    bool finished() const { return m_finished; }
    int status() const { return m_status; }
    qint64 bytesWritten() const { return m_bodyBytes; }

    // Backpressure toward a slow client (docs/backpressure.md). Output the client has not taken
    // yet waits in the socket's write buffer; once more than `highWater` bytes wait, the writer
    // is congested: backlogHigh() tells the producer (a relay pauses its upstream) and
    // backlogDrained() follows when the backlog is down to half of it. A client that takes
    // nothing for `stallMs` while congested is disconnected (clientGone(), stalled() is true).
    // highWater <= 0 turns all of it off.
    void setBacklogLimits(qint64 highWater, int stallMs)
    {
        m_highWater = highWater > 0 ? highWater : std::numeric_limits<qint64>::max();
        m_stallMs = stallMs;
    }
    qint64 backlog() const { return (m_socket ? m_socket->bytesToWrite() : 0) + m_corked.size(); }
    bool congested() const { return m_congested; }
    bool stalled() const { return m_stalled; }
    int stallTimeoutMs() const { return m_stallMs; }
    qint64 stalledBacklog() const { return m_stalledBacklog; } // what waited when it stalled

    // This response's id, sent as X-Request-Id (SDKs show it in their errors as _request_id; it
    // ties a user's report to our log line).
    const QByteArray &requestId();

    // Adds a header to whatever response is written next (CORS, Retry-After, ...).
    void addHeader(QByteArray name, QByteArray value)
    {
        m_extra.append({std::move(name), std::move(value)});
    }

    void send(int status, const QByteArray &contentType, const QByteArray &body,
              const Headers &headers = {});
    void sendJson(int status, const QJsonObject &body, const Headers &headers = {});

    // Chunked streaming (SSE).
    void beginStream(int status, const QByteArray &contentType, const Headers &headers = {});
    void writeChunk(QByteArrayView data) { writeChunk({}, data, {}); }
    // One chunk made of three pieces (an SSE event's "data: ", payload and blank line), framed
    // in place: no buffer per piece, and while corked no buffer of its own at all.
    void writeChunk(QByteArrayView prefix, QByteArrayView data, QByteArrayView suffix);
    void endStream();

    // Between cork() and uncork(), output collects in memory and leaves in one write at the
    // last uncork() or with the end of the response. Relays cork around each upstream read, so
    // the events of one read reach the client in one segment instead of one syscall each
    // (tests/bench: 20 events per read made the send() calls ~90 % of the proxy's syscalls).
    void cork() { ++m_corks; }
    void uncork();

    // Closes the connection after this response (used for errors that leave the byte stream
    // unusable, and for Connection: close).
    void setCloseAfter() { m_keepAlive = false; }
    // A relay writes its own, richer request line; the router logs all other responses.
    void setRequestLogged() { m_requestLogged = true; }
    bool requestLogged() const { return m_requestLogged; }
    bool keepAlive() const { return m_keepAlive; }

    // The observer (which must outlive the writer) hears of the end once; `tag` and the start
    // time are kept here for it, so it needs no per-request state of its own.
    void setObserver(ResponseObserver *observer, int tag)
    {
        m_observer = observer;
        m_observeTag = tag;
        m_observeClock.start();
    }
    int observeTag() const { return m_observeTag; }
    qint64 elapsedNs() const { return m_observeClock.nsecsElapsed(); }

Q_SIGNALS:
    void clientGone();     // the socket closed before the response finished
    void responseDone();   // the last byte of the response is queued
    void backlogHigh();    // more than the high-water mark waits for the client
    void backlogDrained(); // back under the low-water mark after backlogHigh()

private:
    friend class HttpConnection;
    void socketGone();
    QByteArray head(int status, const QByteArray &contentType, const Headers &headers,
                    qint64 contentLength);
    void out(const QByteArray &bytes); // writes now, or collects while corked
    void flushCorked();
    void ended(bool clientGone);
    // After each write to the socket: one compare unless the backlog is over the bound.
    void checkBacklog()
    {
        if (!m_congested && m_socket && m_socket->bytesToWrite() > m_highWater)
            becomeCongested();
    }
    void becomeCongested();
    void onSocketBytesWritten();
    void onStall();

    QPointer<QTcpSocket> m_socket;
    bool m_keepAlive;
    bool m_head;
    Headers m_extra;
    QByteArray m_requestId;
    bool m_started = false;
    bool m_finished = false;
    bool m_chunked = false;
    int m_status = 0;
    qint64 m_bodyBytes = 0;
    bool m_requestLogged = false;
    int m_corks = 0;
    QByteArray m_corked; // output held back while corked
    ResponseObserver *m_observer = nullptr;
    int m_observeTag = 0;
    QElapsedTimer m_observeClock;
    qint64 m_highWater = std::numeric_limits<qint64>::max();
    int m_stallMs = 60000;
    bool m_congested = false;
    bool m_stalled = false;
    qint64 m_stalledBacklog = 0;
    LazyTimer *m_stallTimer = nullptr; // made on the first congestion only
};

QByteArray reasonPhrase(int status);

} // namespace qp::http
