// Listener hardening (issue 2 §4): idle connections closed, the connection cap, "localhost" on
// both loopback families, TCP_NODELAY on accepted sockets.
#include "http/httpserver.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTcpSocket>
#include <QtTest>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

using namespace Qt::StringLiterals;
using namespace qp::http;

namespace {
std::unique_ptr<QTcpSocket> connectFrom(const QString &from, quint16 port)
{
    auto s = std::make_unique<QTcpSocket>();
    s->bind(QHostAddress(from));
    s->connectToHost(QHostAddress::LocalHost, port);
    s->waitForConnected(3000);
    return s;
}
// Whether a GET on `s` gets its 200.
bool served(std::unique_ptr<QTcpSocket> s)
{
    s->write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QByteArray out;
    (void)QTest::qWaitFor(
        [&] {
            out += s->readAll();
            return out.startsWith("HTTP/1.1 200") ||
                   s->state() == QAbstractSocket::UnconnectedState;
        },
        5000);
    out += s->readAll();
    return out.startsWith("HTTP/1.1 200");
}
// A listening server that answers 200 and trusts only 127.0.0.1: 127.0.0.2 and 127.0.0.3 play
// peers from the LAN.
std::unique_ptr<HttpServer> floodTestServer(const ServerLimits &limits)
{
    auto server = std::make_unique<HttpServer>(limits);
    server->setTrustedPeer(
        [](const QHostAddress &p) { return p == QHostAddress(QStringLiteral("127.0.0.1")); });
    server->setHandler([](HttpRequest &&, ResponseWriter *w) { w->send(200, "text/plain", "ok"); });
    QString err;
    if (!server->listen(QStringLiteral("127.0.0.1"), 0, &err))
        qFatal("listen: %s", qPrintable(err));
    return server;
}
} // namespace

