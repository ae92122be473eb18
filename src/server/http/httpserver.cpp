#include "http/httpserver.h"

#include "access/keylockout.h"
#include "common/afterpass.h"
#include "common/monotonic.h"
#include "logging/logging.h"
#include "net/descriptors.h"
#include "net/portowner.h"
#include "net/socketio.h"
#include "settings/settings.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QTimer>
#include <atomic>

using namespace Qt::StringLiterals;

namespace qp::http {

ServerLimits ServerLimits::fromSettings(const Settings &s)
{
    ServerLimits l;
    l.parser.maxBodyBytes = s.integer(u"max_body_bytes");
    l.parser.maxHeaderBytes = s.integer(u"max_header_bytes");
    l.idleTimeoutMs = int(s.integer(u"idle_connection_timeout_ms"));
    l.headerTimeoutMs = int(s.integer(u"header_timeout_ms"));
    l.bodyTimeoutMs = int(s.integer(u"body_timeout_ms"));
    l.maxConnections = int(s.integer(u"max_connections"));
    l.maxConnectionsPerPeer = int(s.integer(u"max_connections_per_peer"));
    l.clientBacklogBytes = s.integer(u"client_backlog_bytes");
    l.clientStallTimeoutMs = int(s.integer(u"client_stall_timeout_ms"));
    return l;
}

// QTcpServer that hands raw descriptors to HttpServer, so every socket gets TCP_NODELAY and the
// connection cap is enforced before Qt allocates anything for it.
class Listener : public QTcpServer
{
public:
    Listener(HttpServer *server) : QTcpServer(server), m_server(server) {}

protected:
    void incomingConnection(qintptr descriptor) override { m_server->accept(descriptor, this); }

private:
    HttpServer *m_server;
};

namespace {
// Descriptors kept free for what is opened after listen(): log and database files, the
// keychain's bus, a TLS session's extras.
constexpr long kDescriptorSlack = 32;
// QTcpServer's own bound on connections accepted and not yet taken, which with our
// incomingConnection() (it takes each at once) never binds; 30 is Qt's default.
constexpr int kMaxPendingPerPass = 30;
} // namespace

HttpServer::HttpServer(ServerLimits limits, QObject *parent) : QObject(parent), m_limits(limits) {}

// At the descriptor limit accept() fails with EMFILE, and Qt 6.4 then retries it in a tight loop
// (100 % CPU, and /health cannot get in; docs/qt-notes.md, "Listener"). So the server stays below
// the limit: client connections get half of what is left after listen(), since each may need an
// upstream socket as well, and accepting pauses whenever clients plus upstream sockets come near
// the limit, whoever opened them.
void HttpServer::fitDescriptorLimit()
{
    const long limit =
        m_limits.descriptorLimit > 0 ? m_limits.descriptorLimit : net::openDescriptorLimit();
    if (limit <= 0)
        return;
    m_descriptorsAtListen = std::max(net::openDescriptorCount(), 0L);
    m_descriptorCeiling = limit - kDescriptorSlack;
    const long clients = std::max((m_descriptorCeiling - m_descriptorsAtListen) / 2, 8L);
    m_limits.trustedReserve = int(std::min<long>(m_limits.trustedReserve, clients / 4));
    m_limits.maxConnections =
        int(std::min<long>(m_limits.maxConnections, clients - m_limits.trustedReserve));
}

bool HttpServer::descriptorsTight() const
{
    return m_descriptorCeiling > 0 && m_descriptorsAtListen + m_connections.size() +
                                              m_waiting.size() + net::upstreamSocketsOpen() >=
                                          m_descriptorCeiling;
}

HttpServer::~HttpServer()
{
    m_closing = true;
    for (const qintptr d : std::as_const(m_waiting))
        net::closeDescriptor(d);
    const auto conns = m_connections;
    for (HttpConnection *c : conns)
        delete c;
}

bool HttpServer::listen(const QString &host, quint16 port, QString *error)
{
    QList<QHostAddress> addresses;
    if (host == u"localhost")
        addresses = {QHostAddress(QHostAddress::LocalHost),
                     QHostAddress(QHostAddress::LocalHostIPv6)};
    else if (host == u"0.0.0.0" || host == u"*")
        addresses = {QHostAddress(QHostAddress::AnyIPv4)};
    else if (host == u"::")
        addresses = {QHostAddress(QHostAddress::Any)};
    else
        addresses = {QHostAddress(host)};
    if (addresses.first().isNull()) {
        if (error)
            *error = u"invalid listen address '%1' (use an IP address or localhost)"_s.arg(host);
        return false;
    }
    quint16 bound = port;
    for (qsizetype i = 0; i < addresses.size(); ++i) {
        auto *l = new Listener(this);
        // Qt's default of 50 drops SYNs under bursts (docs/qt-notes.md, "Listener").
        l->setListenBacklogSize(1024);
        if (!l->listen(addresses.at(i), bound)) {
            // ::1 may be missing (IPv6 disabled): localhost still works on 127.0.0.1.
            if (i > 0 && host == u"localhost") {
                qCInfo(lcServer) << "IPv6 loopback unavailable, listening on 127.0.0.1 only";
                delete l;
                continue;
            }
            if (error) {
                *error =
                    l->serverError() == QAbstractSocket::AddressInUseError
                        ? PortOwners::withOwner(
                              u"port %1 is already in use on %2"_s.arg(port).arg(host), port)
                        : u"cannot listen on %1:%2: %3"_s.arg(host).arg(port).arg(l->errorString());
            }
            delete l;
            stopListening();
            return false;
        }
        bound = l->serverPort();
        m_listeners.append(l);
    }
    m_port = bound;
    fitDescriptorLimit();
    return true;
}

void HttpServer::stopListening()
{
    for (QTcpServer *l : std::as_const(m_listeners)) {
        l->close();
        l->deleteLater();
    }
    m_listeners.clear();
    if (m_resumeTimer)
        m_resumeTimer->stop();
    for (const qintptr d : std::as_const(m_waiting))
        net::closeDescriptor(d);
    m_waiting.clear();
}

void HttpServer::closeIdleConnections()
{
    const auto conns = m_connections;
    for (HttpConnection *c : conns)
        c->closeWhenIdle();
}

void HttpServer::drain(int graceMs, std::function<void()> done)
{
    stopListening();
    closeIdleConnections();
    auto fired = std::make_shared<bool>(false);
    // Last step: every connection closed gracefully, so the final bytes of each response are
    // on the wire before the process exits (a bounded wait: a client may not read).
    auto closeAll = [this, fired, done] {
        if (*fired)
            return;
        *fired = true;
        closeIdleConnections();
        if (connectionCount() == 0) {
            QTimer::singleShot(0, this, done);
            return;
        }
        auto once = std::make_shared<bool>(false);
        auto finish = [once, done] {
            if (!*once) {
                *once = true;
                done();
            }
        };
        connect(this, &HttpServer::allConnectionsClosed, this, finish);
        QTimer::singleShot(2000, this, finish);
    };
    if (busyCount() == 0) {
        closeAll();
        return;
    }
    qCInfo(lcServer) << "waiting up to" << graceMs << "ms for" << busyCount() << "open responses";
    connect(this, &HttpServer::becameIdle, this, closeAll);
    QTimer::singleShot(graceMs, this, closeAll);
}

namespace {
quint64 nextIdleOrder()
{
    static std::atomic<quint64> n{0}; // tests run servers on more than one thread
    return ++n;
}
} // namespace

void HttpServer::pauseAccepting()
{
    if (m_paused)
        return;
    m_paused = true;
    // pauseAccepting() alone only takes effect after Qt's accept loop has emptied the backlog;
    // with no pending connection allowed, the loop stops at its next turn and the rest of the
    // backlog waits in the kernel.
    for (QTcpServer *l : std::as_const(m_listeners)) {
        l->setMaxPendingConnections(0);
        l->pauseAccepting();
    }
    // Room also comes without a connection closing: one turns idle long enough to be evicted,
    // or upstream sockets close. Looked for a few times a second, only while paused.
    if (!m_resumeTimer) {
        m_resumeTimer = new QTimer(this);
        m_resumeTimer->setInterval(250);
        connect(m_resumeTimer, &QTimer::timeout, this, &HttpServer::resumeAcceptingIfRoom);
    }
    m_resumeTimer->start();
    qCWarning(lcServer).nospace() << "connection cap " << m_limits.maxConnections << " (+"
                                  << m_limits.trustedReserve << " for local callers, "
                                  << net::upstreamSocketsOpen()
                                  << " upstream sockets) reached; pausing accept";
}

void HttpServer::resumeAcceptingIfRoom()
{
    if (!m_paused || m_closing || m_resuming)
        return;
    // Evicting below closes connections, which calls back here: once is enough.
    m_resuming = true;
    while (!m_waiting.isEmpty() && (!full() || evictOldestIdle()))
        serve(m_waiting.takeFirst());
    m_resuming = false;
    if (!m_waiting.isEmpty())
        return;
    const bool room =
        m_connections.size() < m_limits.maxConnections * 9 / 10 && !descriptorsTight();
    if (!room && !oldestIdle())
        return;
    m_paused = false;
    m_resumeTimer->stop();
    for (QTcpServer *l : std::as_const(m_listeners)) {
        l->setMaxPendingConnections(kMaxPendingPerPass);
        l->resumeAccepting();
    }
}

HttpConnection *HttpServer::oldestIdle() const
{
    const qint64 now = monotonicMs();
    HttpConnection *oldest = nullptr;
    for (HttpConnection *c : std::as_const(m_connections))
        if (c->evictable(now, m_limits.evictIdleAfterMs) &&
            (!oldest || c->idleOrder() < oldest->idleOrder()))
            oldest = c;
    return oldest;
}

bool HttpServer::evictOldestIdle()
{
    HttpConnection *oldest = oldestIdle();
    if (!oldest)
        return false;
    delete oldest; // closes its socket; connectionClosed() takes it out of the counts
    return true;
}

void HttpServer::accept(qintptr descriptor, QTcpServer *from)
{
    Q_UNUSED(from);
    // Full (every connection the cap and its reserve allow, or descriptors near the limit): room
    // comes only from a connection idle long enough. Without one, accepting stops until there is
    // room, so later callers wait in the kernel's backlog instead of being refused; the few that
    // Qt accepted in the same pass wait here, unread (refused only beyond kMaxWaiting).
    if (full() && !evictOldestIdle()) {
        if (m_waiting.size() < kMaxWaiting)
            m_waiting.append(descriptor);
        else
            net::closeDescriptor(descriptor);
        pauseAccepting();
        return;
    }
    serve(descriptor);
}

bool HttpServer::full() const
{
    return m_connections.size() + m_waiting.size() >=
               m_limits.maxConnections + m_limits.trustedReserve ||
           descriptorsTight();
}

void HttpServer::serve(qintptr descriptor)
{
    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        net::closeDescriptor(descriptor);
        return;
    }
    const QHostAddress peer = socket->peerAddress();
    const bool trusted = m_trustedPeer ? m_trustedPeer(peer) : peer.isLoopback();
    QByteArray source;
    if (!trusted) {
        // One peer cannot take the whole cap (5,000 idle sockets from one LAN host used to).
        source = KeyLockout::sourceOf(peer);
        if (m_perPeer.value(source) >= m_limits.maxConnectionsPerPeer) {
            socket->abort();
            delete socket;
            return;
        }
    }
    // At the cap, make room from the connection idle longest rather than refuse everyone; a
    // trusted peer gets in even when none is idle, up to the reserve.
    if (m_connections.size() >= m_limits.maxConnections && !evictOldestIdle() && !trusted) {
        socket->abort();
        delete socket;
        return;
    }
    // Without it, SSE over keep-alive stalls ~40 ms per event (Nagle + delayed ACK, §4).
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setReadBufferSize(m_limits.readAheadBytes);
    auto *c = new HttpConnection(socket, this);
    c->m_source = source;
    if (!source.isEmpty())
        ++m_perPeer[source];
    m_connections.insert(c);
    ++m_accepted;
}

