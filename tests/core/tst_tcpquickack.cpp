// Issue 16 §4, the delayed-ACK trap (docs/tcp-quickack.md): an upstream that writes a response's
// head and body in two writes with Nagle on (Python's http.server does) made every request on a
// reused keep-alive connection wait ~40 ms for our kernel's delayed ACK. HttpClient sets
// TCP_QUICKACK after a read that leaves a response unfinished (net/tcptuning.h); plain and TLS.
//
// Timing-based, so built to be robust: the upstream and the client share this thread and
// loopback, the median of 20 reused requests is compared, and the bound (15 ms) is far from
// both sides (measured: 0.03 ms, 0.05 ms with TLS, with the fix; 44 ms without it). A control
// with a plain QTcpSocket (no quick ACK) first checks that this kernel sets the trap at all; if
// it does not, the test cannot tell anything and skips. Linux only: elsewhere it skips.
#include "net/tcptuning.h"
#include "testtls.h"
#include "upstream/httpclient.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QtTest>
#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;
using namespace qp;
using namespace qp::test;

namespace {

const QByteArray kBody = R"({"ok":true})";

// Answers each request like Python's http.server: the status line and headers in one send(),
// then the body in a second one, on a socket with Nagle on (no TCP_NODELAY). With `tls`, each
// write is its own TLS record, in its own segment.
class SplitWriteUpstream : public QObject
{
public:
    int accepted = 0;

    explicit SplitWriteUpstream(bool tls = false) : m_tls(tls)
    {
        m_server = listenOnLoopback(
            this, tls ? std::optional(serverTls("localhost.crt", "localhost.key")) : std::nullopt);
        // A TLS connection becomes pending only after its handshake.
        connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *s = m_server->nextPendingConnection()) {
                ++accepted;
                s->setParent(this);
                s->setSocketOption(QAbstractSocket::LowDelayOption, 0); // Nagle on, explicitly
                auto buffer = std::make_shared<QByteArray>();
                connect(s, &QTcpSocket::readyRead, this, [this, s, buffer] {
                    *buffer += s->readAll();
                    qsizetype end;
                    while ((end = buffer->indexOf("\r\n\r\n")) >= 0) {
                        buffer->remove(0, end + 4); // the tests send no request body
                        answer(s);
                    }
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    static QSslCertificate certificate() { return tlsCertificate("localhost.crt"); }
    quint16 port() const { return m_server->serverPort(); }
    QUrl url() const
    {
        return QUrl(
            u"%1://127.0.0.1:%2/v1/models"_s.arg(m_tls ? u"https"_s : u"http"_s).arg(port()));
    }
    static QByteArray head()
    {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
               QByteArray::number(kBody.size()) + "\r\n\r\n";
    }

private:
    static void answer(QTcpSocket *s)
    {
        // flush() sends at once: two writes, two send()s, two segments. The second is small and
        // the first is not acknowledged yet, so Nagle holds it until the client's ACK.
        s->write(head());
        s->flush();
        s->write(kBody);
        s->flush();
    }
    QTcpServer *m_server;
    bool m_tls;
};

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v.at(v.size() / 2);
}

QString describe(const QList<double> &v)
{
    QStringList parts;
    for (double ms : v)
        parts << QString::number(ms, 'f', 2);
    return u"median %1 ms of [%2]"_s.arg(median(v), 0, 'f', 2).arg(parts.join(u' '));
}

// Milliseconds per request on one keep-alive QTcpSocket with no quick ACK: the trap as curl
// meets it. Returns an empty list if a request failed.
QList<double> plainSocketTimes(SplitWriteUpstream &up, int requests)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, up.port());
    if (!socket.waitForConnected(5000))
        return {};
    socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    const QByteArray request = "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    const qsizetype responseSize = SplitWriteUpstream::head().size() + kBody.size();
    QList<double> times;
    for (int i = 0; i <= requests; ++i) { // the first one opens the connection: not counted
        QByteArray got;
        QEventLoop loop;
        QElapsedTimer t;
        double ms = -1;
        auto c = QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
            got += socket.readAll();
            if (got.size() >= responseSize) {
                ms = t.nsecsElapsed() / 1e6;
                loop.quit();
            }
        });
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        t.start();
        socket.write(request);
        socket.flush();
        loop.exec();
        QObject::disconnect(c);
        if (ms < 0 || got.size() != responseSize)
            return {};
        if (i > 0)
            times << ms;
    }
    return times;
}

} // namespace

class TestTcpQuickAck : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void reusedConnectionDoesNotWaitForDelayedAck_data();
    void reusedConnectionDoesNotWaitForDelayedAck();
};

void TestTcpQuickAck::reusedConnectionDoesNotWaitForDelayedAck_data()
{
    QTest::addColumn<bool>("tls");
    QTest::newRow("http") << false;
    QTest::newRow("https") << true;
}

void TestTcpQuickAck::reusedConnectionDoesNotWaitForDelayedAck()
{
    QFETCH(bool, tls);
    if (!net::quickAckSupported())
        QSKIP("TCP_QUICKACK is Linux-only; elsewhere HttpClient leaves ACKs to the kernel");
    if (tls && !QSslSocket::supportsSsl())
        QSKIP("no TLS backend");

    SplitWriteUpstream plain; // the control speaks plain HTTP: it checks the kernel, not TLS
    const QList<double> control = plainSocketTimes(plain, 10);
    QVERIFY(!control.isEmpty());
    qInfo("without quick ACK (plain QTcpSocket): %s", qPrintable(describe(control)));
    if (median(control) < 25)
        QSKIP("this kernel does not delay the ACK here: the trap cannot be shown");

    SplitWriteUpstream up(tls);
    HttpClient client;
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates({SplitWriteUpstream::certificate()});
    client.setSslConfiguration(ssl);
    constexpr int kRequests = 20;
    QList<double> times;
    for (int i = 0; i <= kRequests; ++i) { // the first one opens the connection: not counted
        QElapsedTimer t;
        t.start();
        std::unique_ptr<HttpClientRequest> r(client.send("GET", up.url(), {}));
        QEventLoop loop;
        double ms = -1;
        QByteArray body;
        connect(r.get(), &HttpClientRequest::bodyData, &loop,
                [&](const QByteArray &b) { body += b; });
        connect(r.get(), &HttpClientRequest::finished, &loop, [&] {
            ms = t.nsecsElapsed() / 1e6;
            loop.quit();
        });
        connect(r.get(), &HttpClientRequest::failed, &loop, &QEventLoop::quit);
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        loop.exec();
        QVERIFY2(ms >= 0, "request did not finish");
        QCOMPARE(body, kBody);
        QCOMPARE(r->reusedConnection(), i > 0);
        if (i > 0)
            times << ms;
    }
    QCOMPARE(up.accepted, 1); // all on one keep-alive connection
    qInfo("HttpClient: %s", qPrintable(describe(times)));
    QVERIFY2(median(times) < 15, qPrintable(describe(times)));
}

QTEST_GUILESS_MAIN(TestTcpQuickAck)
#include "tst_tcpquickack.moc"
