// Issue 9: any OpenAI-compatible upstream by API key, configured with the original
// Claude-to-OpenAI proxy's environment (OPENAI_BASE_URL/OPENAI_API_KEY, HAIKU_*).
#include "logging/logging.h"
#include "proxyharness.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {
const QString kKey = u"sk-test-main-key-0123456789"_s;
const QString kHaikuKey = u"sk-test-haiku-key-9876543210"_s;

QJsonObject completion(const QString &model)
{
    return QJsonObject{
        {u"id"_s, u"chatcmpl-k"_s},
        {u"object"_s, u"chat.completion"_s},
        {u"model"_s, model},
        {u"choices"_s,
         QJsonArray{QJsonObject{
             {u"index"_s, 0},
             {u"finish_reason"_s, u"stop"_s},
             {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s},
                                        {u"content"_s, QString(u"hi from "_s + model)}}}}}},
        {u"usage"_s, QJsonObject{{u"prompt_tokens"_s, 3}, {u"completion_tokens"_s, 2}}}};
}
QJsonObject openAIBody(const QString &model)
{
    return QJsonObject{
        {u"model"_s, model},
        {u"enable_thinking"_s, true},
        {u"tools"_s, QJsonArray{}},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"x"_s}}}}};
}
QJsonObject anthropicBody(const QString &model)
{
    return QJsonObject{
        {u"model"_s, model},
        {u"max_tokens"_s, 64000},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"x"_s}}}}};
}
} // namespace

class TestApiKey : public QObject
{
    Q_OBJECT
    std::unique_ptr<ProxyHarness> h;
    std::unique_ptr<FakeUpstream> haiku;

    void start(QHash<QString, QString> env = {})
    {
        h = std::make_unique<ProxyHarness>();
        env.insert(u"OPENAI_BASE_URL"_s, h->upstream().baseUrl());
        env.insert(u"OPENAI_API_KEY"_s, kKey);
        QString err;
        QVERIFY2(h->start(env, &err), qPrintable(err));
        h->upstream().replyJson(200, completion(u"main"_s));
        h->upstream().serveTokenRefresh();
    }

private Q_SLOTS:
    void initTestCase() { qp::LogHub::instance().install(qp::LogHub::Level::Off); }
    void cleanup()
    {
        h.reset();
        haiku.reset();
    }

