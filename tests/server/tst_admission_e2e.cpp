// The admission gate through the running server, with raw sockets as a browser or a hostile page
// would send: DNS rebinding (a foreign Host), CSRF (a foreign Origin), the no-preflight text/plain
// POST, a refused 30 MB body answered before it is sent, and the gate on every request of a
// keep-alive or pipelined connection. A refused request never reaches the upstream and is
// answered in its route's dialect. The rules row by row: tests/core/tst_admission.cpp.
#include "access/clientkey.h"
#include "proxyharness.h"
#include "rawhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

using namespace qp;
using namespace qp::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kChat =
    R"({"model":"qwen3-coder-plus","messages":[{"role":"user","content":"hi"}]})";

QByteArray exchange(quint16 port, const QByteArray &raw, const QByteArray &until = {})
{
    return rawExchange(QHostAddress::LocalHost, port, raw, until);
}

QJsonObject bodyOf(const QByteArray &response)
{
    return QJsonDocument::fromJson(response.mid(response.indexOf("\r\n\r\n") + 4)).object();
}

QByteArray post(const QByteArray &path, const QByteArray &headers, const QByteArray &body = kChat)
{
    return "POST " + path + " HTTP/1.1\r\n" + headers +
           "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TestAdmissionE2E : public QObject
{
    Q_OBJECT
    std::unique_ptr<ProxyHarness> h;

    void start(const QHash<QString, QString> &env = {})
    {
        h = std::make_unique<ProxyHarness>();
        h->writeQwenCredentials(u"access-token-valid-0001"_s,
                                QDateTime::currentMSecsSinceEpoch() + 3600 * 1000);
        QString err;
        QVERIFY2(h->start(env, &err), qPrintable(err));
        h->upstream().replyJson(
            200, QJsonObject{
                     {u"id"_s, u"c1"_s},
                     {u"object"_s, u"chat.completion"_s},
                     {u"model"_s, u"qwen3-coder-plus"_s},
                     {u"choices"_s,
                      QJsonArray{QJsonObject{{u"index"_s, 0},
                                             {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s},
                                                                        {u"content"_s, u"ok"_s}}},
                                             {u"finish_reason"_s, u"stop"_s}}}}});
    }
    quint16 port() const { return h->runtime().port(); }

