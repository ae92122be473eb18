// HttpClient against our own HTTP server (FakeUpstream) and against a raw TCP server that sends
// exactly the bytes a test scripts, for framing edge cases and broken upstreams.
#include "fakeupstream.h"
#include "testtls.h"
#include "upstream/httpclient.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <functional>
#include <memory>

using namespace Qt::StringLiterals;
using namespace qp;
using namespace qp::test;
using Failure = HttpClientRequest::Failure;
using HeaderList = QList<QPair<QByteArray, QByteArray>>;

namespace {

// Records every signal of one request, in order.
struct Recorder {
    QStringList events;
    int status = 0;
    HeaderList headers;
    QByteArray body;
    int bodyPieces = 0;
    int finished = 0;
    int failed = 0;
    Failure failure = Failure::Aborted;
    QString message;

    void attach(HttpClientRequest *r)
    {
        QObject::connect(r, &HttpClientRequest::requestSent, r, [this] { events << u"sent"_s; });
        QObject::connect(r, &HttpClientRequest::responseStarted, r,
                         [this](int s, const HeaderList &h) {
                             events << u"head %1"_s.arg(s);
                             status = s;
                             headers = h;
                         });
        QObject::connect(r, &HttpClientRequest::bodyData, r, [this](const QByteArray &b) {
            if (events.isEmpty() || events.last() != u"body")
                events << u"body"_s;
            body += b;
            ++bodyPieces;
        });
        QObject::connect(r, &HttpClientRequest::finished, r, [this] {
            events << u"finished"_s;
            ++finished;
        });
        QObject::connect(r, &HttpClientRequest::failed, r, [this](Failure k, const QString &m) {
            events << u"failed"_s;
            ++failed;
            failure = k;
            message = m;
        });
    }
    bool done() const { return finished + failed > 0; }
    QByteArray header(QByteArrayView name) const
    {
        for (const auto &h : headers)
            if (h.first == name)
                return h.second;
        return {};
    }
};

// A raw TCP server: reads whole requests (head + Content-Length body) and hands each one to
// `respond`, which writes whatever bytes the test wants.
class RawServer : public QObject
{
public:
    struct Request {
        QTcpSocket *socket;
        QByteArray bytes;
        int connection;   // 1-based, in accept order
        int onConnection; // 1-based request number on that connection
    };
    std::function<void(const Request &)> respond;
    QByteArray greeting;      // written as soon as a connection is accepted
    bool readRequests = true; // false: never reads, so a large request stalls
    int accepted = 0;
    int disconnects = 0;
    QList<QByteArray> received;

    // With `tls`, a QSslServer using tests/data/tls and offering h2 and http/1.1 by ALPN.
    explicit RawServer(bool tls = false)
    {
        m_server = listenOnLoopback(this, tls ? std::optional(serverTls()) : std::nullopt);
        // A TLS connection becomes pending only after its handshake.
        connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &RawServer::onConnection);
    }
    static QSslCertificate certificate() { return tlsCertificate("localhost.crt"); }
    QUrl url(const QString &path = u"/v1/x"_s, const QString &scheme = u"http"_s) const
    {
        return QUrl(u"%1://127.0.0.1:%2%3"_s.arg(scheme).arg(m_server->serverPort()).arg(path));
    }

private:
    void onConnection()
    {
        while (QTcpSocket *s = m_server->nextPendingConnection()) {
            const int index = ++accepted;
            auto state = std::make_shared<std::pair<QByteArray, int>>();
            connect(s, &QTcpSocket::disconnected, this, [this, s] {
                ++disconnects;
                s->deleteLater();
            });
            if (readRequests)
                connect(s, &QTcpSocket::readyRead, this, [this, s, index, state] {
                    state->first += s->readAll();
                    while (true) {
                        QByteArray &buf = state->first;
                        const qsizetype end = buf.indexOf("\r\n\r\n");
                        if (end < 0)
                            return;
                        qsizetype length = 0;
                        for (const QByteArray &line : buf.left(end).split('\n'))
                            if (line.toLower().startsWith("content-length:"))
                                length = line.mid(15).trimmed().toLongLong();
                        if (buf.size() < end + 4 + length)
                            return;
                        const QByteArray req = buf.left(end + 4 + length);
                        buf.remove(0, req.size());
                        received.append(req);
                        if (respond)
                            respond({s, req, index, ++state->second});
                    }
                });
            if (!greeting.isEmpty())
                s->write(greeting);
        }
    }
    static QSslConfiguration serverTls()
    {
        QSslConfiguration c = qp::test::serverTls("localhost.crt", "localhost.key");
        c.setAllowedNextProtocols({QByteArrayLiteral("h2"), QByteArrayLiteral("http/1.1")});
        return c;
    }
    QTcpServer *m_server;
};