class TestListener : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void idleConnectionIsClosed()
    {
        ServerLimits limits;
        limits.idleTimeoutMs = 300;
        HttpServer server(limits);
        QString err;
        QVERIFY(server.listen(u"127.0.0.1"_s, 0, &err));
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(s.waitForConnected(3000));
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(s.state(), QAbstractSocket::UnconnectedState, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 0, 3000);
    }

    void slowHeadersAreCut()
    {
        ServerLimits limits;
        limits.headerTimeoutMs = 300; // slowloris: a header block that never completes
        limits.bodyTimeoutMs = 60000;
        HttpServer server(limits);
        QString err;
        QVERIFY(server.listen(u"127.0.0.1"_s, 0, &err));
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(s.waitForConnected(3000));
        s.write("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        QByteArray resp;
        QTRY_VERIFY_WITH_TIMEOUT((resp += s.readAll()).startsWith("HTTP/1.1 408"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(s.state(), QAbstractSocket::UnconnectedState, 5000);
    }

    void aSlowBodyHasTheBodyLimit()
    {
        ServerLimits limits;
        limits.headerTimeoutMs = 200;
        limits.bodyTimeoutMs = 1500;
        HttpServer server(limits);
        QString err;
        QVERIFY(server.listen(u"127.0.0.1"_s, 0, &err));
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(s.waitForConnected(3000));
        QElapsedTimer clock;
        clock.start();
        s.write("POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nabc");
        QByteArray resp;
        QTRY_VERIFY_WITH_TIMEOUT((resp += s.readAll()).startsWith("HTTP/1.1 408"), 5000);
        // Cut by the body's limit, not by the header block's (which it met).
        QVERIFY2(clock.elapsed() >= 1400, qPrintable(QString::number(clock.elapsed())));
    }

    void connectionCap()
    {
        ServerLimits limits;
        limits.maxConnections = 3;
        limits.evictIdleAfterMs = 600000; // nothing here is idle long enough to make room
        HttpServer server(limits);
        server.setTrustedPeer([](const QHostAddress &) { return false; }); // no reserve either
        server.setHandler(
            [](HttpRequest &&, ResponseWriter *w) { w->send(200, "text/plain", "ok"); });
        QString err;
        QVERIFY(server.listen(u"127.0.0.1"_s, 0, &err));
        QList<QTcpSocket *> held;
        for (int i = 0; i < 3; ++i) {
            auto *s = new QTcpSocket(this);
            s->connectToHost(QHostAddress::LocalHost, server.port());
            QVERIFY(s->waitForConnected(3000));
            held.append(s);
        }
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 3, 3000);
        QTcpSocket extra;
        extra.connectToHost(QHostAddress::LocalHost, server.port());
        extra.waitForConnected(1000);
        // Over the cap the connection is closed (or left pending while accepting is paused).
        extra.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        QTest::qWait(300);
        QVERIFY(!extra.readAll().startsWith("HTTP/1.1 200"));
        QCOMPARE(server.connectionCount(), 3);
        // Below the cap again, service resumes.
        qDeleteAll(held);
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 0, 3000);
        QTcpSocket later;
        later.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(later.waitForConnected(3000));
        later.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray resp;
        QTRY_VERIFY_WITH_TIMEOUT((resp += later.readAll()).startsWith("HTTP/1.1 200"), 5000);
    }

    // Floods (issue 18 §7), with 127.0.0.2 and 127.0.0.3 playing LAN peers: only 127.0.0.1 is
    // trusted here.
    void onePeerCannotTakeTheCap()
    {
        ServerLimits limits;
        limits.maxConnectionsPerPeer = 3;
        const auto owned = floodTestServer(limits);
        HttpServer &server = *owned;
        std::vector<std::unique_ptr<QTcpSocket>> flood;
        for (int i = 0; i < 3; ++i)
            flood.push_back(connectFrom(u"127.0.0.2"_s, server.port()));
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 3, 3000);
        auto fourth = connectFrom(u"127.0.0.2"_s, server.port());
        QTRY_COMPARE_WITH_TIMEOUT(fourth->state(), QAbstractSocket::UnconnectedState, 3000);
        QCOMPARE(server.connectionCount(), 3);
        // Another peer, and the trusted one, still get in.
        QVERIFY(served(connectFrom(u"127.0.0.3"_s, server.port())));
        QVERIFY(served(connectFrom(u"127.0.0.1"_s, server.port())));
        // The flood's sockets going frees its share.
        flood.clear();
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 0, 3000);
        QVERIFY(served(connectFrom(u"127.0.0.2"_s, server.port())));
    }

    void atTheCapTheOldestIdleConnectionMakesRoom()
    {
        ServerLimits limits;
        limits.maxConnections = 3;
        limits.evictIdleAfterMs = 0; // the default is 1 s; the order is what matters here
        const auto owned = floodTestServer(limits);
        HttpServer &server = *owned;
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < 3; ++i) {
            idle.push_back(connectFrom(u"127.0.0.2"_s, server.port()));
            QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), i + 1, 3000);
        }
        QVERIFY(served(connectFrom(u"127.0.0.3"_s, server.port())));
        // The first (oldest) was closed for it; the others are still open.
        QTRY_COMPARE_WITH_TIMEOUT(idle[0]->state(), QAbstractSocket::UnconnectedState, 3000);
        QCOMPARE(idle[1]->state(), QAbstractSocket::ConnectedState);
        QCOMPARE(idle[2]->state(), QAbstractSocket::ConnectedState);
    }

    void atTheCapWithNothingIdleOnlyTrustedPeersGetIn()
    {
        ServerLimits limits;
        limits.maxConnections = 3;
        limits.evictIdleAfterMs = 0;
        const auto owned = floodTestServer(limits);
        HttpServer &server = *owned;
        std::vector<std::unique_ptr<QTcpSocket>> busy;
        for (int i = 0; i < 3; ++i) {
            busy.push_back(connectFrom(u"127.0.0.2"_s, server.port()));
            busy.back()->write("GET / HTTP/1.1\r\nHost: x\r\n"); // a request half sent
            QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), i + 1, 3000);
        }
        QTest::qWait(50); // let the server read the half requests (nothing else to wait for)
        auto refused = connectFrom(u"127.0.0.3"_s, server.port());
        QTRY_COMPARE_WITH_TIMEOUT(refused->state(), QAbstractSocket::UnconnectedState, 3000);
        QVERIFY(served(connectFrom(u"127.0.0.1"_s, server.port())));
        for (auto &b : busy)
            QCOMPARE(b->state(), QAbstractSocket::ConnectedState);
    }

    void localhostBindsBothFamilies()
    {
        HttpServer server(ServerLimits{});
        server.setHandler(
            [](HttpRequest &&, ResponseWriter *w) { w->send(200, "text/plain", "ok"); });
        QString err;
        QVERIFY2(server.listen(u"localhost"_s, 0, &err), qPrintable(err));
        for (const auto &addr :
             {QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::LocalHostIPv6)}) {
            QTcpSocket s;
            s.connectToHost(addr, server.port());
            if (addr.protocol() == QAbstractSocket::IPv6Protocol && !s.waitForConnected(2000))
                QSKIP("this machine has no IPv6 loopback");
            QVERIFY(s.waitForConnected(2000));
            s.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            QByteArray resp;
            QTRY_VERIFY_WITH_TIMEOUT((resp += s.readAll()).startsWith("HTTP/1.1 200"), 3000);
        }
    }

    // Issue 18 §8: a client pipelining 1 GiB behind a long response made the proxy hold all of it.
    void pipelinedBytesWaitInTheKernelWhileAResponseIsInProgress()
    {
        ServerLimits limits;
        limits.readAheadBytes = 64 << 10;
        HttpServer server(limits);
        QPointer<ResponseWriter> held;
        server.setHandler([&](HttpRequest &&r, ResponseWriter *w) {
            if (r.path == "/hold")
                held = w;
            else
                w->send(200, "text/plain", r.path);
        });
        QString err;
        QVERIFY(server.listen(u"127.0.0.1"_s, 0, &err));
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(s.waitForConnected(3000));
        // A held request, a pipelined GET, then a POST whose 48 MiB body is more than the body
        // limit and far more than the kernel's socket buffers on loopback.
        const qint64 bodyBytes = 48 << 20;
        s.write("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n"
                "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
                "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                QByteArray::number(bodyBytes) + "\r\n\r\n");
        s.write(QByteArray(bodyBytes, 'x'));
        QTRY_VERIFY_WITH_TIMEOUT(held, 3000);

        // The client pushes as fast as loopback takes it, for a second: what the server has read
        // and not parsed stays within its own buffer plus the socket's read-ahead, and the rest
        // stays with the client.
        QElapsedTimer clock;
        clock.start();
        qint64 most = 0;
        while (clock.elapsed() < 1000 && s.bytesToWrite() > 0) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            most = std::max(most, server.bufferedRequestBytes());
        }
        QVERIFY2(most <= 2 * limits.readAheadBytes, qPrintable(QString::number(most)));
        QVERIFY(s.bytesToWrite() > 0);

        // Order is kept once the held response ends: its answer, the GET's, then the POST's 413.
        held->send(200, "text/plain", "held");
        QByteArray resp;
        QTRY_VERIFY_WITH_TIMEOUT((resp += s.readAll()).contains("HTTP/1.1 413"), 10000);
        const qsizetype first = resp.indexOf("held"), second = resp.indexOf("/b");
        QVERIFY2(first > 0 && second > first && resp.indexOf("413") > second, resp.constData());
    }

    void acceptedSocketsHaveNoDelay()
    {
        HttpServer server(ServerLimits{});
        QTcpSocket *accepted = nullptr;
        server.setHandler([&](HttpRequest &&, ResponseWriter *w) {
            accepted = w->parent()->findChild<QTcpSocket *>();
            w->send(200, "text/plain", "ok");
        });
        QString err;
        QVERIFY(server.listen(u"127.0.0.1"_s, 0, &err));
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(s.waitForConnected(3000));
        s.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(accepted != nullptr, 3000);
        int flag = 0;
        socklen_t len = sizeof flag;
        QCOMPARE(
            ::getsockopt(int(accepted->socketDescriptor()), IPPROTO_TCP, TCP_NODELAY, &flag, &len),
            0);
        QVERIFY(flag != 0);
    }
};

QTEST_GUILESS_MAIN(TestListener)
#include "tst_listener.moc"
