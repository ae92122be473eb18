#pragma once
// Our HTTP/1.1 server. Why not QHttpServer: on Qt 6.4 it has no body, header or connection
// limits, ignores Expect: 100-continue, accepts ambiguous framing, never closes idle connections,
// answers pipelined requests out of order, crashes when a responder outlives its socket, has no
// chunked-response API, and its handler API changed incompatibly in 6.8 (docs/qt-notes.md,
// "QHttpServer"). Fixing all that needs a framing parser in front of it anyway; with that parser
// the rest of a server is a few hundred lines that behave the same on every Qt version.

#include "common/lazytimer.h"
#include "http/httprequest.h"
#include "http/requestparser.h"
#include "http/responsewriter.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTcpServer>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>
#include <variant>

namespace qp {
class Settings;
}

namespace qp::http {

class HttpConnection;

struct ServerLimits {
    RequestParser::Limits parser;
    int idleTimeoutMs = 60000;   // keep-alive connection with no request in progress
    int headerTimeoutMs = 10000; // first byte of a request to the end of its header block
    int bodyTimeoutMs = 60000;   // end of the header block to the body's last byte
    int maxConnections = 4096;
    // Floods (docs/access-control.md, "Floods"): connections one untrusted peer (an IPv4 address
    // or an IPv6 /64) may hold; at the cap, the oldest connection idle this long with nothing in
    // flight makes room; trusted peers (loopback) may go this far beyond the cap, so the user's
    // own tools and /health always get in.
    int maxConnectionsPerPeer = 64;
    int evictIdleAfterMs = 1000;
    int trustedReserve = 64;
    // Backpressure (ResponseWriter::setBacklogLimits): bytes a response may have waiting for
    // its client before the producer is asked to pause, and how long a client may then take
    // nothing before it is disconnected.
    qint64 clientBacklogBytes = 1 << 20;
    int clientStallTimeoutMs = 60000;
    // Bytes Qt may read ahead from one client socket. While a response is in progress the
    // connection reads nothing, so pipelined bytes beyond this stay in the kernel, whose buffers
    // then push back on the client (a client pipelining 1 GiB behind a stream used to make us
    // hold all of it).
    qint64 readAheadBytes = 256 << 10;
    // Descriptors the process may hold; 0 means its own limit (tests pass a small one).
    long descriptorLimit = 0;

    static ServerLimits fromSettings(const Settings &s);
};

class HttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(HttpRequest &&request, ResponseWriter *writer)>;
    // Builds the body of an error we answer before any route runs (413, 400, 431...), so it can
    // be in the dialect the path implies.
    using ErrorResponder = std::function<void(int status, const QString &message,
                                              const QByteArray &path, ResponseWriter *writer)>;

    explicit HttpServer(ServerLimits limits, QObject *parent = nullptr);
    ~HttpServer() override;

    // Decides from a request's head, before its body is read, whether it may go on: a refusal
    // (status and message) is answered through the error responder and the connection closed.
    // It runs for every request of a connection, pipelined ones included.
    struct Refusal {
        int status = 0;
        QString message;
        QList<QPair<QByteArray, QByteArray>> headers; // Retry-After and the like
    };
    // An admitted request: who sent it, and a ticket the connection holds until the response
    // ends or the connection goes (a concurrency slot is given back when it is dropped).
    struct Pass {
        Caller caller;
        std::shared_ptr<void> ticket;
    };
    using Gate = std::function<std::variant<Refusal, Pass>(const HttpRequest &head,
                                                           const QHostAddress &peer, bool hasBody)>;

    void setHandler(Handler h) { m_handler = std::move(h); }
    void setGate(Gate g) { m_gate = std::move(g); }
    void setErrorResponder(ErrorResponder r) { m_errorResponder = std::move(r); }
    // Which peers the per-peer cap never applies to and that may use the reserve beyond the
    // connection cap. Default: loopback.
    void setTrustedPeer(std::function<bool(const QHostAddress &)> f)
    {
        m_trustedPeer = std::move(f);
    }

    // "localhost" binds 127.0.0.1 and ::1 on the same port. Port 0 picks a free port.
    bool listen(const QString &host, quint16 port, QString *error);
    quint16 port() const { return m_port; }
    void stopListening();
    bool isListening() const { return !m_listeners.isEmpty(); }