QByteArray okResponse(const QByteArray &body = "ok")
{
    return "HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" +
           body;
}

} // namespace

class TestHttpClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void contentLengthBody();
    void requestWireFormat();
    void chunkedBodyArrivesIncrementally();
    void keepAlive_data();
    void keepAlive();
    void hundredConcurrentRequests();
    void perHostCapQueues();
    void connectionRefused();
    void hostNotFound();
    void tlsHandshakeFailure();
    void tls_data();
    void tls();
    void remoteClosed_data();
    void remoteClosed();
    void staleConnection_data();
    void staleConnection();
    void abortMidStream_data();
    void abortMidStream();
    void stopFromSlot_data();
    void stopFromSlot();
    void releasedResponseIsReadToItsEnd();
    void pausedRequestReadsNothingUntilResumed();
    void releasedFromSlotWithWholeResponseBuffered();
    void releasedResponseThatNeverEndsIsClosed();
    void clientDestroyedWhileInFlight();
    void unsupportedUrl();
    void largeBody();
    void earlyResponseWhileSending();
    void interimResponsesSkipped();
    void framing_data();
    void framing();
    void protocolError_data();
    void protocolError();
    void idleConnectionsClosedAfterTimeout();
    void idleConnectionsCapped();
    void benchmarkSequential_data();
    void benchmarkSequential();
};

void TestHttpClient::contentLengthBody()
{
    FakeUpstream up;
    up.replyJson(200, QJsonObject{{u"hello"_s, u"world"_s}}, {{"X-Mixed-Case", "V"}});
    HttpClient client;
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(
        client.post(QUrl(up.baseUrl() + u"/chat/completions"_s),
                    {{"Content-Type", "application/json"}, {"X-Test", "1"}}, R"({"a":1})"));
    rec.attach(r.get());
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.events, (QStringList{u"sent"_s, u"head 200"_s, u"body"_s, u"finished"_s}));
    QCOMPARE(QJsonDocument::fromJson(rec.body).object().value(u"hello"_s).toString(), u"world"_s);
    QCOMPARE(rec.header("x-mixed-case"), QByteArray("V")); // names lower-cased, values kept
    QCOMPARE(rec.header("content-length"), QByteArray::number(rec.body.size()));
    QCOMPARE(up.requests().size(), 1);
    const RecordedRequest &got = up.requests().first();
    QCOMPARE(got.method, QByteArray("POST"));
    QCOMPARE(got.path, QByteArray("/v1/chat/completions"));
    QCOMPARE(got.body, QByteArray(R"({"a":1})"));
    QCOMPARE(got.header("x-test"), QByteArray("1"));
    QCOMPARE(got.header("host"), "127.0.0.1:" + QByteArray::number(up.port()));
    QCOMPARE(client.idleConnectionCount(), 1);
}

void TestHttpClient::requestWireFormat()
{
    RawServer server;
    server.respond = [](const RawServer::Request &q) { q.socket->write(okResponse()); };
    HttpClient client;
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(
        client.post(server.url(u"/v1/a%20b?q=1&r=%2F"_s),
                    {{"X-A", "b"}, {"content-length", "999"}, {"Host", "evil"}}, "body"));
    rec.attach(r.get());
    QTRY_VERIFY(rec.done());
    QCOMPARE(server.received.size(), 1);
    // Our own Host and Content-Length; the caller's are dropped; one exact request.
    QCOMPARE(server.received.first(), "POST /v1/a%20b?q=1&r=%2F HTTP/1.1\r\nHost: 127.0.0.1:" +
                                          QByteArray::number(server.url().port()) +
                                          "\r\nContent-Length: 4\r\nX-A: b\r\n\r\nbody");
}

void TestHttpClient::chunkedBodyArrivesIncrementally()
{
    FakeUpstream up;
    up.replySse({{0, "one"}, {150, "two"}, {150, "three"}});
    HttpClient client;
    Recorder rec;
    QByteArray bodyAtFirstPiece;
    bool finishedAtFirstPiece = true;
    std::unique_ptr<HttpClientRequest> r(
        client.post(QUrl(up.baseUrl() + u"/chat/completions"_s), {}, "{}"));
    rec.attach(r.get());
    connect(r.get(), &HttpClientRequest::bodyData, this, [&] {
        if (rec.bodyPieces == 1) {
            bodyAtFirstPiece = rec.body;
            finishedAtFirstPiece = rec.done();
        }
    });
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.finished, 1);
    QCOMPARE(rec.header("transfer-encoding"), QByteArray("chunked"));
    QCOMPARE(rec.body, QByteArray("data: one\n\ndata: two\n\ndata: three\n\n"));
    QVERIFY(!finishedAtFirstPiece);
    QCOMPARE(bodyAtFirstPiece, QByteArray("data: one\n\n"));
    QVERIFY2(rec.bodyPieces >= 3, qPrintable(QString::number(rec.bodyPieces)));
}