qint64 HttpServer::bufferedRequestBytes() const
{
    qint64 total = 0;
    for (const HttpConnection *c : std::as_const(m_connections))
        total += c->bufferedBytes();
    return total;
}

void HttpServer::connectionClosed(HttpConnection *c)
{
    if (!m_connections.remove(c))
        return;
    if (!c->m_source.isEmpty()) {
        auto it = m_perPeer.find(c->m_source);
        if (it != m_perPeer.end() && --*it <= 0)
            m_perPeer.erase(it);
    }
    if (c->countedBusy())
        --m_busy;
    resumeAcceptingIfRoom();
    if (!m_closing && busyCount() == 0)
        Q_EMIT becameIdle();
    if (!m_closing && m_connections.isEmpty())
        Q_EMIT allConnectionsClosed();
}

void HttpServer::responseFinished()
{
    --m_busy;
    if (m_busy == 0)
        Q_EMIT becameIdle();
}

// ---------------------------------------------------------------------------------------------

HttpConnection::HttpConnection(QTcpSocket *socket, HttpServer *server)
    : QObject(server), m_socket(socket), m_server(server), m_parser(server->m_limits.parser)
{
    m_socket->setParent(this);
    connect(&m_timer, &LazyTimer::timeout, this, [this] {
        if (m_parser.inProgress() && !busy())
            rejectAndClose(408, "request not received in time");
        else
            m_socket->abort();
    });
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
        if (e != QAbstractSocket::RemoteHostClosedError)
            qCDebug(lcServer) << "client socket error" << m_socket->errorString();
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            onDisconnected();
    });
    m_timer.start(m_server->m_limits.idleTimeoutMs);
    m_idleSinceMs = monotonicMs();
    m_idleOrder = nextIdleOrder();
}

