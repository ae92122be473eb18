// Client keys through the running server and the real `qwen-proxy keys` command, the way a user
// sets up access from another machine: a LAN listen waits for a key; keys made by the CLI work
// within seconds and stop working within seconds of `keys revoke`; scopes, limits (429 with the
// headers the SDKs honour), slots given back on every exit path, and usage per key. The rules row
// by row: tests/core/tst_authorization.cpp and tst_keylimiter.cpp.
#include "access/clientkey.h"
#include "programrun.h"
#include "proxyharness.h"
#include "rawhttp.h"
#include "usage/usagestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkInterface>
#include <QProcess>
#include <QTcpSocket>
#include <QTest>

using namespace qp;
using namespace qp::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kChat =
    R"({"model":"qwen3-coder-plus","messages":[{"role":"user","content":"hi"}]})";

QByteArray exchange(const QHostAddress &to, quint16 port, const QByteArray &raw,
                    const QHostAddress &from = {})
{
    return rawExchange(to, port, raw, {}, from);
}

QByteArray chatRequest(const QByteArray &key, const QByteArray &path = "/v1/chat/completions",
                       const QByteArray &host = "localhost")
{
    QByteArray auth = key.isEmpty() ? QByteArray() : "Authorization: Bearer " + key + "\r\n";
    return "POST " + path + " HTTP/1.1\r\nHost: " + host +
           "\r\nContent-Type: application/json\r\n" + auth +
           "Connection: close\r\nContent-Length: " + QByteArray::number(kChat.size()) + "\r\n\r\n" +
           kChat;
}

QByteArray headerOf(const QByteArray &response, const QByteArray &name)
{
    const QByteArray head = response.left(response.indexOf("\r\n\r\n")).toLower();
    const qsizetype at = head.indexOf(QByteArray("\r\n" + name.toLower() + ":"));
    if (at < 0)
        return {};
    const qsizetype from = at + 2 + name.size() + 1;
    return response.mid(from, response.indexOf("\r\n", from) - from).trimmed();
}

QJsonObject bodyOf(const QByteArray &response)
{
    return QJsonDocument::fromJson(response.mid(response.indexOf("\r\n\r\n") + 4)).object();
}

} // namespace

class TestClientKeysE2E : public QObject
{
    Q_OBJECT
    std::unique_ptr<ProxyHarness> h;

    QString dataDir() const { return h->dataDir() + u"/data"_s; }

    // The real CLI on the harness's data dir; its standard output.
    QByteArray cli(QStringList args, int *exitCode = nullptr)
    {
        args << u"--data-dir"_s << dataDir();
        const ProgramRun r = runProgram(QStringLiteral(QP_BINARY_DIR "/src/cli/qwen-proxy"), args,
                                        QProcessEnvironment::systemEnvironment());
        if (exitCode)
            *exitCode = r.exitCode;
        return r.out.toUtf8();
    }
    QJsonObject createKey(QStringList options)
    {
        int rc = -1;
        const QByteArray out = cli(QStringList{u"keys"_s, u"create"_s, u"--json"_s} + options, &rc);
        if (rc != 0)
            return {};
        return QJsonDocument::fromJson(out).object();
    }

    bool start(QHash<QString, QString> env = {})
    {
        h = std::make_unique<ProxyHarness>();
        h->writeQwenCredentials(u"access-token-valid-0001"_s,
                                QDateTime::currentMSecsSinceEpoch() + 3600 * 1000);
        QString err;
        if (!h->start(env, &err)) {
            qWarning() << err;
            return false;
        }
        h->upstream().replyJson(200, FakeUpstream::completion(u"ok"_s, 10, 5));
        return true;
    }
    quint16 port() const { return h->runtime().port(); }
    // Until a key made by the CLI reaches the server (within its 1 s poll): true when a chat with
    // it succeeded, exactly once. (QTRY_VERIFY would evaluate a successful request twice.)
    bool firstChatSucceeds(const QByteArray &key)
    {
        return QTest::qWaitFor([&] { return chat(key).startsWith("HTTP/1.1 200"); }, 2000);
    }
    QByteArray chat(const QByteArray &key, const QByteArray &path = "/v1/chat/completions")
    {
        return exchange(QHostAddress::LocalHost, port(), chatRequest(key, path));
    }

private Q_SLOTS:
    void cleanup() { h.reset(); }