void TestHttpClient::keepAlive_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<bool>("serverCloses");
    QTest::addColumn<int>("connections");
    QTest::newRow("content-length") << okResponse() << false << 1;
    QTest::newRow("chunked")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
        << false << 1;
    QTest::newRow("connection close")
        << QByteArray("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok") << true
        << 2;
    QTest::newRow("http/1.0") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
                              << true << 2;
    QTest::newRow("http/1.0 keep-alive")
        << QByteArray("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok")
        << false << 1;
}

void TestHttpClient::keepAlive()
{
    QFETCH(QByteArray, response);
    QFETCH(bool, serverCloses);
    QFETCH(int, connections);
    RawServer server;
    server.respond = [&](const RawServer::Request &q) {
        q.socket->write(response);
        if (serverCloses)
            q.socket->disconnectFromHost();
    };
    HttpClient client;
    for (int i = 0; i < 2; ++i) {
        Recorder rec;
        std::unique_ptr<HttpClientRequest> r(client.post(server.url(), {}, "x"));
        rec.attach(r.get());
        QTRY_VERIFY(rec.done());
        QCOMPARE(rec.events.last(), u"finished"_s);
        QCOMPARE(rec.body, QByteArray("ok"));
        QCOMPARE(r->reusedConnection(), i == 1 && connections == 1);
    }
    QCOMPARE(server.accepted, connections);
}

void TestHttpClient::hundredConcurrentRequests()
{
    FakeUpstream up;
    QList<QPointer<http::ResponseWriter>> held;
    up.on("/v1/chat/completions", [&](const http::HttpRequest &, http::ResponseWriter *w) {
        held.append(w); // answered only once all 100 are in flight
    });
    HttpClient client;
    constexpr int n = 100;
    std::vector<std::unique_ptr<HttpClientRequest>> requests;
    std::vector<Recorder> recs(n);
    for (int i = 0; i < n; ++i) {
        requests.emplace_back(
            client.post(QUrl(up.baseUrl() + u"/chat/completions"_s), {}, QByteArray::number(i)));
        recs[i].attach(requests.back().get());
    }
    QTRY_COMPARE_WITH_TIMEOUT(held.size(), n, 10000);
    QCOMPARE(client.connectionCount(), n);
    QCOMPARE(client.queuedRequestCount(), 0);
    for (const auto &w : held)
        if (w)
            w->send(200, "text/plain", "done");
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(recs.begin(), recs.end(), [](const Recorder &r) { return r.finished == 1; }),
        10000);
    for (const Recorder &r : recs)
        QCOMPARE(r.body, QByteArray("done"));
    // All of them are kept for reuse: a pool smaller than the load would reconnect constantly.
    QCOMPARE(client.idleConnectionCount(), std::min(n, HttpClientConfig().maxIdlePerHost));
}

void TestHttpClient::perHostCapQueues()
{
    RawServer server;
    QList<QPointer<QTcpSocket>> held;
    server.respond = [&](const RawServer::Request &q) { held.append(q.socket); };
    HttpClientConfig config;
    config.maxConnectionsPerHost = 2;
    HttpClient client(config);
    std::vector<std::unique_ptr<HttpClientRequest>> requests;
    std::vector<Recorder> recs(4);
    for (int i = 0; i < 4; ++i) {
        requests.emplace_back(client.post(server.url(), {}, "x"));
        recs[i].attach(requests.back().get());
    }
    QTRY_COMPARE(held.size(), 2);
    QCOMPARE(client.queuedRequestCount(), 2);
    QCOMPARE(client.connectionCount(), 2);
    for (const auto &s : std::exchange(held, {}))
        s->write(okResponse());
    // The queued two go out on the two connections as they become free.
    QTRY_COMPARE(held.size(), 2);
    QCOMPARE(client.queuedRequestCount(), 0);
    for (const auto &s : std::exchange(held, {}))
        s->write(okResponse());
    QTRY_VERIFY(
        std::all_of(recs.begin(), recs.end(), [](const Recorder &r) { return r.finished; }));
    QCOMPARE(server.accepted, 2);
}

void TestHttpClient::connectionRefused()
{
    quint16 port;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    HttpClient client;
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(
        client.post(QUrl(u"http://127.0.0.1:%1/v1"_s.arg(port)), {}, "x"));
    rec.attach(r.get());
    QVERIFY(rec.events.isEmpty()); // nothing from inside post()
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.events, QStringList{u"failed"_s});
    QCOMPARE(rec.failure, Failure::ConnectionRefused);
    QCOMPARE(client.connectionCount(), 0);
}