private Q_SLOTS:
    void cleanup() { h.reset(); }

    void aRebindingPageGetsNothing()
    {
        start();
        const QByteArray r = exchange(
            port(), post("/v1/chat/completions",
                         "Host: attacker.example:8765\r\nContent-Type: application/json\r\n"
                         "Authorization: Bearer anything\r\n"));
        QVERIFY2(r.startsWith("HTTP/1.1 403"), r.constData());
        const QJsonObject e = bodyOf(r).value(u"error"_s).toObject();
        QCOMPARE(e.value(u"type"_s).toString(), u"permission_error"_s);
        QVERIFY2(e.value(u"message"_s).toString().contains(u"allowed_hosts"_s), r.constData());
        QVERIFY(h->upstream().requests().isEmpty());
    }

    // Refused before the head is parsed (too many fields, too large a head, too long a target):
    // still in the path's dialect.
    void earlyRefusalsOnAnthropicPathsAreInAnthropicShape_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        QByteArray fields;
        for (int i = 0; i < 150; ++i)
            fields += "X-F" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("150 fields")
            << "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n" + fields + "\r\n"
            << 431;
        QTest::newRow("a 70 KB head")
            << "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nX: " + QByteArray(70000, 'a') +
                   "\r\n\r\n"
            << 431;
        QTest::newRow("a 70 KB head, no end yet")
            << "POST /anthropic/v1/messages HTTP/1.1\r\nX: " + QByteArray(70000, 'a') << 431;
        QTest::newRow("a 9 KB target")
            << "GET /v1/messages?" + QByteArray(9000, 'a') + " HTTP/1.1\r\nHost: localhost\r\n\r\n"
            << 414;
    }
    void earlyRefusalsOnAnthropicPathsAreInAnthropicShape()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        start();
        const QByteArray r = exchange(port(), raw);
        QVERIFY2(r.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status) + " ")),
                 r.left(200).constData());
        QVERIFY2(!r.startsWith("HTTP/1.1 414 Status"), r.left(100).constData());
        QCOMPARE(bodyOf(r).value(u"type"_s).toString(), u"error"_s); // Anthropic's envelope
        QCOMPARE(bodyOf(r).value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"invalid_request_error"_s);
    }

    void aRebindingPageCannotStartADeviceLogin()
    {
        start();
        const QByteArray r = exchange(
            port(), post("/auth/initiate",
                         "Host: attacker.example\r\nContent-Type: application/json\r\n", "{}"));
        QVERIFY2(r.startsWith("HTTP/1.1 403"), r.constData());
        QVERIFY(h->upstream().requests().isEmpty());
    }

    void refusalsOnAnthropicPathsAreInAnthropicShape()
    {
        start();
        const QByteArray r = exchange(
            port(),
            post("/v1/messages",
                 "Host: 127.0.0.1.nip.io\r\nContent-Type: application/json\r\nx-api-key: k\r\n"
                 "anthropic-version: 2023-06-01\r\n"));
        QVERIFY2(r.startsWith("HTTP/1.1 403"), r.constData());
        const QJsonObject body = bodyOf(r);
        QCOMPARE(body.value(u"type"_s).toString(), u"error"_s);
        QCOMPARE(body.value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"permission_error"_s);
    }

    void aForeignPageCannotPostJson()
    {
        start();
        const QByteArray r =
            exchange(port(), post("/v1/chat/completions",
                                  "Host: 127.0.0.1\r\nOrigin: https://evil.example\r\n"
                                  "Content-Type: application/json\r\nAuthorization: Bearer x\r\n"));
        QVERIFY2(r.startsWith("HTTP/1.1 403"), r.constData());
        QVERIFY(!r.contains("Access-Control-Allow-Origin"));
        QVERIFY(h->upstream().requests().isEmpty());
    }

    void theSimplePostAPageCanSendIs415()
    {
        start();
        const QByteArray r =
            exchange(port(), post("/v1/chat/completions",
                                  "Host: localhost\r\nContent-Type: text/plain\r\n"));
        QVERIFY2(r.startsWith("HTTP/1.1 415"), r.constData());
        QVERIFY2(bodyOf(r)
                     .value(u"error"_s)
                     .toObject()
                     .value(u"message"_s)
                     .toString()
                     .contains(u"application/json"_s),
                 r.constData());
        QVERIFY(h->upstream().requests().isEmpty());
    }

    void localClientsStillWork()
    {
        start();
        const QByteArray r = exchange(
            port(),
            post(
                "/v1/chat/completions",
                "Host: localhost:8765\r\nContent-Type: application/json\r\nConnection: close\r\n"));
        QVERIFY2(r.startsWith("HTTP/1.1 200"), r.constData());
        QCOMPARE(h->upstream().requests().size(), 1);
    }

    void preflightsFromForeignOriginsGetNoCorsHeaders()
    {
        start();
        const QByteArray refused =
            exchange(port(), "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                             "Origin: https://evil.example\r\n"
                             "Access-Control-Request-Method: POST\r\n\r\n");
        QVERIFY2(refused.startsWith("HTTP/1.1 403"), refused.constData());
        QVERIFY(!refused.contains("Access-Control-Allow"));
        const QByteArray allowed =
            exchange(port(),
                     "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                     "Origin: http://localhost:3000\r\nAccess-Control-Request-Method: POST\r\n\r\n",
                     "\r\n\r\n");
        QVERIFY2(allowed.startsWith("HTTP/1.1 204"), allowed.constData());
        QVERIFY(allowed.contains("Access-Control-Allow-Origin: http://localhost:3000\r\n"));
        QVERIFY(allowed.contains("Vary: Origin\r\n"));
    }

    void aRefused30MBBodyIsAnsweredBeforeItIsSent()
    {
        start();
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(s.waitForConnected(3000));
        s.write("POST /v1/chat/completions HTTP/1.1\r\nHost: evil.example\r\n"
                "Content-Type: application/json\r\nContent-Length: 31457280\r\n\r\n");
        QByteArray r;
        QTRY_VERIFY_WITH_TIMEOUT((r += s.readAll()).contains("}"), 5000);
        QVERIFY2(r.startsWith("HTTP/1.1 403"), r.constData());
        QVERIFY(r.contains("Connection: close"));
    }

    void theGateRunsForEveryKeepAliveRequest()
    {
        start();
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(s.waitForConnected(3000));
        s.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QByteArray first;
        QTRY_VERIFY_WITH_TIMEOUT((first += s.readAll()).contains("uptime_seconds"), 5000);
        QVERIFY(first.startsWith("HTTP/1.1 200"));
        s.write(post("/v1/chat/completions",
                     "Host: attacker.example\r\nContent-Type: application/json\r\n"));
        QByteArray second;
        QTRY_VERIFY_WITH_TIMEOUT((second += s.readAll()).contains("}}"), 5000);
        QVERIFY2(second.startsWith("HTTP/1.1 403"), second.constData());
        QVERIFY(h->upstream().requests().isEmpty());
    }

    void theGateRunsForEveryPipelinedRequest()
    {
        start();
        const QByteArray r = exchange(
            port(), "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n" +
                        post("/v1/chat/completions",
                             "Host: attacker.example\r\nContent-Type: application/json\r\n"));
        QVERIFY2(r.startsWith("HTTP/1.1 200"), r.constData());
        QVERIFY2(r.contains("HTTP/1.1 403"), r.constData());
        QVERIFY(h->upstream().requests().isEmpty());
    }

    void everyAnswerCarriesTheHardeningHeaders_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("status");
        QTest::newRow("a chat answer")
            << post("/v1/chat/completions",
                    "Host: localhost\r\nContent-Type: application/json\r\nConnection: close\r\n")
            << QByteArray("200");
        QTest::newRow("a stream")
            << post("/v1/chat/completions",
                    "Host: localhost\r\nContent-Type: application/json\r\nConnection: close\r\n",
                    R"({"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]})")
            << QByteArray("200");
        QTest::newRow("a gate refusal")
            << post("/v1/chat/completions",
                    "Host: evil.example\r\nContent-Type: application/json\r\n")
            << QByteArray("403");
        QTest::newRow("a framing error")
            << QByteArray("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                          "Content-Length: 6\r\n\r\n")
            << QByteArray("400");
        QTest::newRow("an unknown route")
            << QByteArray("GET /nothing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            << QByteArray("404");
        QTest::newRow("a preflight")
            << QByteArray("OPTIONS /v1/models HTTP/1.1\r\nHost: localhost\r\nOrigin: "
                          "http://localhost:3000\r\n"
                          "Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n")
            << QByteArray("204");
    }
    void everyAnswerCarriesTheHardeningHeaders()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, status);
        start();
        if (request.contains("\"stream\":true"))
            h->upstream().replyBulkSse(3, 10);
        const QByteArray r = exchange(port(), request);
        QVERIFY2(r.startsWith(QByteArray("HTTP/1.1 " + status)), r.constData());
        const QByteArray head = r.left(r.indexOf("\r\n\r\n") + 2).toLower();
        QVERIFY2(head.contains("\r\nx-content-type-options: nosniff\r\n"), head.constData());
        QVERIFY2(head.contains("\r\ncache-control: no-store\r\n"), head.constData());
        QVERIFY2(head.contains("\r\ncontent-security-policy: default-src 'none'"),
                 head.constData());
        QVERIFY2(head.contains("\r\nx-request-id: req_"), head.constData());
        QCOMPARE(head.count("cache-control:"), 1);
        QVERIFY(!head.contains("\r\nserver:"));
    }

    void anthropicAnswersAlsoCarryRequestId()
    {
        start();
        const QByteArray r = exchange(
            port(),
            "GET /v1/messages/nothing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        const QByteArray head = r.left(r.indexOf("\r\n\r\n") + 2);
        const auto idOf = [&](const QByteArray &name) {
            const qsizetype at = head.indexOf(QByteArray("\r\n" + name + ": "));
            return at < 0 ? QByteArray()
                          : head.mid(at + 4 + name.size(),
                                     head.indexOf("\r\n", at + 2) - at - 4 - name.size());
        };
        QVERIFY2(!idOf("request-id").isEmpty(), head.constData());
        QCOMPARE(idOf("request-id"), idOf("X-Request-Id"));
    }

    // A configured name passes the Host rule but is not loopback: even from this machine the
    // caller needs a client key (a tunnel or a LAN name must never make a caller trusted-local).
    void aConfiguredNameIsServedWithAKey()
    {
        const NewClientKey key = clientkey::generate();
        start({{u"ALLOWED_HOSTS"_s, u"proxy.lan"_s}, {u"QWEN_PROXY_API_KEYS"_s, key.key}});
        const QByteArray keyless =
            exchange(port(), post("/v1/chat/completions",
                                  "Host: proxy.lan:8765\r\nContent-Type: application/json\r\n"
                                  "Authorization: Bearer anything\r\nConnection: close\r\n"));
        QVERIFY2(keyless.startsWith("HTTP/1.1 401"), keyless.constData());
        const QByteArray r =
            exchange(port(), post("/v1/chat/completions",
                                  "Host: proxy.lan:8765\r\nContent-Type: application/json\r\n"
                                  "Authorization: Bearer " +
                                      key.key.toLatin1() + "\r\nConnection: close\r\n"));
        QVERIFY2(r.startsWith("HTTP/1.1 200"), r.constData());
    }
};

QTEST_GUILESS_MAIN(TestAdmissionE2E)
#include "tst_admission_e2e.moc"
