#include "upstream/httpclientconnection.h"

#include "common/afterpass.h"
#include "logging/logging.h"
#include "net/descriptors.h"
#include "net/socketio.h"
#include "net/tcptuning.h"
#include "upstream/egress.h"
#include "upstream/httpclient.h"

#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
constexpr qint64 kReadBufferBytes = 256 * 1024;
}

HttpClientConnection::HttpClientConnection(HttpClient *client, QString key, bool tls,
                                           QObject *parent)
    : QObject(parent), m_client(client), m_key(std::move(key)), m_tls(tls)
{
    connect(&m_idleTimer, &LazyTimer::timeout, this, &HttpClientConnection::close);
}

HttpClientConnection::~HttpClientConnection()
{
    if (m_socket)
        net::upstreamSocketClosed();
}

void HttpClientConnection::open(const QString &host, quint16 port, const QSslConfiguration &ssl,
                                const QNetworkProxy &proxy)
{
    m_proxy = proxy;
    m_target = (host.contains(u':') ? u'[' + host + u']' : host) + u':' + QString::number(port);
    if (m_tls) {
        if (!QSslSocket::supportsSsl()) {
            failRequest(HttpClientRequest::Failure::Tls, u"TLS is not available"_s);
            return;
        }
        auto *s = new QSslSocket(this);
        s->setSslConfiguration(ssl);
        connect(s, &QSslSocket::encrypted, this, &HttpClientConnection::onConnected);
        connect(s, &QSslSocket::encryptedBytesWritten, this, &HttpClientConnection::onBytesWritten);
        connect(s, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            // Not ignored: the handshake fails next with SslHandshakeFailedError.
            QStringList texts;
            for (const QSslError &e : errors)
                texts.append(e.errorString());
            m_sslErrors = texts.join(u"; "_s);
        });
        m_socket = s;
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QAbstractSocket::connected, this, &HttpClientConnection::onConnected);
    }
    net::upstreamSocketOpened(); // the server's descriptor budget counts it (~ undoes it)
    // Always explicit: a socket left with DefaultProxy would follow Qt's application proxy.
    // HttpProxy tunnels with CONNECT, plain and TLS alike; QSslSocket then runs TLS inside the
    // tunnel with the upstream's name (SNI, certificate check), not the proxy's.
    m_socket->setProxy(proxy);
    // Bounded, so that not reading (a paused request) stops reading the kernel too: its
    // receive window then throttles the upstream instead of Qt's buffer growing without end.
    m_socket->setReadBufferSize(kReadBufferBytes);
    connect(m_socket, &QIODevice::readyRead, this, &HttpClientConnection::onReadyRead);
    connect(m_socket, &QIODevice::bytesWritten, this, &HttpClientConnection::onBytesWritten);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &HttpClientConnection::onError);
    connect(m_socket, &QAbstractSocket::disconnected, this, &HttpClientConnection::onDisconnected);
    if (m_tls)
        static_cast<QSslSocket *>(m_socket)->connectToHostEncrypted(host, port);
    else
        m_socket->connectToHost(host, port);
}

bool HttpClientConnection::usable() const
{
    return !m_closed && m_connected && !m_req && !m_draining &&
           m_socket->state() == QAbstractSocket::ConnectedState && m_socket->bytesAvailable() == 0;
}

void HttpClientConnection::assign(HttpClientRequest *r)
{
    m_idleTimer.stop();
    m_req = r;
    r->m_conn = this;
    m_paused = r->m_paused;
    m_eofWhilePaused = false;
    if (m_connected)
        writeRequest();
}

void HttpClientConnection::startIdleTimer(int ms)
{
    m_idleTimer.start(ms);
}

void HttpClientConnection::onConnected()
{
    m_connected = true;
    // Requests go out in one write and SSE events must not wait for Nagle.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_req)
        writeRequest();
}

void HttpClientConnection::writeRequest()
{
    QPointer<HttpClientConnection> self(this);
    m_parser.start(m_req->m_head);
    m_req->m_reused = m_served > 0;
    m_awaitingSent = true;
    net::writeNow(m_socket, m_req->m_wire); // one send(), no notifier round (see socketio.h)
    if (self && !m_closed)
        onBytesWritten();
}

