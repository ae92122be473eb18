#pragma once
// One request made through HttpClient, as seen by its caller. Signals come in this order:
// requestSent, responseStarted, bodyData*, then exactly one of finished or failed (failed may come
// at any point). Nothing is emitted from inside HttpClient::post(), so connecting after post()
// returns loses nothing. abort() or deleting the request closes its connection and silences it.

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QUrl>

namespace qp {

class HttpClient;
class HttpClientConnection;

class HttpClientRequest : public QObject
{
    Q_OBJECT
public:
    enum class Failure {
        ConnectionRefused,
        HostNotFound,
        RemoteClosed, // EOF before the status line or inside a framed body; also a reset
        Tls,
        Protocol, // malformed or oversized response, unsupported URL
        Aborted,  // the HttpClient was destroyed while the request was in flight
        Network,  // any other socket error (network unreachable, ...)
        // The egress proxy itself failed: down, refused our credentials, or answered its
        // handshake with an error. (The proxy failing to reach the upstream keeps the kind the
        // direct connection would have had: ConnectionRefused, HostNotFound, Network.)
        Proxy,
    };
    Q_ENUM(Failure)

    ~HttpClientRequest() override;

    QUrl url() const { return m_url; }
    QByteArray method() const { return m_method; }
    // finished, failed or aborted: no signal will follow.
    bool isDone() const { return m_done; }
    // The request went out on a connection that had already served a response.
    bool reusedConnection() const { return m_reused; }

    // Closes the connection (it is never reused) and emits nothing further.
    void abort();
    // Emits nothing further, like abort(), but the connection reads the rest of the response
    // and then serves other requests. For a caller that has all it needs before the response
    // ends (an SSE stream after [DONE]): reconnecting costs far more than reading a few bytes.
    void release();
    // Backpressure: stop reading the response until resume(). Nothing more is emitted meanwhile;
    // what the upstream sends waits in a bounded socket buffer and then in the kernel, whose
    // receive window throttles the upstream (TCP flow control).
    void pause();
    void resume();
    bool isPaused() const { return m_paused; }

Q_SIGNALS:
    void requestSent();
    void responseStarted(int status, const QList<QPair<QByteArray, QByteArray>> &headers);
    void bodyData(const QByteArray &bytes);
    void finished();
    void failed(qp::HttpClientRequest::Failure kind, const QString &message);

private:
    friend class HttpClient;
    friend class HttpClientConnection;
    HttpClientRequest(HttpClient *client, QByteArray method, const QUrl &url, QByteArray wire,
                      QString poolKey);

    // Called by the connection; each one is a no-op once the request is done.
    void deliverSent();
    void deliverHead(int status, QList<QPair<QByteArray, QByteArray>> &&headers);
    void deliverBody(const QByteArray &bytes);
    void deliverFinished();
    void deliverFailure(Failure kind, const QString &message);
    void detach(); // leaves the connection (closing it) or the queue
    void leavePost();
    void queueDeferred();

    QPointer<HttpClient> m_client;
    HttpClientConnection *m_conn = nullptr; // set while assigned
    QByteArray m_method;
    QUrl m_url;
    QByteArray m_wire; // the whole request as written, kept for the one stale-connection retry
    QString m_key;     // pool key: scheme, host, port, egress proxy
    bool m_head = false;
    bool m_queued = false;
    bool m_retried = false;
    bool m_reused = false;
    bool m_inPost = true; // emissions are deferred until post() has returned
    bool m_sentEmitted = false;
    bool m_sentPending = false;
    bool m_done = false;
    bool m_paused = false;
    bool m_failLater = false; // set when the client dies: failed(Aborted) is queued
    bool m_hasPendingFailure = false;
    Failure m_pendingFailure = Failure::Aborted;
    QString m_pendingMessage;
};

} // namespace qp
