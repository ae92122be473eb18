// Upstream quirks through the whole proxy (docs/quirks.md): an HTML page instead of JSON, a tool
// call replayed after its fragments, a thinking model asked for a forced tool call, and which
// upstreams get DashScope's headers.
#include "logging/logging.h"
#include "proxyharness.h"
#include "upstream/chatcall.h"
#include "upstream/httpclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {
qint64 inOneHour()
{
    return QDateTime::currentMSecsSinceEpoch() + 3600 * 1000;
}

const QByteArray kWafPage = "<!DOCTYPE html>\n<html><head><title>Slide to verify</title></head>"
                            "<body><div id=\"nocaptcha\"></div></body></html>";

QJsonArray userHi()
{
    return QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}};
}

QJsonObject readTool()
{
    return QJsonObject{
        {u"type"_s, u"function"_s},
        {u"function"_s, QJsonObject{{u"name"_s, u"read"_s},
                                    {u"parameters"_s, QJsonObject{{u"type"_s, u"object"_s}}}}}};
}

QByteArray toolDelta(const QJsonObject &call)
{
    return FakeUpstream::chunk(QJsonObject{{u"tool_calls"_s, QJsonArray{call}}});
}

// A ChatSink that only records what a ChatCall reports.
class RecordingSink : public qp::ChatSink
{
public:
    void upstreamStarted() override {}
    void upstreamEvent(const QByteArray &) override {}
    void upstreamBody(const QByteArray &) override { done = true; }
    void upstreamEnded() override { done = true; }
    void upstreamFailed(const qp::Error &, bool) override { done = true; }
    bool done = false;
};
} // namespace

class TestQuirksE2E : public QObject
{
    Q_OBJECT
    std::unique_ptr<ProxyHarness> h;

    void startOAuth()
    {
        h = std::make_unique<ProxyHarness>();
        h->writeQwenCredentials(u"access-token-valid-0001"_s, inOneHour());
        QString err;
        QVERIFY2(h->start({}, &err), qPrintable(err));
    }
    void startApiKey()
    {
        h = std::make_unique<ProxyHarness>();
        QString err;
        QVERIFY2(h->start({{u"OPENAI_BASE_URL"_s, h->upstream().baseUrl()},
                           {u"OPENAI_API_KEY"_s, u"sk-test-quirks-0123456789"_s}},
                          &err),
                 qPrintable(err));
    }

private Q_SLOTS:
    void initTestCase() { qp::LogHub::instance().install(qp::LogHub::Level::Off); }
    void cleanup() { h.reset(); }

    // Quirk html-is-block: Alibaba's WAF answers 200 with a captcha page.
    void htmlPageIsA502_data()
    {
        QTest::addColumn<bool>("anthropic");
        QTest::addColumn<bool>("stream");
        QTest::addColumn<QByteArray>("contentType");
        for (bool anthropic : {false, true})
            for (bool stream : {false, true})
                for (const QByteArray type : {QByteArray("text/html; charset=utf-8"),
                                              QByteArray("application/octet-stream")}) {
                    const QByteArray tag = QByteArray(anthropic ? "messages" : "chat") +
                                           (stream ? " stream " : " ") + type.left(9);
                    QTest::newRow(tag.constData()) << anthropic << stream << type;
                }
    }
    void htmlPageIsA502()
    {
        QFETCH(bool, anthropic);
        QFETCH(bool, stream);
        QFETCH(QByteArray, contentType);
        startOAuth();
        h->upstream().on("/v1/chat/completions",
                         [contentType](const qp::http::HttpRequest &, qp::http::ResponseWriter *w) {
                             w->send(200, contentType, kWafPage);
                         });
        QJsonObject body{
            {u"model"_s, u"qwen3-coder-plus"_s}, {u"stream"_s, stream}, {u"messages"_s, userHi()}};
        if (anthropic)
            body.insert(u"max_tokens"_s, 100);
        const auto r = h->postJson(anthropic ? u"/v1/messages"_s : u"/v1/chat/completions"_s, body);
        QCOMPARE(r.status, 502);
        QVERIFY2(r.header("content-type").contains("application/json"), r.body.constData());
        const QJsonObject o = r.json();
        const QString message = o.value(u"error"_s).toObject().value(u"message"_s).toString();
        QVERIFY2(message.contains(u"HTML page instead of JSON"_s), r.body.constData());
        QVERIFY2(message.contains(u"Slide to verify"_s), r.body.constData());
        QVERIFY2(!message.contains(u"parse"_s, Qt::CaseInsensitive), r.body.constData());
        QVERIFY(!r.body.contains("<html"));
        if (anthropic) {
            QCOMPARE(o.value(u"type"_s).toString(), u"error"_s);
            QCOMPARE(o.value(u"error"_s).toObject().value(u"type"_s).toString(), u"api_error"_s);
        } else {
            QCOMPARE(o.value(u"error"_s).toObject().value(u"code"_s).toString(),
                     u"upstream_blocked"_s);
        }
    }