void HttpClientConnection::onBytesWritten()
{
    if (!m_awaitingSent || !m_req)
        return;
    if (pendingWrite() > 0)
        return;
    m_awaitingSent = false;
    m_req->deliverSent();
}

qint64 HttpClientConnection::pendingWrite() const
{
    qint64 pending = m_socket->bytesToWrite();
    if (m_tls)
        pending += static_cast<QSslSocket *>(m_socket)->encryptedBytesToWrite();
    return pending;
}

void HttpClientConnection::onReadyRead()
{
    if (m_paused)
        return; // left in the socket: its bounded buffer fills, then the kernel's window
    const QByteArray data = net::readAvailable(m_socket);
    if (m_closed)
        return;
    if (!m_req && !m_draining) {
        // Bytes on an idle connection belong to no request: it cannot be reused.
        if (!data.isEmpty())
            close();
        return;
    }
    QPointer<HttpClientConnection> self(this);
    const int served = m_served;
    m_parser.append(data);
    process();
    // A read that leaves the response unfinished (a head without its body, a stream) sends the
    // ACK the kernel may be delaying now: an upstream whose Nagle waits for it would otherwise
    // stall ~40 ms (net/tcptuning.h). Not after a read that ends the response, nor when sending:
    // a response that arrives whole then costs no syscall and no ACK packet of its own (the ACK
    // rides on the next request, as before).
    if (self && !m_closed && m_served == served && (m_req || m_draining))
        net::armQuickAck(m_socket);
}

void HttpClientConnection::process()
{
    QPointer<HttpClientConnection> self(this);
    while (m_draining && !m_closed) {
        switch (m_parser.next()) {
        case HttpResponseParser::Event::NeedMore:
            return;
        case HttpResponseParser::Event::Head:
        case HttpResponseParser::Event::Body:
            (void)m_parser.takeBody();
            break;
        case HttpResponseParser::Event::Done:
            finishDrain();
            return;
        case HttpResponseParser::Event::Error:
            close();
            return;
        }
    }
    while (m_req && !m_closed) {
        if (m_paused)
            return; // the rest stays in the parser until resumeReading()
        switch (m_parser.next()) {
        case HttpResponseParser::Event::NeedMore:
            return;
        case HttpResponseParser::Event::Head:
            if (std::exchange(m_awaitingSent, false)) {
                // A response before the write completed: the server answered early.
                m_req->deliverSent();
                if (!self || !m_req)
                    return;
            }
            m_req->m_wire = QByteArray(); // kept only for the stale-connection retry
            m_req->deliverHead(m_parser.status(), m_parser.takeHeaders());
            break;
        case HttpResponseParser::Event::Body:
            m_req->deliverBody(m_parser.takeBody());
            break;
        case HttpResponseParser::Event::Done:
            finishRequest();
            return;
        case HttpResponseParser::Event::Error:
            failRequest(HttpClientRequest::Failure::Protocol, m_parser.errorString());
            return;
        }
        if (!self) // the client was deleted from a slot
            return;
        if (m_draining) { // released from a slot: read on quietly
            process();
            return;
        }
    }
}

void HttpClientConnection::resumeReading()
{
    if (!m_paused)
        return;
    m_paused = false;
    // Bytes already in the socket's buffer or the parser raise no readyRead of their own. Read
    // them after this pass: resuming is asked for from deep inside the client side's signals.
    runAfterPass(this, [this] {
        if (!m_paused && !m_closed)
            continueAfterPause();
    });
}

void HttpClientConnection::continueAfterPause()
{
    QPointer<HttpClientConnection> self(this);
    onReadyRead(); // also parses what was left in the parser
    if (!self || m_closed || m_paused)
        return;
    if (std::exchange(m_eofWhilePaused, false))
        handleEof();
}