    void aLanListenWaitsForAKey()
    {
        h = std::make_unique<ProxyHarness>();
        h->writeQwenCredentials(u"access-token-valid-0001"_s,
                                QDateTime::currentMSecsSinceEpoch() + 3600 * 1000);
        QString err;
        QVERIFY(!h->start({{u"HOST"_s, u"0.0.0.0"_s}}, &err));
        QVERIFY2(err.contains(u"qwen-proxy keys create"_s), qPrintable(err));
        QVERIFY2(err.contains(u"0.0.0.0"_s), qPrintable(err));
        const QJsonObject made = createKey({u"--name"_s, u"laptop"_s});
        QVERIFY(made.value(u"key"_s).toString().startsWith(u"qpk_"_s));
        QVERIFY2(h->restart({}, &err), qPrintable(err));

        const QHostAddress external = externalIPv4();
        if (external.isNull())
            QSKIP("no non-loopback IPv4 address here; tst_authorization covers the rules");
        h->upstream().replyJson(200, FakeUpstream::completion(u"ok"_s, 10, 5));
        const QByteArray host = external.toString().toLatin1();
        const QByteArray keyless = exchange(
            external, port(), chatRequest("anything", "/v1/chat/completions", host), external);
        QVERIFY2(keyless.startsWith("HTTP/1.1 401"), keyless.constData());
        QCOMPARE(headerOf(keyless, "WWW-Authenticate"), QByteArray("Bearer"));
        QVERIFY(h->upstream().requests().isEmpty());
        const QByteArray keyed = exchange(
            external, port(),
            chatRequest(made.value(u"key"_s).toString().toLatin1(), "/v1/chat/completions", host),
            external);
        QVERIFY2(keyed.startsWith("HTTP/1.1 200"), keyed.constData());
        // /health stays open, with the short answer only.
        const QByteArray health = exchange(
            external, port(),
            "GET /health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n", external);
        QVERIFY2(health.startsWith("HTTP/1.1 200"), health.constData());
        QVERIFY(!bodyOf(health).contains(u"accounts"_s));
    }