    // The bug this issue names: the OpenAI route forwarded the replayed call, so clients got the
    // arguments twice and could not parse them.
    void replayedToolCallReachesTheClientOnce()
    {
        startOAuth();
        const QString full = u"{\"path\":\"src/main.cpp\"}"_s;
        h->upstream().replySse({
            {0, toolDelta(QJsonObject{{u"index"_s, 0},
                                      {u"id"_s, u"call_abc"_s},
                                      {u"type"_s, u"function"_s},
                                      {u"function"_s, QJsonObject{{u"name"_s, u"read"_s},
                                                                  {u"arguments"_s, u""_s}}}})},
            {0, toolDelta(QJsonObject{
                    {u"index"_s, 0},
                    {u"function"_s, QJsonObject{{u"arguments"_s, u"{\"path\":\"src/"_s}}}})},
            {0, toolDelta(
                    QJsonObject{{u"index"_s, 0},
                                {u"function"_s, QJsonObject{{u"arguments"_s, u"main.cpp\"}"_s}}}})},
            {0, toolDelta(QJsonObject{
                    {u"index"_s, 0},
                    {u"id"_s, u"call_abc"_s},
                    {u"type"_s, u"function"_s},
                    {u"function"_s, QJsonObject{{u"name"_s, u"read"_s}, {u"arguments"_s, full}}}})},
            {0, FakeUpstream::chunk(QJsonObject{}, u"tool_calls"_s)},
            {0, FakeUpstream::usageChunk(10, 5)},
            {0, "[DONE]"},
        });
        const auto r =
            h->postJson(u"/v1/chat/completions"_s, QJsonObject{{u"model"_s, u"qwen3-coder-plus"_s},
                                                               {u"stream"_s, true},
                                                               {u"tools"_s, QJsonArray{readTool()}},
                                                               {u"messages"_s, userHi()}});
        QCOMPARE(r.status, 200);
        QStringList ids, names;
        QString args;
        QStringList finishes;
        for (const QByteArray &d : r.sseData()) {
            if (d == "[DONE]")
                continue;
            const QJsonObject ch = QJsonDocument::fromJson(d)
                                       .object()
                                       .value(u"choices"_s)
                                       .toArray()
                                       .first()
                                       .toObject();
            if (ch.value(u"finish_reason"_s).isString())
                finishes << ch.value(u"finish_reason"_s).toString();
            for (const auto &t : ch.value(u"delta"_s).toObject().value(u"tool_calls"_s).toArray()) {
                const QJsonObject tc = t.toObject();
                QCOMPARE(tc.value(u"index"_s).toInt(), 0);
                if (tc.contains(u"id"_s))
                    ids << tc.value(u"id"_s).toString();
                const QJsonObject fn = tc.value(u"function"_s).toObject();
                if (fn.contains(u"name"_s))
                    names << fn.value(u"name"_s).toString();
                args += fn.value(u"arguments"_s).toString();
            }
        }
        QCOMPARE(ids, QStringList{u"call_abc"_s});
        QCOMPARE(names, QStringList{u"read"_s});
        QCOMPARE(args, full);
        QCOMPARE(finishes, QStringList{u"tool_calls"_s});
    }