bool HttpConnection::evictable(qint64 nowMs, int ms) const
{
    return !busy() && !m_parser.inProgress() && m_buffer.isEmpty() && !m_draining &&
           nowMs - m_idleSinceMs >= ms;
}

qint64 HttpConnection::bufferedBytes() const
{
    return m_buffer.size() + m_socket->bytesAvailable();
}

HttpConnection::~HttpConnection()
{
    if (m_writer)
        m_writer->socketGone();
    m_server->connectionClosed(this);
}

void HttpConnection::closeWhenIdle()
{
    m_closeWhenIdle = true;
    if (!busy() && !m_parser.inProgress())
        m_socket->disconnectFromHost();
}

void HttpConnection::onDisconnected()
{
    m_timer.stop();
    if (m_writer)
        m_writer->socketGone();
    deleteLater();
}

void HttpConnection::onReadyRead()
{
    if (m_draining) {
        const QByteArray junk = m_socket->read(std::max<qint64>(m_drainRemaining, 0) + 65536);
        m_drainRemaining -= junk.size();
        if (m_drainRemaining <= 0)
            m_socket->disconnectFromHost();
        return;
    }
    if (busy()) {
        // Pipelined bytes wait in the socket until the current response is done: responses go
        // out in request order, and with the socket's read-ahead bounded (readAheadBytes) a
        // client cannot make us buffer without bound.
        return;
    }
    m_buffer += net::readAvailable(m_socket);
    process();
}