void TestHttpClient::hostNotFound()
{
    // .invalid never resolves (RFC 6761), with or without a network.
    HttpClient client;
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(
        client.post(QUrl(u"http://qp-no-such-host.invalid/v1"_s), {}, "x"));
    rec.attach(r.get());
    QTRY_VERIFY_WITH_TIMEOUT(rec.done(), 20000);
    QCOMPARE(rec.events, QStringList{u"failed"_s});
    QCOMPARE(rec.failure, Failure::HostNotFound);
}

void TestHttpClient::tlsHandshakeFailure()
{
    // A plain-text server answering the TLS ClientHello with HTTP: the handshake must fail.
    RawServer server;
    server.greeting = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    HttpClient client;
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(client.post(server.url(u"/v1"_s, u"https"_s), {}, "x"));
    rec.attach(r.get());
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.events, QStringList{u"failed"_s});
    QCOMPARE(rec.failure, Failure::Tls);
}

void TestHttpClient::tls_data()
{
    QTest::addColumn<bool>("trustTestCa");
    QTest::newRow("trusted certificate") << true;
    QTest::newRow("self-signed, system CAs only") << false;
}

void TestHttpClient::tls()
{
    QFETCH(bool, trustTestCa);
    RawServer server(true);
    QByteArray alpn;
    server.respond = [&](const RawServer::Request &q) {
        alpn = static_cast<QSslSocket *>(q.socket)->sslConfiguration().nextNegotiatedProtocol();
        q.socket->write(okResponse("secure"));
    };
    HttpClient client;
    if (trustTestCa) {
        QSslConfiguration c = QSslConfiguration::defaultConfiguration();
        c.setCaCertificates({RawServer::certificate()});
        client.setSslConfiguration(c);
    }
    for (int i = 0; i < (trustTestCa ? 2 : 1); ++i) {
        Recorder rec;
        std::unique_ptr<HttpClientRequest> r(
            client.post(server.url(u"/v1"_s, u"https"_s), {}, "x"));
        rec.attach(r.get());
        QTRY_VERIFY_WITH_TIMEOUT(rec.done(), 10000);
        if (!trustTestCa) {
            QCOMPARE(rec.events, QStringList{u"failed"_s});
            QCOMPARE(rec.failure, Failure::Tls);
            QVERIFY2(rec.message.contains(u"self signed"_s, Qt::CaseInsensitive) ||
                         rec.message.contains(u"self-signed"_s, Qt::CaseInsensitive),
                     qPrintable(rec.message));
            return;
        }
        QCOMPARE(rec.events.last(), u"finished"_s);
        QCOMPARE(rec.body, QByteArray("secure"));
        QCOMPARE(alpn, QByteArray("http/1.1")); // offered h2 by the server, but we only speak 1.1
    }
    QCOMPARE(server.accepted, 1); // keep-alive works over TLS too
}

void TestHttpClient::remoteClosed_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<QByteArray>("bodyBeforeClose");
    QTest::newRow("chunked body cut short")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        << QByteArray("hello");
    QTest::newRow("content-length body cut short")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello") << QByteArray("hello");
    QTest::newRow("eof before status line") << QByteArray() << QByteArray();
    QTest::newRow("eof inside headers")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-") << QByteArray();
}

void TestHttpClient::remoteClosed()
{
    QFETCH(QByteArray, response);
    QFETCH(QByteArray, bodyBeforeClose);
    RawServer server;
    server.respond = [&](const RawServer::Request &q) {
        q.socket->write(response);
        q.socket->disconnectFromHost();
    };
    HttpClient client;
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(client.post(server.url(), {}, "x"));
    rec.attach(r.get());
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.events.last(), u"failed"_s);
    QCOMPARE(rec.failed, 1);
    QCOMPARE(rec.finished, 0);
    QCOMPARE(rec.failure, Failure::RemoteClosed);
    QCOMPARE(rec.body, bodyBeforeClose);
    QCOMPARE(server.accepted, 1); // a fresh connection is never retried
}

void TestHttpClient::staleConnection_data()
{
    // How the server treats a kept-alive connection after answering its first request.
    QTest::addColumn<QString>("mode");
    QTest::addColumn<bool>("succeeds");
    QTest::newRow("closed while idle, noticed") << u"close-noticed"_s << true;
    QTest::newRow("closed right after the response, reused at once") << u"close-at-once"_s << true;
    QTest::newRow("reset when the next request arrives") << u"reset-on-request"_s << true;
    QTest::newRow("retried only once") << u"reset-always"_s << false;
}

