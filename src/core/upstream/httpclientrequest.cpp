#include "upstream/httpclientrequest.h"

#include "common/afterpass.h"
#include "upstream/httpclient.h"
#include "upstream/httpclientconnection.h"

namespace qp {

HttpClientRequest::HttpClientRequest(HttpClient *client, QByteArray method, const QUrl &url,
                                     QByteArray wire, QString poolKey)
    : QObject(client), m_client(client), m_method(std::move(method)), m_url(url),
      m_wire(std::move(wire)), m_key(std::move(poolKey)), m_head(m_method == "HEAD")
{}

HttpClientRequest::~HttpClientRequest()
{
    m_done = true;
    detach();
}

void HttpClientRequest::abort()
{
    if (m_done)
        return;
    m_done = true;
    m_sentPending = false;
    detach();
}

void HttpClientRequest::release()
{
    if (m_done)
        return;
    m_done = true;
    m_sentPending = false;
    if (HttpClientConnection *c = std::exchange(m_conn, nullptr)) {
        c->releaseRequest(m_client ? m_client->config().drainTimeoutMs : 0);
        return;
    }
    detach();
}

void HttpClientRequest::pause()
{
    if (m_done || m_paused)
        return;
    m_paused = true;
    if (m_conn)
        m_conn->pauseReading();
}

void HttpClientRequest::resume()
{
    if (!m_paused)
        return;
    m_paused = false;
    if (m_conn && !m_done)
        m_conn->resumeReading();
}

void HttpClientRequest::detach()
{
    if (HttpClientConnection *c = std::exchange(m_conn, nullptr))
        c->dropRequest();
    if (std::exchange(m_queued, false) && m_client)
        m_client->requestGone(this);
}

void HttpClientRequest::deliverSent()
{
    if (m_done || m_sentEmitted)
        return;
    m_sentEmitted = true;
    if (m_inPost) {
        m_sentPending = true; // post() queues the emission
        return;
    }
    Q_EMIT requestSent();
}

void HttpClientRequest::deliverHead(int status, QList<QPair<QByteArray, QByteArray>> &&headers)
{
    if (m_done)
        return;
    if (std::exchange(m_sentPending, false)) {
        // The queued requestSent has not run yet; keep the documented order.
        QPointer<HttpClientRequest> self(this);
        Q_EMIT requestSent();
        if (!self || m_done)
            return;
    }
    Q_EMIT responseStarted(status, headers);
}

void HttpClientRequest::deliverBody(const QByteArray &bytes)
{
    if (!m_done)
        Q_EMIT bodyData(bytes);
}

void HttpClientRequest::deliverFinished()
{
    if (m_done)
        return;
    m_done = true;
    Q_EMIT finished();
}

void HttpClientRequest::deliverFailure(Failure kind, const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    detach();
    if (m_inPost || m_failLater) {
        m_pendingFailure = kind;
        m_pendingMessage = message;
        m_hasPendingFailure = true;
        if (m_failLater)
            queueDeferred();
        return;
    }
    Q_EMIT failed(kind, message);
}

void HttpClientRequest::leavePost()
{
    m_inPost = false;
    if (m_sentPending || m_hasPendingFailure)
        queueDeferred();
}

void HttpClientRequest::queueDeferred()
{
    runAfterPass(this, [this] {
        if (std::exchange(m_sentPending, false) && !m_done) {
            QPointer<HttpClientRequest> self(this);
            Q_EMIT requestSent();
            if (!self)
                return;
        }
        if (std::exchange(m_hasPendingFailure, false))
            Q_EMIT failed(m_pendingFailure, m_pendingMessage);
    });
}

} // namespace qp