    void severalKeysPoolAndRotate()
    {
        h = std::make_unique<ProxyHarness>();
        const QString second = u"sk-test-second-key-111111"_s;
        QString err;
        QVERIFY2(h->start({{u"OPENAI_BASE_URL"_s, h->upstream().baseUrl()},
                           {u"OPENAI_API_KEY"_s, kKey + u',' + second}},
                          &err),
                 qPrintable(err));
        QList<QByteArray> seen;
        h->upstream().on("/v1/chat/completions", [&](const qp::http::HttpRequest &req,
                                                     qp::http::ResponseWriter *w) {
            seen.append(req.header("authorization"));
            if (req.header("authorization") == "Bearer " + kKey.toUtf8())
                w->sendJson(
                    429,
                    QJsonObject{{u"error"_s,
                                 QJsonObject{{u"message"_s, u"You exceeded your current quota"_s},
                                             {u"code"_s, u"insufficient_quota"_s}}}});
            else
                w->sendJson(200, completion(u"second"_s));
        });
        for (int i = 0; i < 3; ++i)
            QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(u"m%1"_s.arg(i))).status,
                     200);
        QCOMPARE(seen,
                 (QList<QByteArray>{"Bearer " + kKey.toUtf8(), "Bearer " + second.toUtf8(),
                                    "Bearer " + second.toUtf8(), "Bearer " + second.toUtf8()}));
        const QJsonObject health = h->get(u"/health"_s).json();
        QCOMPARE(health.value(u"summary"_s).toObject().value(u"total"_s).toInt(), 2);
        QCOMPARE(health.value(u"summary"_s).toObject().value(u"cooling"_s).toInt(), 1);
        QVERIFY(!h->get(u"/health"_s).body.contains(second.toUtf8()));
    }

    void keyIsBearerAndNothingQwenSpecific()
    {
        start();
        const auto r = h->postJson(u"/v1/chat/completions"_s, openAIBody(u"qwen3-coder-plus"_s));
        QCOMPARE(r.status, 200);
        const auto rec = h->upstream().requestsTo("/v1/chat/completions").first();
        QCOMPARE(rec.header("authorization"), "Bearer " + kKey.toUtf8());
        for (const auto &hdr : rec.headers)
            QVERIFY2(!hdr.first.startsWith("x-dashscope"), hdr.first.constData());
        QVERIFY(!rec.header("user-agent").startsWith("QwenCode"));
        const QJsonObject sent = rec.json();
        QVERIFY(!sent.contains(u"enable_thinking"_s)); // Qwen-only field removed
        QVERIFY(!sent.contains(u"tools"_s));           // never tools: []
        QCOMPARE(sent.value(u"model"_s).toString(), u"qwen3-coder-plus"_s);
    }

    void modelMapping_data()
    {
        QTest::addColumn<QString>("client");
        QTest::addColumn<QString>("sent");
        QTest::newRow("known name passes through")
            << u"qwen3-coder-plus"_s << u"qwen3-coder-plus"_s;
        QTest::newRow("provider name passes through")
            << u"qwen/qwen3-coder:free"_s << u"qwen/qwen3-coder:free"_s;
        QTest::newRow("claude sonnet -> DEFAULT_MODEL")
            << u"claude-sonnet-4-5-20250929"_s << u"my-default"_s;
        QTest::newRow("claude opus -> DEFAULT_MODEL") << u"claude-opus-4-1"_s << u"my-default"_s;
        QTest::newRow("haiku without HAIKU settings")
            << u"claude-3-5-haiku-20241022"_s << u"my-default"_s; // no plan serves coder-flash
    }
    void modelMapping()
    {
        QFETCH(QString, client);
        QFETCH(QString, sent);
        start({{u"DEFAULT_MODEL"_s, u"my-default"_s}});
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(client)).status, 200);
        QCOMPARE(h->upstream()
                     .requestsTo("/v1/chat/completions")
                     .last()
                     .json()
                     .value(u"model"_s)
                     .toString(),
                 sent);
        QCOMPARE(h->postJson(u"/v1/messages"_s, anthropicBody(client)).status, 200);
        QCOMPARE(h->upstream()
                     .requestsTo("/v1/chat/completions")
                     .last()
                     .json()
                     .value(u"model"_s)
                     .toString(),
                 sent);
    }

    void haikuRouteReachesHaikuUpstream()
    {
        haiku = std::make_unique<FakeUpstream>();
        haiku->replyJson(200, completion(u"haiku"_s));
        start({{u"HAIKU_BASE_URL"_s, haiku->baseUrl()},
               {u"HAIKU_API_KEY"_s, kHaikuKey},
               {u"HAIKU_MODEL_NAME"_s, u"small-fast"_s}});
        // Claude Code's background request, both dialects.
        QCOMPARE(
            h->postJson(u"/v1/messages"_s, anthropicBody(u"claude-3-5-haiku-20241022"_s)).status,
            200);
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(u"claude-haiku-4-5"_s)).status,
                 200);
        QCOMPARE(haiku->count("/v1/chat/completions"), 2);
        for (const auto &rec : haiku->requestsTo("/v1/chat/completions")) {
            QCOMPARE(rec.json().value(u"model"_s).toString(), u"small-fast"_s);
            QCOMPARE(rec.header("authorization"), "Bearer " + kHaikuKey.toUtf8());
        }
        // A sonnet request goes to the main upstream.
        QCOMPARE(h->postJson(u"/v1/messages"_s, anthropicBody(u"claude-sonnet-4-5"_s)).status, 200);
        QCOMPARE(h->upstream().count("/v1/chat/completions"), 1);
        QCOMPARE(haiku->count("/v1/chat/completions"), 2);
    }

    void haikuModelNameAloneUsesMainUpstream()
    {
        start({{u"HAIKU_MODEL_NAME"_s, u"small-fast"_s}});
        QCOMPARE(h->postJson(u"/v1/messages"_s, anthropicBody(u"claude-3-5-haiku-latest"_s)).status,
                 200);
        const auto rec = h->upstream().requestsTo("/v1/chat/completions").first();
        QCOMPARE(rec.json().value(u"model"_s).toString(), u"small-fast"_s);
        QCOMPARE(rec.header("authorization"), "Bearer " + kKey.toUtf8());
    }

    void staticKey401IsClearAndNeverRefreshes()
    {
        start();
        h->upstream().replyJson(
            401, QJsonObject{{u"error"_s,
                              QJsonObject{{u"message"_s,
                                           QString(u"Incorrect API key provided: "_s + kKey)}}}});
        for (const QString path : {u"/v1/chat/completions"_s, u"/v1/messages"_s}) {
            const auto r = path.endsWith(u"messages")
                               ? h->postJson(path, anthropicBody(u"claude-sonnet-4-5"_s))
                               : h->postJson(path, openAIBody(u"qwen3-coder-plus"_s));
            QCOMPARE(r.status, 401);
            QVERIFY2(r.body.contains("127.0.0.1"), r.body.constData());    // names the upstream
            QVERIFY2(!r.body.contains(kKey.toUtf8()), r.body.constData()); // never the key
        }
        QCOMPARE(h->upstream().count("/v1/chat/completions"), 2); // no retry
        QCOMPARE(h->upstream().refreshCount(), 0);
    }

    void connectionErrorNamesHost()
    {
        h = std::make_unique<ProxyHarness>();
        QString err;
        QVERIFY(h->start(
            {{u"OPENAI_BASE_URL"_s, u"http://127.0.0.1:1/v1"_s}, {u"OPENAI_API_KEY"_s, kKey}},
            &err));
        const auto r = h->postJson(u"/v1/chat/completions"_s, openAIBody(u"m"_s));
        QCOMPARE(r.status, 502);
        QVERIFY(r.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"127.0.0.1"_s));
    }

    void invalidEnvironmentStopsStartup_data()
    {
        QTest::addColumn<QString>("var");
        QTest::addColumn<QString>("value");
        QTest::newRow("URL without scheme") << u"OPENAI_BASE_URL"_s << u"api.example.com/v1"_s;
        QTest::newRow("ftp URL") << u"OPENAI_BASE_URL"_s << u"ftp://example.com/v1"_s;
        QTest::newRow("not a URL") << u"HAIKU_BASE_URL"_s << u"http://"_s;
        QTest::newRow("key with whitespace") << u"OPENAI_API_KEY"_s << u"sk-abc def"_s;
        QTest::newRow("haiku key with newline") << u"HAIKU_API_KEY"_s << u"sk-abc\n"_s;
    }
    void invalidEnvironmentStopsStartup()
    {
        QFETCH(QString, var);
        QFETCH(QString, value);
        ProxyHarness p;
        QString err;
        QHash<QString, QString> env{{u"OPENAI_BASE_URL"_s, u"http://127.0.0.1:9/v1"_s}};
        env.insert(var, value);
        QVERIFY(!p.start(env, &err));
        QVERIFY2(err.startsWith(var + u":"_s), qPrintable(err));
        QVERIFY2(!err.contains(u"sk-abc"_s), qPrintable(err)); // secrets are not echoed
        QVERIFY(!err.contains(u'\n'));
    }

    void healthNamesUpstreamNotKey()
    {
        start();
        const auto r = h->get(u"/health"_s);
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value(u"upstream"_s).toString().contains(u"OpenAI-compatible"_s));
        QVERIFY(!r.body.contains(kKey.toUtf8()));
        QVERIFY(h->runtime().upstreamDescription().contains(h->upstream().baseUrl()));
    }

    void keyNeverLeaks()
    {
        start();
        h->upstream().replyJson(
            500, QJsonObject{
                     {u"error"_s, QJsonObject{{u"message"_s, QString(u"boom with "_s + kKey)}}}});
        h->postJson(u"/v1/chat/completions"_s, openAIBody(u"m"_s));
        h->postJson(u"/v1/messages"_s, anthropicBody(u"claude-sonnet-4-5"_s));
        qWarning() << "a log line that mentions" << kKey;
        for (const auto &e : qp::LogHub::instance().recent(2000))
            QVERIFY2(!e.message.contains(kKey), qPrintable(e.message));
        QDirIterator it(h->dataDir(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains(kKey.toUtf8()), qPrintable(f.fileName()));
        }
    }
};

QTEST_GUILESS_MAIN(TestApiKey)
#include "tst_apikey.moc"