    // Quirk thinking-off-for-forced-tools, from both dialects.
    void thinkingModelWithForcedToolCall()
    {
        startOAuth();
        h->upstream().replyJson(
            200, QJsonObject{
                     {u"choices"_s,
                      QJsonArray{QJsonObject{{u"message"_s, QJsonObject{{u"content"_s, u"ok"_s}}},
                                             {u"finish_reason"_s, u"stop"_s}}}}});
        QCOMPARE(
            h->postJson(u"/v1/chat/completions"_s, QJsonObject{{u"model"_s, u"qwen3.8-max"_s},
                                                               {u"tools"_s, QJsonArray{readTool()}},
                                                               {u"tool_choice"_s, u"required"_s},
                                                               {u"max_tokens"_s, 500000},
                                                               {u"messages"_s, userHi()}})
                .status,
            200);
        QCOMPARE(h->postJson(u"/v1/messages"_s,
                             QJsonObject{
                                 {u"model"_s, u"qwen3.8-max"_s},
                                 {u"max_tokens"_s, 1000},
                                 {u"thinking"_s, QJsonObject{{u"type"_s, u"enabled"_s},
                                                             {u"budget_tokens"_s, 2048}}},
                                 {u"tools"_s,
                                  QJsonArray{QJsonObject{
                                      {u"name"_s, u"read"_s},
                                      {u"input_schema"_s, QJsonObject{{u"type"_s, u"object"_s}}}}}},
                                 {u"tool_choice"_s, QJsonObject{{u"type"_s, u"any"_s}}},
                                 {u"messages"_s, userHi()}})
                     .status,
                 200);
        const auto sent = h->upstream().requestsTo("/v1/chat/completions");
        QCOMPARE(sent.size(), 2);
        for (const auto &req : sent) {
            const QJsonObject b = req.json();
            QCOMPARE(b.value(u"model"_s).toString(), u"qwen3.8-max"_s);
            QCOMPARE(b.value(u"tool_choice"_s).toString(), u"required"_s);
            QCOMPARE(b.value(u"enable_thinking"_s), QJsonValue(false));
            QVERIFY(!b.contains(u"thinking_budget"_s));
        }
        QCOMPARE(sent.first().json().value(u"max_tokens"_s).toInt(), 131072);
        // Without a forced call the model keeps its default.
        QCOMPARE(
            h->postJson(u"/v1/chat/completions"_s, QJsonObject{{u"model"_s, u"qwen3.8-max"_s},
                                                               {u"tools"_s, QJsonArray{readTool()}},
                                                               {u"messages"_s, userHi()}})
                .status,
            200);
        QVERIFY(!h->upstream()
                     .requestsTo("/v1/chat/completions")
                     .last()
                     .json()
                     .contains(u"enable_thinking"_s));
    }

    // Quirks dashscope-headers and dashscope-oauth-authtype: OAuth accounts get all of them.
    void dashScopeHeadersToQwenOAuth()
    {
        startOAuth();
        h->upstream().replyJson(
            200, QJsonObject{
                     {u"choices"_s,
                      QJsonArray{QJsonObject{{u"message"_s, QJsonObject{{u"content"_s, u"ok"_s}}},
                                             {u"finish_reason"_s, u"stop"_s}}}}});
        QCOMPARE(
            h->postJson(u"/v1/chat/completions"_s, QJsonObject{{u"model"_s, u"qwen3-coder-plus"_s},
                                                               {u"top_k"_s, 20},
                                                               {u"messages"_s, userHi()}})
                .status,
            200);
        const auto req = h->upstream().requestsTo("/v1/chat/completions").first();
        QVERIFY2(req.header("user-agent").startsWith("QwenCode/"), req.header("user-agent"));
        QVERIFY(req.header("x-dashscope-useragent").startsWith("QwenCode/"));
        QCOMPARE(req.header("x-dashscope-cachecontrol"), QByteArray("enable"));
        QCOMPARE(req.header("x-dashscope-authtype"), QByteArray("qwen-oauth"));
        QCOMPARE(req.json().value(u"top_k"_s).toInt(), 20);
    }

