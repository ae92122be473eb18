#pragma once
// One keep-alive TCP (or TLS) connection of HttpClient: writes a request in one write, parses the
// response with HttpResponseParser and feeds the request's signals. Owned by HttpClient; it
// deletes itself (deleteLater) once closed.

#include "common/lazytimer.h"
#include "upstream/httpclientrequest.h"
#include "upstream/httpresponseparser.h"

#include <QAbstractSocket>
#include <QNetworkProxy>
#include <QObject>
#include <QSslConfiguration>
#include <QTimer>

namespace qp {

class HttpClient;

class HttpClientConnection : public QObject
{
    Q_OBJECT
public:
    HttpClientConnection(HttpClient *client, QString key, bool tls, QObject *parent);
    ~HttpClientConnection() override;

    QString key() const { return m_key; }
    // Starts connecting, through `proxy` (a resolved one: NoProxy, HttpProxy or Socks5Proxy);
    // the assigned request is written once connected.
    void open(const QString &host, quint16 port, const QSslConfiguration &ssl,
              const QNetworkProxy &proxy);
    // A pooled connection still connected, with nothing unexpected to read.
    bool usable() const;
    void assign(HttpClientRequest *r);
    void startIdleTimer(int ms);
    // Closes the socket at once and tells the client; safe to call more than once.
    void close();
    // The assigned request was aborted or deleted: close without a word to it.
    void dropRequest();
    // The assigned request wants nothing more: read the rest of its response quietly, then go
    // back to the pool (or close if it does not end within `drainMs`).
    void releaseRequest(int drainMs);
    // Closes the socket without calling back into the client (which is being destroyed) and
    // returns the request that was in flight, if any.
    HttpClientRequest *shutdown();
    // Backpressure for the assigned request (HttpClientRequest::pause): the socket is not read
    // and nothing is parsed until resumeReading().
    void pauseReading() { m_paused = m_req != nullptr; }
    void resumeReading();

private:
    void onConnected();
    void onReadyRead();
    void continueAfterPause();
    void onBytesWritten();
    void onError(QAbstractSocket::SocketError error);
    void onDisconnected();
    // What a socket error means when it happened on the way through the egress proxy.
    QString proxyFailure(QAbstractSocket::SocketError error,
                         HttpClientRequest::Failure *kind) const;
    void writeRequest();
    void process();
    void finishRequest();
    void finishDrain();
    void poolOrClose(); // a response ended: back to the pool if reusable, else closed
    void failRequest(HttpClientRequest::Failure kind, const QString &message);
    void handleEof();
    qint64 pendingWrite() const;

    HttpClient *m_client;
    QString m_key;
    QAbstractSocket *m_socket = nullptr;
    HttpClientRequest *m_req = nullptr;
    HttpResponseParser m_parser;
    LazyTimer m_idleTimer;
    QString m_sslErrors;
    QNetworkProxy m_proxy = QNetworkProxy(QNetworkProxy::NoProxy);
    QString m_target; // host:port, for messages
    bool m_tls;
    bool m_connected = false;
    bool m_closed = false;
    bool m_awaitingSent = false;
    bool m_draining = false; // reading a released request's response to its end
    bool m_paused = false;   // the request paused reading (backpressure)
    bool m_eofWhilePaused = false;
    int m_served = 0; // complete responses on this connection
};

} // namespace qp