    // 5,000 idle connections from one LAN host used to fill the cap and silence loopback /health:
    // one peer now holds at most max_connections_per_peer, and loopback always gets through.
    void aLanFloodLeavesLoopbackServed()
    {
        const QHostAddress external = externalIPv4();
        if (external.isNull())
            QSKIP("no non-loopback IPv4 address here; tst_listener covers the caps");
        const NewClientKey key = clientkey::generate();
        QVERIFY(start({{u"HOST"_s, u"0.0.0.0"_s},
                       {u"QWEN_PROXY_API_KEYS"_s, key.key},
                       {u"MAX_CONNECTIONS"_s, u"40"_s},
                       {u"MAX_CONNECTIONS_PER_PEER"_s, u"16"_s}}));
        std::vector<std::unique_ptr<QTcpSocket>> flood;
        for (int i = 0; i < 100; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            s->bind(external);
            s->connectToHost(external, port());
            flood.push_back(std::move(s));
        }
        // The other 84 are turned away (closed at once).
        auto closed = [&] {
            return std::count_if(flood.begin(), flood.end(), [](const auto &s) {
                return s->state() == QAbstractSocket::UnconnectedState;
            });
        };
        QTRY_COMPARE_WITH_TIMEOUT(closed(), 84, 10000);
        QCOMPARE(h->runtime().server().connectionCount(), 16);
        const QByteArray health =
            exchange(QHostAddress::LocalHost, port(),
                     "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        QVERIFY2(health.startsWith("HTTP/1.1 200"), health.constData());
        QVERIFY(bodyOf(health).contains(u"accounts"_s)); // the full answer for a local caller
    }

    void keysFromTheCliWorkAndRevokeWithinTwoSeconds()
    {
        QVERIFY(start({{u"REQUIRE_KEY"_s, u"always"_s}}));
        QVERIFY(chat("anything").startsWith("HTTP/1.1 401"));
        // Made while the server runs: picked up on a later request.
        const QJsonObject made = createKey({u"--name"_s, u"ci"_s});
        const QByteArray key = made.value(u"key"_s).toString().toLatin1();
        QVERIFY(!key.isEmpty());
        QVERIFY(firstChatSucceeds(key));
        // The key is not in the database, only its digest.
        QFile db(dataDir() + u"/qwen-proxy.sqlite"_s);
        QVERIFY(db.open(QIODevice::ReadOnly));
        QVERIFY(!db.readAll().contains(key.mid(13)));
        int rc = -1;
        cli({u"keys"_s, u"revoke"_s, made.value(u"id"_s).toString()}, &rc);
        QCOMPARE(rc, 0);
        QTRY_VERIFY_WITH_TIMEOUT(chat(key).startsWith("HTTP/1.1 401"), 2000);
        const QByteArray refused = chat(key);
        QCOMPARE(bodyOf(refused).value(u"error"_s).toObject().value(u"message"_s).toString(),
                 bodyOf(chat("qpk_aaaaaaaa_" + QByteArray(43, 'x')))
                     .value(u"error"_s)
                     .toObject()
                     .value(u"message"_s)
                     .toString()); // revoked and unknown read the same
        const QJsonArray listed =
            QJsonDocument::fromJson(cli({u"keys"_s, u"list"_s, u"--json"_s})).array();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0).toObject().value(u"state"_s).toString(), u"revoked"_s);
        QVERIFY(!listed.at(0).toObject().contains(u"digest"_s));
    }

    void refusalsComeInTheRoutesDialect()
    {
        QVERIFY(start({{u"REQUIRE_KEY"_s, u"always"_s}}));
        const QByteArray r = chat("anything", "/v1/messages");
        QVERIFY2(r.startsWith("HTTP/1.1 401"), r.constData());
        const QJsonObject body = bodyOf(r);
        QCOMPARE(body.value(u"type"_s).toString(), u"error"_s); // Anthropic's envelope
        QCOMPARE(body.value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"authentication_error"_s);
        const QByteArray o = chat("anything");
        QCOMPARE(bodyOf(o).value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"authentication_error"_s);
        const QByteArray q = exchange(QHostAddress::LocalHost, port(),
                                      "GET /v1/models?api_key=qpk_x HTTP/1.1\r\nHost: localhost\r\n"
                                      "Connection: close\r\n\r\n");
        QVERIFY2(q.startsWith("HTTP/1.1 400"), q.constData());
    }

    void scopesAndModels()
    {
        QVERIFY(start({{u"REQUIRE_KEY"_s, u"always"_s}}));
        const QByteArray inference = createKey({}).value(u"key"_s).toString().toLatin1();
        const QByteArray reader =
            createKey({u"--scopes"_s, u"read"_s}).value(u"key"_s).toString().toLatin1();
        QVERIFY(firstChatSucceeds(inference));
        const QByteArray metrics = "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: "
                                   "close\r\nAuthorization: Bearer ";
        QVERIFY(exchange(QHostAddress::LocalHost, port(), metrics + inference + "\r\n\r\n")
                    .startsWith("HTTP/1.1 403"));
        QVERIFY(exchange(QHostAddress::LocalHost, port(), metrics + reader + "\r\n\r\n")
                    .startsWith("HTTP/1.1 200"));
        QVERIFY(chat(reader).startsWith("HTTP/1.1 403")); // read only: no chats
        QVERIFY(chat(inference, "/auth/initiate").startsWith("HTTP/1.1 403"));

        // --model limits the models a key may ask for, in the route's dialect.
        const QByteArray coder =
            createKey({u"--model"_s, u"qwen3-coder-*"_s}).value(u"key"_s).toString().toLatin1();
        QVERIFY(firstChatSucceeds(coder)); // qwen3-coder-plus
        const int before = h->upstream().count("/v1/chat/completions");
        const QByteArray other =
            R"({"model":"qwen3-max","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})";
        for (const QByteArray &path :
             {QByteArray("/v1/chat/completions"), QByteArray("/v1/messages")}) {
            const QByteArray r =
                exchange(QHostAddress::LocalHost, port(),
                         "POST " + path +
                             " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                             "x-api-key: " +
                             coder + "\r\nConnection: close\r\nContent-Length: " +
                             QByteArray::number(other.size()) + "\r\n\r\n" + other);
            QVERIFY2(r.startsWith("HTTP/1.1 403"), r.constData());
            QVERIFY2(bodyOf(r)
                         .value(u"error"_s)
                         .toObject()
                         .value(u"message"_s)
                         .toString()
                         .contains(u"qwen3-max"_s),
                     r.constData());
        }
        QCOMPARE(h->upstream().count("/v1/chat/completions"), before);
    }

    void limitsAnswer429WithTheSdkHeaders()
    {
        QVERIFY(start({{u"REQUIRE_KEY"_s, u"always"_s}}));
        const QByteArray key =
            createKey({u"--rpm"_s, u"2"_s}).value(u"key"_s).toString().toLatin1();
        QVERIFY(firstChatSucceeds(key));
        QVERIFY(chat(key).startsWith("HTTP/1.1 200"));
        const QByteArray r = chat(key);
        QVERIFY2(r.startsWith("HTTP/1.1 429"), r.constData());
        const int retryMs = headerOf(r, "retry-after-ms").toInt();
        QVERIFY2(retryMs > 0 && retryMs <= 60000, r.constData());
        QCOMPARE(headerOf(r, "Retry-After").toInt(), (retryMs + 999) / 1000);
        QCOMPARE(headerOf(r, "x-should-retry"), QByteArray("true"));
        QCOMPARE(headerOf(r, "x-ratelimit-limit-requests"), QByteArray("2"));
        QCOMPARE(headerOf(r, "x-ratelimit-remaining-requests"), QByteArray("0"));
        QCOMPARE(headerOf(r, "anthropic-ratelimit-requests-limit"), QByteArray("2"));
        QVERIFY2(bodyOf(r)
                     .value(u"error"_s)
                     .toObject()
                     .value(u"type"_s)
                     .toString()
                     .startsWith(u"rate_limit"_s),
                 r.constData());
        QCOMPARE(h->upstream().count("/v1/chat/completions"), 2);
    }

    // 50 streams aborted mid-flight give their slots back; then 200 requests are all admitted.
    void concurrencySlotsComeBackOnEveryExitPath()
    {
        QVERIFY(start({{u"REQUIRE_KEY"_s, u"always"_s}}));
        const QByteArray key =
            createKey({u"--concurrency"_s, u"50"_s}).value(u"key"_s).toString().toLatin1();
        QVERIFY(firstChatSucceeds(key));
        h->upstream().replyHang();
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 50; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            s->connectToHost(QHostAddress::LocalHost, port());
            QVERIFY(s->waitForConnected(3000));
            s->write(chatRequest(key));
            held.push_back(std::move(s));
        }
        QTRY_COMPARE_WITH_TIMEOUT(h->upstream().count("/v1/chat/completions"), 51, 10000);
        const QByteArray over = chat(key);
        QVERIFY2(over.startsWith("HTTP/1.1 429"), over.constData());
        for (auto &s : held)
            s->abort();
        held.clear();
        h->upstream().replyJson(200, FakeUpstream::completion(u"ok"_s, 10, 5));
        QTRY_COMPARE_WITH_TIMEOUT(h->runtime().server().busyCount(), 0, 5000);
        for (int i = 0; i < 200; ++i) {
            const QByteArray r = chat(key);
            QVERIFY2(r.startsWith("HTTP/1.1 200"),
                     qPrintable(u"request %1: "_s.arg(i) + QString::fromLatin1(r.left(200))));
        }
    }

    void usagePerKey()
    {
        QVERIFY(start({{u"REQUIRE_KEY"_s, u"always"_s}}));
        const QJsonObject made = createKey({u"--name"_s, u"metered"_s});
        const QByteArray key = made.value(u"key"_s).toString().toLatin1();
        QVERIFY(firstChatSucceeds(key));
        QVERIFY(chat(key).startsWith("HTTP/1.1 200"));
        QVERIFY(!h->runtime().usage().flush());
        const QJsonObject report =
            QJsonDocument::fromJson(cli({u"keys"_s, u"usage"_s, u"--json"_s})).object();
        const QJsonArray keys = report.value(u"keys"_s).toArray();
        QCOMPARE(keys.size(), 1);
        const QJsonObject k = keys.at(0).toObject();
        QCOMPARE(k.value(u"id"_s).toString(), made.value(u"id"_s).toString());
        QCOMPARE(k.value(u"requests"_s).toInt(), 2);
        QCOMPARE(k.value(u"input_tokens"_s).toInt(), 20);
        QCOMPARE(k.value(u"output_tokens"_s).toInt(), 10);
    }

    void tokenLimitsCountWhatKeysUsed()
    {
        QVERIFY(start({{u"REQUIRE_KEY"_s, u"always"_s}}));
        const QByteArray key =
            createKey({u"--daily-tokens"_s, u"20"_s}).value(u"key"_s).toString().toLatin1();
        QVERIFY(firstChatSucceeds(key));               // 15 tokens
        QVERIFY(chat(key).startsWith("HTTP/1.1 200")); // 30: over
        const QByteArray r = chat(key);
        QVERIFY2(r.startsWith("HTTP/1.1 429"), r.constData());
        QCOMPARE(headerOf(r, "x-should-retry"), QByteArray("false"));
    }
};

QTEST_GUILESS_MAIN(TestClientKeysE2E)
#include "tst_clientkeys_e2e.moc"
