// net::writeNow: bytes leave in the call itself, and order is kept when the kernel buffer fills
// and the rest queues in Qt's buffer.
#include "net/socketio.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <memory>
#include <sys/socket.h>

using namespace qp;

namespace {
struct Pair {
    QTcpServer server;
    std::unique_ptr<QTcpSocket> client;
    QTcpSocket *accepted = nullptr;

    bool open()
    {
        if (!server.listen(QHostAddress::LocalHost))
            return false;
        client = std::make_unique<QTcpSocket>();
        client->connectToHost(QHostAddress::LocalHost, server.serverPort());
        if (!client->waitForConnected(5000) || !server.waitForNewConnection(5000))
            return false;
        accepted = server.nextPendingConnection();
        return accepted != nullptr;
    }
};

// What the kernel already holds for `s`, without consuming it or running the event loop.
qsizetype peek(QTcpSocket *s)
{
    char buf[65536];
    const auto n = ::recv(int(s->socketDescriptor()), buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 ? 0 : n;
}
} // namespace

class TestSocketIo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void smallWriteLeavesInTheCall();
    void orderKeptWhenTheKernelBufferFills();
    void unconnectedSocketIsRefused();
};

void TestSocketIo::smallWriteLeavesInTheCall()
{
    Pair p;
    QVERIFY(p.open());
    QVERIFY(net::writeNow(p.accepted, "hello"));
    QCOMPARE(p.accepted->bytesToWrite(), 0); // not parked in Qt's buffer
    QCOMPARE(peek(p.client.get()), 5);       // already at the peer, no loop pass needed
}

void TestSocketIo::orderKeptWhenTheKernelBufferFills()
{
    Pair p;
    QVERIFY(p.open());
    // Far more than loopback socket buffers hold: the rest waits in Qt's buffer, and the next
    // write must queue behind it instead of jumping ahead with its own send().
    QByteArray big(32 << 20, '\0');
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = char('a' + i % 26);
    QVERIFY(net::writeNow(p.accepted, big));
    QVERIFY(p.accepted->bytesToWrite() > 0);
    QVERIFY(net::writeNow(p.accepted, "TAIL"));
    QByteArray got;
    const QByteArray want = big + "TAIL";
    QTRY_VERIFY_WITH_TIMEOUT((got += p.client->readAll(), got.size() >= want.size()), 20000);
    QCOMPARE(got.size(), want.size());
    QVERIFY(got == want);
}

void TestSocketIo::unconnectedSocketIsRefused()
{
    QTcpSocket s;
    QVERIFY(!net::writeNow(&s, "x"));
    QVERIFY(!net::writeNow(nullptr, "x"));
}

QTEST_GUILESS_MAIN(TestSocketIo)
#include "tst_socketio.moc"
