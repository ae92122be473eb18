#pragma once
// Small real egress proxies on 127.0.0.1 (a free port) for tests: an HTTP proxy (CONNECT tunnels,
// and absolute-form requests as QNetworkAccessManager sends plain http through a proxy) and a
// SOCKS5 proxy (RFC 1928 CONNECT with IPv4, domain and IPv6 addresses; RFC 1929 username and
// password). Both relay bytes both ways as they come and pass a close on to the other side.
//
// mapHost() makes a name reachable only through the proxy: a test points a request at
// "upstream.invalid" (which never resolves, RFC 6761) and the proxy alone maps it to 127.0.0.1.
// Each proxy records the targets asked for, so a test proves the proxy carried the request.

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QStringList>
#include <QTcpServer>
#include <functional>

class QTcpSocket;

namespace qp::test {

class TestProxyBase : public QObject
{
    Q_OBJECT
public:
    quint16 port() const { return m_server.serverPort(); }
    // Require these credentials (HTTP: Basic Proxy-Authorization, else 407; SOCKS5: RFC 1929).
    void setCredentials(const QString &user, const QString &password);
    // Connections asked for `name` go to `address` instead (the requested port is kept).
    void mapHost(const QString &name, const QHostAddress &address = QHostAddress::LocalHost);
    // Stops listening: new connections are refused (a proxy that is down).
    void stop();

    QStringList targets;  // "host:port" as the client asked, in order (CONNECT, SOCKS5, GET)
    int connections = 0;  // client connections accepted
    int tunnels = 0;      // relays that reached their target
    int authFailures = 0; // 407 answers / SOCKS5 authentication refusals
    int relaysClosed = 0; // relays fully closed on both sides

Q_SIGNALS:
    void tunnelOpened();

protected:
    explicit TestProxyBase(QObject *parent);
    virtual void handle(QTcpSocket *client) = 0;
    // Connects to the (mapped) target and relays between it and `client`, which from then on
    // belongs to the relay. `pending` is sent to the target first. `opened(ok, error)` runs when
    // the target connection is up (before any relaying, so the proxy can write its success reply
    // to the client) or failed (the proxy writes its failure reply; the client is then closed).
    void relay(QTcpSocket *client, const QString &host, quint16 port, QByteArray pending,
               std::function<void(bool ok, int socketError)> opened);

    QString m_user;
    QString m_password;

private:
    QTcpServer m_server;
    QHash<QString, QHostAddress> m_map;
};

class TestConnectProxy : public TestProxyBase
{
    Q_OBJECT
public:
    explicit TestConnectProxy(QObject *parent = nullptr);
    QString url() const;          // http://127.0.0.1:PORT (no credentials)
    QStringList absoluteRequests; // "GET http://host/path" lines served in absolute form

protected:
    void handle(QTcpSocket *client) override;
};

class TestSocks5Proxy : public TestProxyBase
{
    Q_OBJECT
public:
    explicit TestSocks5Proxy(QObject *parent = nullptr);
    QString url(const QString &scheme = QStringLiteral("socks5h")) const;
    QList<int> addressTypes; // ATYP of each CONNECT: 1 IPv4, 3 domain name, 4 IPv6

protected:
    void handle(QTcpSocket *client) override;
};

} // namespace qp::test