void HttpClientConnection::releaseRequest(int drainMs)
{
    m_req = nullptr;
    m_paused = false;
    if (m_eofWhilePaused && !m_closed) {
        close(); // the server closed while we were not reading: nothing left to reuse
        return;
    }
    if (m_closed)
        return;
    if (!m_connected || std::exchange(m_awaitingSent, false) || drainMs <= 0) {
        close(); // not even sent: nothing to wait for that is worth a connection
        return;
    }
    m_draining = true;
    m_idleTimer.start(drainMs); // closes the connection if the response does not end in time
}

void HttpClientConnection::finishDrain()
{
    m_draining = false;
    poolOrClose();
}

void HttpClientConnection::poolOrClose()
{
    ++m_served;
    // Not reusable if the server answered before taking the whole request (an early 413, say):
    // the rest of our body would be read as the next request.
    const bool reusable = !m_closed && m_parser.keepAlive() && !m_parser.hasLeftover() &&
                          pendingWrite() == 0 &&
                          m_socket->state() == QAbstractSocket::ConnectedState;
    if (reusable)
        m_client->connectionIdle(this);
    else
        close();
}

void HttpClientConnection::finishRequest()
{
    HttpClientRequest *r = std::exchange(m_req, nullptr);
    r->m_conn = nullptr;
    m_paused = false;
    poolOrClose(); // before finished(), so a request made from that slot can reuse it
    r->deliverFinished();
}

void HttpClientConnection::failRequest(HttpClientRequest::Failure kind, const QString &message)
{
    HttpClientRequest *r = std::exchange(m_req, nullptr);
    if (r)
        r->m_conn = nullptr;
    close();
    if (r) {
        qCDebug(lcUpstream) << "request to" << r->url().host() << "failed:" << message;
        r->deliverFailure(kind, message);
    }
}

void HttpClientConnection::handleEof()
{
    if (m_closed)
        return;
    if (m_paused) {
        // What is still buffered belongs to the paused request: the end waits for it.
        m_eofWhilePaused = true;
        return;
    }
    if (m_req) {
        const QByteArray rest = net::readAvailable(m_socket);
        if (!rest.isEmpty()) {
            QPointer<HttpClientConnection> self(this);
            m_parser.append(rest);
            process();
            if (!self || m_closed)
                return;
            if (m_paused) { // paused from inside process(): the end waits for the rest
                m_eofWhilePaused = true;
                return;
            }
        }
    }
    if (!m_req) {
        close(); // an idle connection the server closed, or one being drained
        return;
    }
    switch (m_parser.eof()) {
    case HttpResponseParser::EofResult::Complete:
        finishRequest();
        return;
    case HttpResponseParser::EofResult::NothingReceived:
        if (m_served > 0 && !m_req->m_retried) {
            // A kept-alive connection the server had already closed: nothing was received, so
            // sending the request again on a fresh connection cannot duplicate a response.
            HttpClientRequest *r = std::exchange(m_req, nullptr);
            r->m_conn = nullptr;
            r->m_retried = true;
            HttpClient *client = m_client;
            close();
            qCDebug(lcUpstream) << "stale keep-alive connection, retrying" << r->url().host();
            client->dispatch(r, true);
            return;
        }
        failRequest(HttpClientRequest::Failure::RemoteClosed,
                    u"connection closed before a response was received"_s);
        return;
    case HttpResponseParser::EofResult::Truncated:
        failRequest(HttpClientRequest::Failure::RemoteClosed,
                    u"connection closed in the middle of the response"_s);
        return;
    }
}

