#include "testproxies.h"

#include <QNetworkProxy>
#include <QTcpSocket>
#include <QUrl>
#include <QtEndian>
#include <memory>

using namespace Qt::StringLiterals;

namespace qp::test {

namespace {

QString hostPort(const QString &host, quint16 port)
{
    return (host.contains(u':') ? u'[' + host + u']' : host) + u':' + QString::number(port);
}

// Runs `onData` on whatever the client sends until relay() takes the socket over; the context
// object scoping the connections goes with the client.
void session(TestProxyBase *proxy, QTcpSocket *client, std::function<void()> onData)
{
    auto *context = new QObject(proxy);
    QObject::connect(client, &QTcpSocket::readyRead, context, onData);
    QObject::connect(client, &QTcpSocket::disconnected, context,
                     [client] { client->deleteLater(); });
    QObject::connect(client, &QObject::destroyed, context, &QObject::deleteLater);
}

} // namespace

TestProxyBase::TestProxyBase(QObject *parent) : QObject(parent)
{
    if (!m_server.listen(QHostAddress::LocalHost))
        qFatal("test proxy cannot listen");
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *s = m_server.nextPendingConnection()) {
            ++connections;
            handle(s);
        }
    });
}

void TestProxyBase::setCredentials(const QString &user, const QString &password)
{
    m_user = user;
    m_password = password;
}

void TestProxyBase::mapHost(const QString &name, const QHostAddress &address)
{
    m_map.insert(name.toLower(), address);
}

void TestProxyBase::stop()
{
    m_server.close();
}

void TestProxyBase::relay(QTcpSocket *client, const QString &host, quint16 port, QByteArray pending,
                          std::function<void(bool, int)> opened)
{
    struct State {
        QByteArray pending;
        bool connected = false;
        bool done = false;
    };
    auto st = std::make_shared<State>();
    st->pending = std::move(pending);
    auto *ctx = new QObject(this); // owns both sockets from here on
    QObject::disconnect(client, &QTcpSocket::readyRead, nullptr, nullptr);
    QObject::disconnect(client, &QTcpSocket::disconnected, nullptr, nullptr);
    client->setParent(ctx);
    auto *up = new QTcpSocket(ctx);
    up->setProxy(QNetworkProxy::NoProxy);

    const auto finish = [this, st, ctx, client, up] {
        if (st->done || client->state() != QAbstractSocket::UnconnectedState ||
            up->state() != QAbstractSocket::UnconnectedState)
            return;
        st->done = true;
        ++relaysClosed;
        ctx->deleteLater();
    };
    connect(client, &QTcpSocket::readyRead, ctx, [st, client, up] {
        const QByteArray d = client->readAll();
        if (st->connected)
            up->write(d);
        else
            st->pending += d;
    });
    connect(client, &QTcpSocket::disconnected, ctx, [st, client, up, finish] {
        const QByteArray d = client->readAll();
        if (st->connected) {
            if (!d.isEmpty())
                up->write(d);
            up->disconnectFromHost(); // after what is still to be written
        } else {
            up->abort();
        }
        finish();
    });
    connect(up, &QTcpSocket::connected, ctx, [this, st, client, up, opened] {
        st->connected = true;
        ++tunnels;
        opened(true, -1);
        if (!st->pending.isEmpty())
            up->write(std::exchange(st->pending, QByteArray()));
        if (client->state() == QAbstractSocket::UnconnectedState)
            up->disconnectFromHost();
        Q_EMIT tunnelOpened();
    });
    connect(up, &QTcpSocket::readyRead, ctx, [client, up] { client->write(up->readAll()); });
    connect(up, &QTcpSocket::disconnected, ctx, [client, up, finish] {
        const QByteArray d = up->readAll();
        if (!d.isEmpty())
            client->write(d);
        client->disconnectFromHost();
        finish();
    });
    connect(up, &QTcpSocket::errorOccurred, ctx,
            [st, client, finish, opened](QAbstractSocket::SocketError e) {
                if (st->connected)
                    return; // a close: disconnected() passes it on
                opened(false, int(e));
                client->disconnectFromHost();
                finish();
            });
    const QHostAddress mapped = m_map.value(host.toLower());
    if (!mapped.isNull())
        up->connectToHost(mapped, port);
    else
        up->connectToHost(host, port);
}