void TestHttpClient::staleConnection()
{
    QFETCH(QString, mode);
    QFETCH(bool, succeeds);
    RawServer server;
    server.respond = [&](const RawServer::Request &q) {
        const bool first = q.connection == 1 && q.onConnection == 1;
        if (first || (q.onConnection == 1 && mode != u"reset-always")) {
            q.socket->write(okResponse());
            if (first && mode.startsWith(u"close"))
                q.socket->disconnectFromHost();
            return;
        }
        q.socket->abort(); // the request arrived and was dropped without a byte of answer
    };
    HttpClient client;
    Recorder first, second;
    std::unique_ptr<HttpClientRequest> r1(client.post(server.url(), {}, "1"));
    std::unique_ptr<HttpClientRequest> r2;
    first.attach(r1.get());
    if (mode == u"close-at-once") {
        // Before the FIN is read, so the client believes the connection is alive.
        connect(r1.get(), &HttpClientRequest::finished, this, [&] {
            QCOMPARE(client.idleConnectionCount(), 1);
            r2.reset(client.post(server.url(), {}, "2"));
            second.attach(r2.get());
        });
    }
    QTRY_VERIFY(first.done());
    QCOMPARE(first.finished, 1);
    if (mode == u"close-noticed") {
        QTRY_COMPARE(server.disconnects, 1);
        QTRY_COMPARE(client.idleConnectionCount(), 0);
    }
    if (!r2) {
        r2.reset(client.post(server.url(), {}, "2"));
        second.attach(r2.get());
    }
    QTRY_VERIFY(second.done());
    if (succeeds) {
        QCOMPARE(second.events, (QStringList{u"sent"_s, u"head 200"_s, u"body"_s, u"finished"_s}));
        QCOMPARE(second.body, QByteArray("ok"));
    } else {
        QCOMPARE(second.events.last(), u"failed"_s);
        QCOMPARE(second.failure, Failure::RemoteClosed);
    }
    QCOMPARE(server.accepted, 2);
}

void TestHttpClient::abortMidStream_data()
{
    QTest::addColumn<bool>("deleteIt");
    QTest::newRow("abort()") << false;
    QTest::newRow("delete") << true;
}

void TestHttpClient::abortMidStream()
{
    QFETCH(bool, deleteIt);
    RawServer server;
    QPointer<QTcpSocket> serverSide;
    server.respond = [&](const RawServer::Request &q) {
        serverSide = q.socket;
        q.socket->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    };
    HttpClient client;
    Recorder rec;
    auto *r = client.post(server.url(), {}, "x");
    rec.attach(r);
    QTRY_COMPARE(rec.bodyPieces, 1);
    if (deleteIt)
        delete r;
    else
        r->abort();
    QTRY_COMPARE(server.disconnects, 1);
    QCOMPARE(client.connectionCount(), 0);
    // More bytes can no longer reach anyone; nothing after the first piece was emitted.
    QCOMPARE(rec.events, (QStringList{u"sent"_s, u"head 200"_s, u"body"_s}));
    if (!deleteIt) {
        QVERIFY(r->isDone());
        delete r;
    }
}

void TestHttpClient::stopFromSlot_data()
{
    QTest::addColumn<bool>("deleteIt");
    QTest::newRow("abort() in responseStarted") << false;
    QTest::newRow("delete in responseStarted") << true;
}

void TestHttpClient::stopFromSlot()
{
    // Head and body arrive in one segment: nothing may be emitted after the slot stopped it.
    QFETCH(bool, deleteIt);
    RawServer server;
    server.respond = [](const RawServer::Request &q) { q.socket->write(okResponse("payload")); };
    HttpClient client;
    Recorder rec;
    auto *r = client.post(server.url(), {}, "x");
    rec.attach(r);
    connect(r, &HttpClientRequest::responseStarted, this, [&] {
        if (deleteIt)
            delete r;
        else
            r->abort();
    });
    QTRY_COMPARE(server.disconnects, 1);
    QCOMPARE(rec.events, (QStringList{u"sent"_s, u"head 200"_s}));
    QCOMPARE(client.connectionCount(), 0);
    if (!deleteIt)
        delete r;
}

void TestHttpClient::releasedResponseIsReadToItsEnd()
{
    // release(): nothing more is emitted, but the rest of the response is read and the
    // connection serves the next request (an SSE stream after [DONE]).
    RawServer server;
    QPointer<QTcpSocket> serverSide;
    server.respond = [&](const RawServer::Request &q) {
        serverSide = q.socket;
        if (q.onConnection == 1)
            q.socket->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        else
            q.socket->write(okResponse("second"));
    };
    HttpClient client;
    Recorder rec;
    auto *r = client.post(server.url(), {}, "x");
    rec.attach(r);
    QTRY_COMPARE(rec.bodyPieces, 1);
    r->release();
    QVERIFY(r->isDone());
    QCOMPARE(client.idleConnectionCount(), 0); // still reading the first response
    serverSide->write("5\r\nworld\r\n0\r\n\r\n");
    QTRY_COMPARE(client.idleConnectionCount(), 1);
    QCOMPARE(rec.events, (QStringList{u"sent"_s, u"head 200"_s, u"body"_s}));
    QCOMPARE(rec.body, QByteArray("hello"));
    delete r;

    Recorder second;
    std::unique_ptr<HttpClientRequest> r2(client.post(server.url(), {}, "y"));
    second.attach(r2.get());
    QTRY_VERIFY(second.done());
    QCOMPARE(second.finished, 1);
    QCOMPARE(second.body, QByteArray("second"));
    QVERIFY(r2->reusedConnection());
    QCOMPARE(server.accepted, 1);
    QCOMPARE(server.disconnects, 0);
}