void HttpConnection::process()
{
    if (m_processing)
        return;
    m_processing = true;
    while (!busy() && !m_draining && m_socket->state() == QAbstractSocket::ConnectedState) {
        const bool wasIdle = !m_parser.inProgress();
        const auto state = m_parser.feed(m_buffer);
        if (wasIdle && m_parser.inProgress()) // a slowloris gets 408 after the header limit
            m_timer.start(m_server->m_limits.headerTimeoutMs);
        if (state == RequestParser::State::Error) {
            rejectAndClose(m_parser.errorStatus(), m_parser.errorMessage());
            break;
        }
        if (m_parser.headersComplete() && !m_admitted) {
            if (!admitted())
                break;
            if (state != RequestParser::State::Done) // the body gets its own, longer limit
                m_timer.start(m_server->m_limits.bodyTimeoutMs);
        }
        if (state != RequestParser::State::Done) {
            if (m_parser.expectsContinue() && !m_sentContinue && m_parser.headersComplete()) {
                m_sentContinue = true;
                net::writeNow(m_socket, QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
            }
            if (!m_parser.inProgress() && m_closeWhenIdle)
                m_socket->disconnectFromHost();
            break;
        }
        dispatch();
        if (m_buffer.isEmpty() && busy())
            break;
    }
    m_processing = false;
}

void HttpConnection::dispatch()
{
    m_timer.stop();
    m_sentContinue = false;
    m_admitted = false;
    HttpRequest req = m_parser.takeRequest();
    req.peer = m_socket->peerAddress();
    req.caller = std::move(m_caller);
    m_caller = {};
    const bool keepAlive = req.keepAlive && !m_closeWhenIdle;
    auto *writer = new ResponseWriter(m_socket, keepAlive, req.method == "HEAD", {}, this);
    writer->setBacklogLimits(m_server->m_limits.clientBacklogBytes,
                             m_server->m_limits.clientStallTimeoutMs);
    m_writer = writer;
    m_countedBusy = true;
    m_server->responseStarted();
    connect(writer, &ResponseWriter::responseDone, this, &HttpConnection::onResponseDone);
    if (m_server->m_handler)
        m_server->m_handler(std::move(req), writer);
    else
        writer->send(503, "text/plain", "no handler\n");
}

void HttpConnection::onResponseDone()
{
    ResponseWriter *w = m_writer;
    const bool keepAlive = w && w->keepAlive();
    if (w) {
        w->disconnect(this);
        deleteAfterPass(w); // the relay that finished it is still on the stack
    }
    m_writer = nullptr;
    m_ticket.reset(); // the request's concurrency slot, if its key has a limit
    if (std::exchange(m_countedBusy, false))
        m_server->responseFinished();
    if (!keepAlive) {
        m_socket->disconnectFromHost();
        return;
    }
    m_timer.start(m_server->m_limits.idleTimeoutMs);
    m_idleSinceMs = monotonicMs();
    m_idleOrder = nextIdleOrder();
    // Nothing pipelined: the next request's bytes will raise readyRead themselves (a queued
    // call per response costs a wake-up syscall and a loop pass).
    if (m_buffer.isEmpty() && m_socket->bytesAvailable() == 0)
        return;
    // Continue with pipelined requests, after the current call stack unwinds.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (busy())
                return;
            m_buffer += net::readAvailable(m_socket);
            process();
        },
        Qt::QueuedConnection);
}