    // ... a generic OpenAI-compatible upstream gets none of them, nor Qwen-only fields.
    void noDashScopeHeadersToGenericUpstream()
    {
        startApiKey();
        h->upstream().replyJson(
            200, QJsonObject{
                     {u"choices"_s,
                      QJsonArray{QJsonObject{{u"message"_s, QJsonObject{{u"content"_s, u"ok"_s}}},
                                             {u"finish_reason"_s, u"stop"_s}}}}});
        QCOMPARE(
            h->postJson(u"/v1/chat/completions"_s, QJsonObject{{u"model"_s, u"qwen3.8-max"_s},
                                                               {u"top_k"_s, 20},
                                                               {u"enable_thinking"_s, true},
                                                               {u"tools"_s, QJsonArray{readTool()}},
                                                               {u"tool_choice"_s, u"required"_s},
                                                               {u"messages"_s, userHi()}})
                .status,
            200);
        const auto req = h->upstream().requestsTo("/v1/chat/completions").first();
        QVERIFY2(req.header("user-agent").startsWith("qwen-proxy/"), req.header("user-agent"));
        for (const auto &hd : req.headers)
            QVERIFY2(!hd.first.toLower().startsWith("x-dashscope"), hd.first.constData());
        const QJsonObject b = req.json();
        QVERIFY(!b.contains(u"top_k"_s));
        QVERIFY(!b.contains(u"enable_thinking"_s));
        QCOMPARE(b.value(u"model"_s).toString(), u"qwen3.8-max"_s);
        // The models list for key users has the plans' models, not the OAuth tier's names.
        QStringList ids;
        for (const auto &m : h->get(u"/v1/models"_s).json().value(u"data"_s).toArray())
            ids << m.toObject().value(u"id"_s).toString();
        QVERIFY(ids.contains(u"qwen3.8-max"_s));
        QVERIFY(!ids.contains(u"coder-model"_s));
        QVERIFY(!ids.contains(u"vision-model"_s));
    }

    // An Alibaba key plan (qwen-key profile): DashScope headers, but never the OAuth auth type.
    void alibabaKeyPlanHeaders()
    {
        FakeUpstream fake;
        fake.replyJson(200, QJsonObject{{u"choices"_s, QJsonArray()}});
        qp::HttpClient client;
        qp::Upstream u;
        u.name = u"cp"_s;
        u.baseUrl = QUrl(fake.baseUrl());
        u.auth = qp::Upstream::Auth::ApiKey;
        u.apiKey = u"sk-sp-test-0123456789"_s;
        u.qwenQuirks = true; // what the Alibaba presets set
        RecordingSink sink;
        qp::ChatCall call(&client, nullptr, {}, u, R"({"model":"qwen3.6-plus","messages":[]})",
                          false, &sink);
        call.start();
        QTRY_VERIFY(sink.done);
        QCOMPARE(fake.count("/v1/chat/completions"), 1);
        const auto req = fake.requestsTo("/v1/chat/completions").first();
        QVERIFY(req.header("user-agent").startsWith("QwenCode/"));
        QVERIFY(req.header("x-dashscope-useragent").startsWith("QwenCode/"));
        QCOMPARE(req.header("authorization"), QByteArray("Bearer sk-sp-test-0123456789"));
        QVERIFY(req.header("x-dashscope-authtype").isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestQuirksE2E)
#include "tst_quirks_e2e.moc"