void HttpClientConnection::onError(QAbstractSocket::SocketError error)
{
    if (m_closed)
        return;
    if (error == QAbstractSocket::RemoteHostClosedError) {
        handleEof();
        return;
    }
    if (!m_req) {
        close();
        return;
    }
    using F = HttpClientRequest::Failure;
    F kind = F::Network;
    QString message = m_socket->errorString();
    if (m_proxy.type() != QNetworkProxy::NoProxy && !m_connected &&
        error != QAbstractSocket::SslHandshakeFailedError &&
        error != QAbstractSocket::SslInternalError &&
        error != QAbstractSocket::SslInvalidUserDataError) {
        message = proxyFailure(error, &kind);
        failRequest(kind, message);
        return;
    }
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        kind = F::ConnectionRefused;
        break;
    case QAbstractSocket::HostNotFoundError:
        kind = F::HostNotFound;
        break;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        kind = F::Tls;
        if (!m_sslErrors.isEmpty())
            message = m_sslErrors;
        break;
    default:
        break;
    }
    if (m_proxy.type() != QNetworkProxy::NoProxy)
        message += u" (through the egress proxy %1)"_s.arg(describeProxy(m_proxy));
    failRequest(kind, message);
}

QString HttpClientConnection::proxyFailure(QAbstractSocket::SocketError error,
                                           HttpClientRequest::Failure *kind) const
{
    using F = HttpClientRequest::Failure;
    const QString proxy = describeProxy(m_proxy);
    const bool socks = m_proxy.type() == QNetworkProxy::Socks5Proxy;
    const QString detail = m_socket->errorString();
    *kind = F::Proxy;
    switch (error) {
    case QAbstractSocket::ProxyAuthenticationRequiredError:
        if (m_proxy.user().isEmpty())
            return socks ? u"the egress proxy %1 requires credentials (SOCKS5)"_s.arg(proxy)
                         : u"the egress proxy %1 requires credentials (407)"_s.arg(proxy);
        return socks ? u"the egress proxy %1 refused the credentials (SOCKS5 authentication "
                       "failed)"_s.arg(proxy)
                     : u"the egress proxy %1 refused the credentials (407)"_s.arg(proxy);
    case QAbstractSocket::ProxyConnectionRefusedError:
        return u"the egress proxy %1 refused the connection (is it running?)"_s.arg(proxy);
    case QAbstractSocket::ProxyConnectionClosedError:
        return u"the egress proxy %1 closed the connection before the tunnel to %2 was open"_s.arg(
            proxy, m_target);
    case QAbstractSocket::ProxyConnectionTimeoutError:
        return u"the egress proxy %1 did not answer in time"_s.arg(proxy);
    case QAbstractSocket::ProxyNotFoundError:
        return u"the egress proxy %1 was not found (its host name does not resolve)"_s.arg(proxy);
    case QAbstractSocket::ProxyProtocolError:
        return u"the egress proxy %1 could not open a tunnel to %2: %3"_s.arg(proxy, m_target,
                                                                              detail);
    case QAbstractSocket::SocketAccessError:
        // An HTTP proxy's 403/405, a SOCKS5 ruleset's "not allowed".
        return u"the egress proxy %1 does not allow a tunnel to %2: %3"_s.arg(proxy, m_target,
                                                                              detail);
    case QAbstractSocket::ConnectionRefusedError:
        *kind = F::ConnectionRefused;
        break;
    case QAbstractSocket::HostNotFoundError:
        *kind = F::HostNotFound;
        break;
    default:
        *kind = F::Network;
        break;
    }
    // The proxy answered, but could not reach the upstream (a CONNECT 503/404, a SOCKS5 reply).
    return u"the egress proxy %1 could not connect to %2: %3"_s.arg(proxy, m_target, detail);
}

void HttpClientConnection::onDisconnected()
{
    handleEof();
}

void HttpClientConnection::dropRequest()
{
    m_req = nullptr;
    m_paused = false;
    close();
}

HttpClientRequest *HttpClientConnection::shutdown()
{
    m_closed = true;
    m_draining = false;
    m_idleTimer.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
    HttpClientRequest *r = std::exchange(m_req, nullptr);
    if (r)
        r->m_conn = nullptr;
    return r;
}

void HttpClientConnection::close()
{
    if (m_closed)
        return;
    if (HttpClientRequest *r = shutdown()) // callers detach first; never strand a request
        r->deliverFailure(HttpClientRequest::Failure::RemoteClosed, u"connection closed"_s);
    m_client->connectionClosed(this);
    deleteAfterPass(this);
}

} // namespace qp