void TestHttpClient::releasedFromSlotWithWholeResponseBuffered()
{
    // The whole response arrives in one segment and the slot of its first body piece releases
    // the request: the parser finishes the response quietly and pools the connection.
    RawServer server;
    server.respond = [](const RawServer::Request &q) {
        q.socket->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n");
    };
    HttpClient client;
    Recorder rec;
    auto *r = client.post(server.url(), {}, "x");
    rec.attach(r);
    connect(r, &HttpClientRequest::bodyData, this, [r] { r->release(); });
    QTRY_COMPARE(client.idleConnectionCount(), 1);
    QCOMPARE(rec.events, (QStringList{u"sent"_s, u"head 200"_s, u"body"_s}));
    QCOMPARE(rec.bodyPieces, 1);
    QCOMPARE(rec.finished + rec.failed, 0);
    QCOMPARE(server.disconnects, 0);
    delete r;
}

void TestHttpClient::releasedResponseThatNeverEndsIsClosed()
{
    RawServer server;
    server.respond = [](const RawServer::Request &q) {
        q.socket->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    };
    HttpClientConfig config;
    config.drainTimeoutMs = 100;
    HttpClient client(config);
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(client.post(server.url(), {}, "x"));
    rec.attach(r.get());
    QTRY_COMPARE(rec.bodyPieces, 1);
    r->release();
    QTRY_COMPARE(server.disconnects, 1);
    QCOMPARE(client.connectionCount(), 0);
    QCOMPARE(client.idleConnectionCount(), 0);
    QCOMPARE(rec.events, (QStringList{u"sent"_s, u"head 200"_s, u"body"_s}));
}

void TestHttpClient::clientDestroyedWhileInFlight()
{
    RawServer server;
    server.respond = [](const RawServer::Request &) {}; // never answers
    auto client = std::make_unique<HttpClient>();
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(client->post(server.url(), {}, "x"));
    r->setParent(nullptr); // outlives the client
    rec.attach(r.get());
    QTRY_COMPARE(server.received.size(), 1);
    client.reset();
    QCOMPARE(rec.events, QStringList{u"sent"_s}); // nothing from inside the destructor
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.failure, Failure::Aborted);
    QTRY_COMPARE(server.disconnects, 1);
}

void TestHttpClient::unsupportedUrl()
{
    HttpClient client;
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(client.post(QUrl(u"ftp://example.com/x"_s), {}, "x"));
    rec.attach(r.get());
    QVERIFY(rec.events.isEmpty());
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.events, QStringList{u"failed"_s});
    QCOMPARE(rec.failure, Failure::Protocol);
}

void TestHttpClient::pausedRequestReadsNothingUntilResumed()
{
    // Backpressure: a paused request hears nothing, not even the end of a response the server
    // closed meanwhile; after resume() the rest and the end arrive in order.
    RawServer server;
    QPointer<QTcpSocket> peer;
    server.respond = [&peer](const RawServer::Request &q) {
        peer = q.socket;
        q.socket->write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + QByteArray(16384, 'a'));
    };
    HttpClient client;
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(client.post(server.url(), {}, "{}"));
    rec.attach(r.get());
    bool pausedOnce = false;
    QObject::connect(r.get(), &HttpClientRequest::bodyData, r.get(), [&] {
        if (!std::exchange(pausedOnce, true))
            r->pause();
    });
    QTRY_VERIFY(rec.bodyPieces >= 1);
    QVERIFY(r->isPaused());
    const qsizetype atPause = rec.body.size();
    QVERIFY(peer);
    peer->write(QByteArray(48 * 1024, 'b'));
    peer->disconnectFromHost();
    QTRY_COMPARE(server.disconnects, 1);
    QCOMPARE(rec.body.size(), atPause);
    QVERIFY(!rec.done());
    r->resume();
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.events, (QStringList{u"sent"_s, u"head 200"_s, u"body"_s, u"finished"_s}));
    QCOMPARE(rec.body, QByteArray(16384, 'a') + QByteArray(48 * 1024, 'b'));
}