TestConnectProxy::TestConnectProxy(QObject *parent) : TestProxyBase(parent) {}

QString TestConnectProxy::url() const
{
    return u"http://127.0.0.1:%1"_s.arg(port());
}

void TestConnectProxy::handle(QTcpSocket *client)
{
    auto buf = std::make_shared<QByteArray>();
    session(this, client, [this, client, buf] {
        *buf += client->readAll();
        while (true) {
            const qsizetype end = buf->indexOf("\r\n\r\n");
            if (end < 0) {
                if (buf->size() > 65536)
                    client->abort();
                return;
            }
            const QList<QByteArray> lines = buf->left(end).split('\n');
            QByteArray rest = buf->mid(end + 4);
            buf->clear();
            const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
            if (requestLine.size() != 3) {
                client->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
                client->disconnectFromHost();
                return;
            }
            const QByteArray method = requestLine[0];
            const QByteArray target = requestLine[1];
            QByteArray authorization;
            QList<QByteArray> forwarded; // header lines for an absolute-form request
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines[i].trimmed();
                const qsizetype colon = line.indexOf(':');
                const QByteArray name = line.left(colon).trimmed().toLower();
                if (name == "proxy-authorization")
                    authorization = line.mid(colon + 1).trimmed();
                else if (name != "proxy-connection" && name != "connection" && !line.isEmpty())
                    forwarded.append(line);
            }
            if (!m_user.isEmpty() &&
                authorization != "Basic " + (m_user + u':' + m_password).toUtf8().toBase64()) {
                ++authFailures;
                client->write("HTTP/1.1 407 Proxy Authentication Required\r\n"
                              "Proxy-Authenticate: Basic realm=\"qp-test\"\r\n"
                              "Content-Length: 0\r\n\r\n");
                *buf = rest; // the client may answer the challenge on this connection
                continue;
            }
            if (method == "CONNECT") {
                const QString t = QString::fromLatin1(target);
                const qsizetype colon = t.lastIndexOf(u':');
                QString host = t.left(colon);
                if (host.startsWith(u'['))
                    host = host.mid(1, host.size() - 2);
                const quint16 port = quint16(t.mid(colon + 1).toUInt());
                targets.append(t);
                relay(client, host, port, rest, [client](bool ok, int error) {
                    if (ok)
                        client->write("HTTP/1.1 200 Connection established\r\n\r\n");
                    else if (error == QAbstractSocket::ConnectionRefusedError)
                        client->write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                      "Connection: close\r\n\r\n");
                    else
                        client->write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
                                      "Connection: close\r\n\r\n");
                });
                return;
            }
            const QUrl url = QUrl::fromEncoded(target);
            if (url.scheme() != u"http" || url.host().isEmpty()) {
                client->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
                client->disconnectFromHost();
                return;
            }
            // Absolute form: one request per connection (Connection: close), origin form to the
            // target, the proxy's own headers dropped.
            const quint16 port = quint16(url.port(80));
            targets.append(hostPort(url.host(), port));
            absoluteRequests.append(QString::fromLatin1(method + ' ' + target));
            QByteArray path = url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority);
            if (!path.startsWith('/'))
                path.prepend('/');
            QByteArray head = method + ' ' + path + ' ' + requestLine[2] + "\r\n";
            for (const QByteArray &h : std::as_const(forwarded))
                head += h + "\r\n";
            head += "Connection: close\r\n\r\n";
            relay(client, url.host(), port, head + rest, [client](bool ok, int) {
                if (!ok)
                    client->write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
                                  "Connection: close\r\n\r\n");
            });
            return;
        }
    });
    if (client->bytesAvailable() > 0)
        QMetaObject::invokeMethod(client, "readyRead", Qt::QueuedConnection);
}