bool HttpConnection::admitted()
{
    if (m_admitted || !m_server->m_gate)
        return m_admitted = true;
    auto verdict =
        m_server->m_gate(m_parser.current(), m_socket->peerAddress(), m_parser.declaresBody());
    if (auto *pass = std::get_if<HttpServer::Pass>(&verdict)) {
        m_caller = std::move(pass->caller);
        m_ticket = std::move(pass->ticket);
        return m_admitted = true;
    }
    // Refused from the head alone: the body (maybe 30 MB of it) is not read, not even waited for,
    // and no route or upstream sees the request.
    const auto &refusal = std::get<HttpServer::Refusal>(verdict);
    rejectAndClose(refusal.status, refusal.message.toUtf8(), true, refusal.headers);
    return false;
}

void HttpConnection::rejectAndClose(int status, const QByteArray &message, bool framingIntact,
                                    const QList<QPair<QByteArray, QByteArray>> &headers)
{
    // The byte stream is unusable after a framing error: answer, then close. Unread body bytes
    // are drained first, else the kernel sends RST and the client never reads our answer (§3).
    const qint64 declared = m_parser.declaredLength();
    const HttpRequest partial = m_parser.takeRequest();
    const QByteArray &path = partial.path;
    const qint64 unread = declared - partial.body.size() - m_buffer.size(); // still on the wire
    auto *writer = new ResponseWriter(m_socket, false, false, {}, this);
    for (const auto &h : headers)
        writer->addHeader(h.first, h.second);
    if (m_server->m_errorResponder)
        m_server->m_errorResponder(status, QString::fromLatin1(message), path, writer);
    if (!writer->started())
        writer->send(status, "text/plain", message + '\n');
    writer->deleteLater();
    m_buffer.clear();
    m_draining = true;
    // A refused body is read and dropped (bounded) so the client gets to read the answer; after a
    // framing error the length cannot be trusted, except a 413's.
    m_drainRemaining = status == 413 || framingIntact ? std::min<qint64>(unread, 64 << 20) : 0;
    m_timer.start(3000); // give up draining after 3 s
    if (m_drainRemaining <= 0)
        m_socket->disconnectFromHost();
}

} // namespace qp::http