    int connectionCount() const { return int(m_connections.size()); }
    int acceptedCount() const { return m_accepted; } // since listen(), for tests and stats
    int busyCount() const { return m_busy; }         // connections with a response in progress
    qint64 bufferedRequestBytes() const; // read from clients and not yet parsed, for tests
    // Closes every idle connection now; busy ones close when their response ends.
    void closeIdleConnections();
    // The graceful stop: stops accepting, lets responses in progress finish for up to `graceMs`,
    // then closes every connection (a bounded 2 s more for the last bytes to leave) and calls
    // `done` from the event loop, never inside this call.
    void drain(int graceMs, std::function<void()> done);

Q_SIGNALS:
    void becameIdle(); // the last response in progress finished
    void allConnectionsClosed();

private:
    friend class HttpConnection;
    friend class Listener;
    void accept(qintptr descriptor, QTcpServer *from);
    HttpConnection *oldestIdle() const; // evictable and idle longest, or null
    bool evictOldestIdle();
    void pauseAccepting();
    void resumeAcceptingIfRoom();
    bool full() const;
    void serve(qintptr descriptor);
    void fitDescriptorLimit();
    bool descriptorsTight() const;
    void connectionClosed(HttpConnection *c);
    void responseStarted() { ++m_busy; }
    void responseFinished();

    ServerLimits m_limits;
    Handler m_handler;
    Gate m_gate;
    ErrorResponder m_errorResponder;
    std::function<bool(const QHostAddress &)> m_trustedPeer;
    QHash<QByteArray, int> m_perPeer; // open connections per untrusted source
    QList<QTcpServer *> m_listeners;
    QSet<HttpConnection *> m_connections;
    quint16 m_port = 0;
    int m_accepted = 0;
    // Kept as a count: each response's end asks for it, and walking every connection then made
    // the end of a response linear in the number of connections (1000 streams: ~8 % of the CPU).
    int m_busy = 0;
    bool m_paused = false;
    QTimer *m_resumeTimer = nullptr; // while paused: room can come from outside (idle, upstream)
    bool m_resuming = false;
    // Accepted while full (Qt accepts a whole backlog in one pass), served first when room comes.
    static constexpr qsizetype kMaxWaiting = 16;
    QList<qintptr> m_waiting;
    // Descriptors: what the process held when it began listening, and the most it may hold
    // before accept() would fail (0: no limit known).
    long m_descriptorsAtListen = 0;
    long m_descriptorCeiling = 0;
    bool m_closing = false;
};

class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, HttpServer *server);
    ~HttpConnection() override;
    bool busy() const { return m_writer != nullptr; }
    bool countedBusy() const { return m_countedBusy; }
    // Nothing in flight, nothing half-read, and idle at least `ms`: may be closed for room.
    bool evictable(qint64 nowMs, int ms) const;
    quint64 idleOrder() const { return m_idleOrder; } // smaller: idle for longer
    QByteArray m_source; // the untrusted peer's source (per-peer cap); empty when trusted
    void closeWhenIdle();
    qint64 bufferedBytes() const; // read from the client and not yet parsed

private:
    void onReadyRead();
    void process();
    void dispatch();
    void rejectAndClose(int status, const QByteArray &message, bool framingIntact = false,
                        const QList<QPair<QByteArray, QByteArray>> &headers = {});
    bool admitted(); // runs the server's gate once per request, when its head is complete
    void onResponseDone();
    void onDisconnected();

public:
    QTcpSocket *m_socket;

private:
    HttpServer *m_server;
    RequestParser m_parser;
    QByteArray m_buffer;
    QPointer<ResponseWriter> m_writer;
    LazyTimer m_timer;          // idle or request deadline
    bool m_countedBusy = false; // in the server's busy count: from dispatch to the response's end
    bool m_sentContinue = false;
    qint64 m_idleSinceMs = 0; // monotonic: when the last response ended (or the connection began)
    quint64 m_idleOrder = 0;  // the same moment as a sequence number (no ties within a millisecond)
    bool m_admitted = false;  // the current request passed the gate
    Caller m_caller;          // who the gate said sent it
    std::shared_ptr<void> m_ticket; // the gate's ticket, held until the response ends
    bool m_processing = false;
    bool m_draining = false;
    bool m_closeWhenIdle = false;
    qint64 m_drainRemaining = 0;
};

} // namespace qp::http