TestSocks5Proxy::TestSocks5Proxy(QObject *parent) : TestProxyBase(parent) {}

QString TestSocks5Proxy::url(const QString &scheme) const
{
    return u"%1://127.0.0.1:%2"_s.arg(scheme).arg(port());
}

void TestSocks5Proxy::handle(QTcpSocket *client)
{
    struct State {
        QByteArray buf;
        int stage = 0; // 0 greeting, 1 RFC 1929 authentication, 2 request
    };
    auto st = std::make_shared<State>();
    session(this, client, [this, client, st] {
        QByteArray &buf = st->buf;
        buf += client->readAll();
        const auto refuse = [client](const QByteArray &reply) {
            client->write(reply);
            client->disconnectFromHost();
        };
        while (true) {
            if (st->stage == 0) {
                if (buf.size() < 2)
                    return;
                if (buf[0] != 5)
                    return refuse(QByteArray());
                const int n = quint8(buf[1]);
                if (buf.size() < 2 + n)
                    return;
                const QByteArray methods = buf.mid(2, n);
                buf.remove(0, 2 + n);
                const char want = m_user.isEmpty() ? 0 : 2;
                if (!methods.contains(want)) {
                    if (want == 2)
                        ++authFailures;
                    return refuse(QByteArray("\x05\xff", 2));
                }
                client->write(QByteArray("\x05", 1) + want);
                st->stage = want == 2 ? 1 : 2;
            } else if (st->stage == 1) {
                if (buf.size() < 2)
                    return;
                const int ulen = quint8(buf[1]);
                if (buf.size() < 3 + ulen)
                    return;
                const int plen = quint8(buf[2 + ulen]);
                if (buf.size() < 3 + ulen + plen)
                    return;
                const QByteArray user = buf.mid(2, ulen);
                const QByteArray password = buf.mid(3 + ulen, plen);
                buf.remove(0, 3 + ulen + plen);
                if (user != m_user.toUtf8() || password != m_password.toUtf8()) {
                    ++authFailures;
                    return refuse(QByteArray("\x01\x01", 2));
                }
                client->write(QByteArray("\x01\x00", 2));
                st->stage = 2;
            } else {
                if (buf.size() < 5)
                    return;
                const int cmd = quint8(buf[1]);
                const int atyp = quint8(buf[3]);
                int addressLength = 0;
                if (atyp == 1)
                    addressLength = 4;
                else if (atyp == 3)
                    addressLength = 1 + quint8(buf[4]);
                else if (atyp == 4)
                    addressLength = 16;
                else
                    return refuse(QByteArray("\x05\x08\x00\x01\0\0\0\0\0\0", 10));
                const int total = 4 + addressLength + 2;
                if (buf.size() < total)
                    return;
                QString host;
                const auto *bytes = reinterpret_cast<const quint8 *>(buf.constData());
                if (atyp == 1)
                    host = QHostAddress(qFromBigEndian<quint32>(bytes + 4)).toString();
                else if (atyp == 3)
                    host = QString::fromLatin1(buf.mid(5, addressLength - 1));
                else
                    host = QHostAddress(bytes + 4).toString();
                const quint16 port = quint16((bytes[total - 2] << 8) | bytes[total - 1]);
                QByteArray rest = buf.mid(total);
                buf.clear();
                if (cmd != 1)
                    return refuse(QByteArray("\x05\x07\x00\x01\0\0\0\0\0\0", 10));
                addressTypes.append(atyp);
                targets.append(hostPort(host, port));
                relay(client, host, port, rest, [client](bool ok, int error) {
                    QByteArray reply("\x05\x00\x00\x01\0\0\0\0\0\0", 10);
                    if (!ok)
                        reply[1] = error == QAbstractSocket::ConnectionRefusedError ? 5
                                   : error == QAbstractSocket::HostNotFoundError    ? 4
                                                                                    : 1;
                    client->write(reply);
                });
                return;
            }
        }
    });
    if (client->bytesAvailable() > 0)
        QMetaObject::invokeMethod(client, "readyRead", Qt::QueuedConnection);
}

} // namespace qp::test