void TestHttpClient::largeBody()
{
    // More than the socket buffers hold: requestSent waits for the last byte to be written.
    RawServer server;
    server.respond = [](const RawServer::Request &q) {
        q.socket->write(okResponse(QByteArray::number(q.bytes.size())));
    };
    HttpClient client;
    Recorder rec;
    const QByteArray body(8 * 1024 * 1024, 'b');
    std::unique_ptr<HttpClientRequest> r(client.post(server.url(), {}, body));
    rec.attach(r.get());
    QTRY_VERIFY_WITH_TIMEOUT(rec.done(), 20000);
    QCOMPARE(rec.events, (QStringList{u"sent"_s, u"head 200"_s, u"body"_s, u"finished"_s}));
    QCOMPARE(server.received.size(), 1);
    QVERIFY(server.received.first().endsWith(body));
}

void TestHttpClient::earlyResponseWhileSending()
{
    // The server rejects at once and never reads the body: the response completes while our
    // request is still unsent, so the connection must not go back to the pool.
    RawServer server;
    server.readRequests = false;
    server.greeting = "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n";
    HttpClient client;
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(
        client.post(server.url(), {}, QByteArray(32 * 1024 * 1024, 'b')));
    rec.attach(r.get());
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.events, (QStringList{u"sent"_s, u"head 413"_s, u"finished"_s}));
    QCOMPARE(client.idleConnectionCount(), 0);
    QTRY_COMPARE(server.disconnects, 1);
}

void TestHttpClient::interimResponsesSkipped()
{
    RawServer server;
    server.respond = [](const RawServer::Request &q) {
        q.socket->write("HTTP/1.1 100 Continue\r\n\r\n"
                        "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" +
                        okResponse());
    };
    HttpClient client;
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(client.post(server.url(), {}, "x"));
    rec.attach(r.get());
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.events, (QStringList{u"sent"_s, u"head 200"_s, u"body"_s, u"finished"_s}));
    QVERIFY(rec.header("link").isEmpty());
    QCOMPARE(rec.body, QByteArray("ok"));
}

void TestHttpClient::framing_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<bool>("serverCloses");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("reusable");
    QTest::newRow("chunked with extensions and trailers")
        << QByteArray("POST")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "3;name=value\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n")
        << false << 200 << QByteArray("abc0123456789") << true;
    QTest::newRow("transfer-encoding wins over content-length")
        << QByteArray("POST")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n"
                      "2\r\nok\r\n0\r\n\r\n")
        << false << 200 << QByteArray("ok") << true;
    QTest::newRow("read until close")
        << QByteArray("POST") << QByteArray("HTTP/1.1 200 OK\r\n\r\nuntil the end") << true << 200
        << QByteArray("until the end") << false;
    QTest::newRow("HEAD has no body")
        << QByteArray("HEAD") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n") << false
        << 200 << QByteArray() << true;
    QTest::newRow("204 has no body")
        << QByteArray("POST") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << false << 204
        << QByteArray() << true;
    QTest::newRow("304 has no body")
        << QByteArray("GET") << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n")
        << false << 304 << QByteArray() << true;
    QTest::newRow("content-length zero")
        << QByteArray("POST") << QByteArray("HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n")
        << false << 500 << QByteArray() << true;
    QTest::newRow("bare LF line ends")
        << QByteArray("POST") << QByteArray("HTTP/1.1 200 OK\nContent-Length: 2\n\nok") << false
        << 200 << QByteArray("ok") << true;
    QTest::newRow("status line without reason")
        << QByteArray("POST") << QByteArray("HTTP/1.1 429\r\nContent-Length: 2\r\n\r\nno") << false
        << 429 << QByteArray("no") << true;
}

void TestHttpClient::framing()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, response);
    QFETCH(bool, serverCloses);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, reusable);
    RawServer server;
    server.respond = [&](const RawServer::Request &q) {
        q.socket->write(response);
        if (serverCloses)
            q.socket->disconnectFromHost();
    };
    HttpClient client;
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(client.send(method, server.url(), {}, {}));
    rec.attach(r.get());
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.events.last(), u"finished"_s);
    QCOMPARE(rec.status, status);
    QCOMPARE(rec.body, body);
    QCOMPARE(client.idleConnectionCount(), reusable ? 1 : 0);
}

