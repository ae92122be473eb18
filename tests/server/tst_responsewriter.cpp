// ResponseWriter corking: output held while corked leaves in one write, never after the end of
// the response, and a stream's head waits only for the rest of the loop pass.
#include "http/responsewriter.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <arpa/inet.h>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace qp;
using namespace qp::http;

namespace {
// The client side is a plain POSIX socket, not a QTcpSocket: the event loop must not read what
// the writer sent, so peek() sees exactly what has left the writer.
struct Pair {
    QTcpServer server;
    int client = -1;
    QTcpSocket *accepted = nullptr;

    ~Pair()
    {
        if (client >= 0)
            ::close(client);
    }
    bool open()
    {
        if (!server.listen(QHostAddress::LocalHost))
            return false;
        client = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(server.serverPort());
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (client < 0 || ::connect(client, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
            return false;
        if (!server.waitForNewConnection(5000))
            return false;
        accepted = server.nextPendingConnection();
        return accepted != nullptr;
    }
    // The bytes the kernel holds for the client, without consuming them (our writes are
    // synchronous send() calls on loopback, so "sent" means "here").
    QByteArray peek() const
    {
        QByteArray buf(65536, '\0');
        const auto n = ::recv(client, buf.data(), size_t(buf.size()), MSG_PEEK | MSG_DONTWAIT);
        buf.resize(n < 0 ? 0 : n);
        return buf;
    }
};
} // namespace

class TestResponseWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void streamHeadWaitsForTheLoopPass();
    void corkedChunksLeaveTogether();
    void endOfStreamIsNeverHeldBack();
    void wholeResponseIsNotHeld();
};

void TestResponseWriter::streamHeadWaitsForTheLoopPass()
{
    Pair p;
    QVERIFY(p.open());
    ResponseWriter w(p.accepted, true, false, {}, nullptr);
    w.beginStream(200, "text/event-stream");
    w.writeChunk("data: 1\n\n");
    QVERIFY(p.peek().isEmpty()); // held until this frame returns to the loop
    QTRY_VERIFY(p.peek().endsWith("9\r\ndata: 1\n\n\r\n"));
    const QByteArray sent = p.peek();
    QVERIFY(sent.startsWith("HTTP/1.1 200 OK\r\n"));
    QVERIFY(sent.contains("Transfer-Encoding: chunked\r\n"));
}

void TestResponseWriter::corkedChunksLeaveTogether()
{
    Pair p;
    QVERIFY(p.open());
    ResponseWriter w(p.accepted, true, false, {}, nullptr);
    w.beginStream(200, "text/event-stream");
    QTRY_VERIFY(!p.peek().isEmpty()); // the head alone, after its pass
    const qsizetype headSize = p.peek().size();
    w.cork();
    w.writeChunk("a");
    w.cork(); // nested: only the outermost uncork() writes
    w.writeChunk("b");
    w.uncork();
    QCOMPARE(p.peek().size(), headSize);
    w.writeChunk("c");
    w.uncork();
    QCOMPARE(p.peek().mid(headSize), QByteArray("1\r\na\r\n1\r\nb\r\n1\r\nc\r\n"));
}

void TestResponseWriter::endOfStreamIsNeverHeldBack()
{
    // The connection may be closed right after the response: everything corked goes with it.
    Pair p;
    QVERIFY(p.open());
    ResponseWriter w(p.accepted, false, false, {}, nullptr);
    QSignalSpy done(&w, &ResponseWriter::responseDone);
    w.beginStream(200, "text/event-stream");
    w.cork();
    w.writeChunk("x");
    w.endStream();
    QCOMPARE(done.count(), 1);
    const QByteArray sent = p.peek();
    QVERIFY(sent.startsWith("HTTP/1.1 200 OK\r\n"));
    QVERIFY(sent.endsWith("1\r\nx\r\n0\r\n\r\n"));
    w.uncork();
    QCoreApplication::processEvents(); // the pass-end uncork finds nothing left to write
    QCOMPARE(p.peek(), sent);
}

void TestResponseWriter::wholeResponseIsNotHeld()
{
    Pair p;
    QVERIFY(p.open());
    ResponseWriter w(p.accepted, true, false, {}, nullptr);
    w.send(200, "application/json", "{}");
    QVERIFY(p.peek().endsWith("\r\n\r\n{}"));
}

QTEST_GUILESS_MAIN(TestResponseWriter)
#include "tst_responsewriter.moc"