void TestHttpClient::protocolError_data()
{
    QTest::addColumn<QByteArray>("response");
    const QByteArray big(70 * 1024, 'a');
    QTest::newRow("garbage status line") << QByteArray("HELLO THERE\r\n\r\n");
    QTest::newRow("non-numeric status") << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n");
    QTest::newRow("HTTP/2 status line") << QByteArray("HTTP/2 200\r\n\r\n");
    QTest::newRow("header without colon") << QByteArray("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n");
    QTest::newRow("space before colon") << QByteArray("HTTP/1.1 200 OK\r\nName : v\r\n\r\n");
    QTest::newRow("oversized headers") << "HTTP/1.1 200 OK\r\nX-Big: " + big + "\r\n\r\n";
    QTest::newRow("oversized headers never ending") << "HTTP/1.1 200 OK\r\nX-Big: " + big;
    QTest::newRow("bad chunk size")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    QTest::newRow("chunk data without CRLF")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXY");
    QTest::newRow("invalid content-length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n");
    QTest::newRow("conflicting content-length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok");
    QTest::newRow("101 switching protocols")
        << QByteArray("HTTP/1.1 101 Switching Protocols\r\n\r\n");
}

void TestHttpClient::protocolError()
{
    QFETCH(QByteArray, response);
    RawServer server;
    server.respond = [&](const RawServer::Request &q) { q.socket->write(response); };
    HttpClient client;
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(client.post(server.url(), {}, "x"));
    rec.attach(r.get());
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.events.last(), u"failed"_s);
    QCOMPARE(rec.failed, 1);
    QCOMPARE(rec.failure, Failure::Protocol);
    QTRY_COMPARE(server.disconnects, 1); // the byte stream is unusable: the client closed it
    QCOMPARE(client.connectionCount(), 0);
}

void TestHttpClient::idleConnectionsClosedAfterTimeout()
{
    RawServer server;
    server.respond = [](const RawServer::Request &q) { q.socket->write(okResponse()); };
    HttpClientConfig config;
    config.idleTimeoutMs = 200;
    HttpClient client(config);
    Recorder rec;
    std::unique_ptr<HttpClientRequest> r(client.post(server.url(), {}, "x"));
    rec.attach(r.get());
    QTRY_VERIFY(rec.done());
    QCOMPARE(client.idleConnectionCount(), 1);
    QCOMPARE(server.disconnects, 0);
    QTRY_COMPARE(server.disconnects, 1);
    QCOMPARE(client.idleConnectionCount(), 0);
    QCOMPARE(client.connectionCount(), 0);
}

void TestHttpClient::idleConnectionsCapped()
{
    RawServer server;
    QList<QPointer<QTcpSocket>> held;
    server.respond = [&](const RawServer::Request &q) { held.append(q.socket); };
    HttpClientConfig config;
    config.maxIdlePerHost = 2;
    HttpClient client(config);
    std::vector<std::unique_ptr<HttpClientRequest>> requests;
    std::vector<Recorder> recs(5);
    for (int i = 0; i < 5; ++i) {
        requests.emplace_back(client.post(server.url(), {}, "x"));
        recs[i].attach(requests.back().get());
    }
    QTRY_COMPARE(held.size(), 5);
    for (const auto &s : held)
        s->write(okResponse());
    QTRY_VERIFY(
        std::all_of(recs.begin(), recs.end(), [](const Recorder &r) { return r.finished; }));
    QCOMPARE(client.idleConnectionCount(), 2);
    QCOMPARE(client.connectionCount(), 2);
    QTRY_COMPARE(server.disconnects, 3);
}

void TestHttpClient::benchmarkSequential_data()
{
    QTest::addColumn<bool>("qnam");
    QTest::newRow("HttpClient") << false;
    QTest::newRow("QNetworkAccessManager") << true;
}

void TestHttpClient::benchmarkSequential()
{
    // 200 sequential keep-alive POSTs against our own server, both clients in this thread.
    QFETCH(bool, qnam);
    FakeUpstream up;
    up.replyJson(200, QJsonObject{{u"ok"_s, true}});
    const QUrl url(up.baseUrl() + u"/chat/completions"_s);
    const QByteArray body(2048, 'x');
    HttpClient client;
    QNetworkAccessManager nam;
    int completed = 0;
    QBENCHMARK
    {
        for (int i = 0; i < 200; ++i) {
            bool done = false;
            if (qnam) {
                QNetworkRequest req(url);
                req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
                QNetworkReply *reply = nam.post(req, body);
                connect(reply, &QNetworkReply::finished, this, [&, reply] {
                    done = true;
                    completed += reply->error() == QNetworkReply::NoError;
                    reply->deleteLater();
                });
            } else {
                HttpClientRequest *r =
                    client.post(url, {{"Content-Type", "application/json"}}, body);
                connect(r, &HttpClientRequest::finished, this, [&, r] {
                    done = true;
                    ++completed;
                    r->deleteLater();
                });
                connect(r, &HttpClientRequest::failed, this, [&, r] {
                    done = true;
                    r->deleteLater();
                });
            }
            while (!done)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        }
    }
    QVERIFY(completed >= 200);
}

QTEST_GUILESS_MAIN(TestHttpClient)
#include "tst_httpclient.moc"
