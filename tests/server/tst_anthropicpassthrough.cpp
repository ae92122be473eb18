// Full stack: Anthropic clients passed through verbatim to an Anthropic-compatible provider
// (Alibaba's /apps/anthropic endpoints), added through the ProviderService as `qwen-proxy
// provider add` does. The fake provider must receive the client's body byte for byte (the model
// aside when the route maps it), and the client the provider's answer byte for byte.
#include "protocol/anthropicstreamchecker.h"
#include "providers/providerservice.h"
#include "proxyharness.h"
#include "usage/usagestore.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {

const QByteArray kPath = "/apps/anthropic/v1/messages";

// The client's bytes: odd spacing and key order a re-serialization would not keep.
QByteArray clientBody(bool stream, const QByteArray &model = "qwen3-coder-plus")
{
    return "{ \"model\" : \"" + model + "\", \"stream\":" + (stream ? "true" : "false") +
           ",\"max_tokens\":32000, \"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1.0e3},"
           "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
           "\"h\\u00e9llo\","
           "\"cache_control\":{\"type\":\"ephemeral\"}}]}],\"metadata\":{\"user_id\":\"u1\"} }";
}

QByteArray frame(const QByteArray &event, const QByteArray &data)
{
    return "event: " + event + "\ndata: " + data + "\n\n";
}

const QByteArray kStream =
    frame("message_start",
          R"({"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant",)"
          R"("model":"qwen3-coder-plus","content":[],"stop_reason":null,"stop_sequence":null,)"
          R"("usage":{"input_tokens":30,"cache_creation_input_tokens":0,)"
          R"("cache_read_input_tokens":12,"output_tokens":1}}})") +
    frame("ping", R"({"type": "ping"})") +
    frame("content_block_start",
          R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})") +
    frame("content_block_delta",
          R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})") +
    frame("content_block_stop", R"({"type":"content_block_stop","index":0})") +
    frame("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn",)"
                           R"("stop_sequence":null},"usage":{"output_tokens":7}})") +
    frame("message_stop", R"({"type":"message_stop"})");

QByteArray errorJson(const QByteArray &type, const QByteArray &message)
{
    return R"({"type":"error","error":{"type":")" + type + R"(","message":")" + message + "\"}}";
}

} // namespace

class TestAnthropicPassthrough : public QObject
{
    Q_OBJECT
    std::unique_ptr<ProxyHarness> h;
    std::unique_ptr<FakeUpstream> second;

    void start()
    {
        h = std::make_unique<ProxyHarness>();
        QString err;
        // No Qwen login: the providers added below are the only upstreams.
        QVERIFY2(h->start({{u"RETRY_BACKOFF_MS"_s, u"0"_s}}, &err), qPrintable(err));
    }
    bool addProvider(const QString &id, const QString &preset, const QString &baseUrl,
                     const QString &key)
    {
        qp::AddProviderRequest r;
        r.id = id;
        r.preset = preset;
        r.baseUrl = baseUrl;
        r.models = {u"qwen3-coder-plus"_s};
        r.apiKey = key;
        r.proxyUrl = u"direct"_s;
        // A provider header of its own (also: main's ProviderStore cannot store none yet).
        r.headers = {{"X-Provider-Tag", id.toUtf8()}};
        std::optional<qp::Result<qp::ProviderConfig>> out;
        QEventLoop loop;
        h->runtime().providers().add(r, [&](qp::Result<qp::ProviderConfig> c) {
            out = std::move(c);
            loop.quit();
        });
        if (!out)
            loop.exec();
        if (!out->ok())
            qWarning() << "provider add failed:" << out->error().message;
        return out->ok();
    }
    QString anthropicBase(FakeUpstream &f) const
    {
        return u"http://127.0.0.1:%1/apps/anthropic"_s.arg(f.port());
    }
    void addAnthropicProvider()
    {
        QVERIFY(addProvider(u"alib"_s, u"anthropic"_s, anthropicBase(h->upstream()),
                            u"sk-alib-0001"_s));
    }
    void serveStream(FakeUpstream &f, const QByteArray &bytes, bool drop = false)
    {
        // In pieces that cut frames and lines, as a network would.
        QList<SseStep> steps;
        for (qsizetype i = 0; i < bytes.size(); i += 97)
            steps.append({i ? 2 : 0, bytes.mid(i, 97), true});
        f.on(kPath, [&f, steps, drop](const qp::http::HttpRequest &, qp::http::ResponseWriter *w) {
            f.runSse(w, steps, drop);
        });
    }
    QList<qp::UsageRecord> usageLog()
    {
        h->runtime().usage().flush();
        auto log = h->runtime().usage().requestLog(qp::RequestLogQuery{});
        return log ? log.value() : QList<qp::UsageRecord>{};
    }

private Q_SLOTS:
    void cleanup()
    {
        h.reset();
        second.reset();
    }

    void streamPassesThroughVerbatim()
    {
        start();
        addAnthropicProvider();
        serveStream(h->upstream(), kStream);
        const QByteArray body = clientBody(true);
        const auto r = h->post(u"/v1/messages?beta=true"_s, body,
                               {{"x-api-key", "client-key"},
                                {"anthropic-version", "2023-06-01"},
                                {"anthropic-beta", "interleaved-thinking-2025-05-14,"
                                                   "fine-grained-tool-streaming-2025-05-14"}});
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("text/event-stream"));
        QCOMPARE(r.body, kStream); // no pings or events of ours, not a byte changed
        QVERIFY(qp::anthropic::checkAnthropicStream(r.body).isEmpty());

        QCOMPARE(h->upstream().requests().size(), 1);
        const RecordedRequest &sent = h->upstream().requests().first();
        QCOMPARE(sent.path, kPath);
        QCOMPARE(sent.body, body);
        QCOMPARE(sent.header("x-api-key"), QByteArray("sk-alib-0001")); // the provider's key
        QCOMPARE(sent.header("authorization"), QByteArray("Bearer sk-alib-0001"));
        QCOMPARE(sent.header("anthropic-version"), QByteArray("2023-06-01"));
        QCOMPARE(
            sent.header("anthropic-beta"),
            QByteArray("interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14"));
        QCOMPARE(sent.header("x-provider-tag"), QByteArray("alib"));
        for (const auto &hd : sent.headers)
            QVERIFY2(!hd.first.startsWith("x-dashscope"), hd.first.constData());

        // Usage from message_start and message_delta: 30 + 12 cached in, 7 out.
        QList<qp::UsageRecord> log;
        QTRY_VERIFY((log = usageLog()).size() == 1);
        const qp::UsageRecord &u = log.first();
        QCOMPARE(u.status, 200);
        QCOMPARE(u.dialect, u"anthropic"_s);
        QCOMPARE(u.inputTokens, 42);
        QCOMPARE(u.cachedTokens, 12);
        QCOMPARE(u.outputTokens, 7);
        QCOMPARE(u.model, u"qwen3-coder-plus"_s);
        QVERIFY(u.errorClass.isEmpty());
    }

    void mappedModelIsTheOnlyChange()
    {
        start();
        addAnthropicProvider();
        serveStream(h->upstream(), kStream);
        const QByteArray body = clientBody(true, "claude-sonnet-4-5");
        const auto r = h->post(u"/v1/messages"_s, body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, kStream);
        QByteArray expected = body;
        expected.replace("\"claude-sonnet-4-5\"", "\"qwen3-coder-plus\""); // the provider default
        QCOMPARE(h->upstream().requests().first().body, expected);
        // Sent without anthropic-version by the client: the default one.
        QCOMPARE(h->upstream().requests().first().header("anthropic-version"),
                 QByteArray("2023-06-01"));
    }

    void nonStreamPassesThroughVerbatim()
    {
        start();
        addAnthropicProvider();
        const QByteArray answer =
            R"({"id":"msg_02","type":"message","role":"assistant","model":"qwen3-coder-plus",)"
            R"("content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn",)"
            R"("stop_sequence":null,"usage":{"input_tokens":9,"cache_read_input_tokens":3,)"
            R"("output_tokens":2}})";
        h->upstream().on(kPath,
                         [answer](const qp::http::HttpRequest &, qp::http::ResponseWriter *w) {
                             w->send(200, "application/json", answer);
                         });
        const QByteArray body = clientBody(false);
        const auto r = h->post(u"/anthropic/v1/messages"_s, body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, answer);
        QCOMPARE(h->upstream().requests().first().body, body);
        QCOMPARE(h->upstream().requests().first().header("accept"), QByteArray("application/json"));
        QList<qp::UsageRecord> log;
        QTRY_VERIFY((log = usageLog()).size() == 1);
        QCOMPARE(log.first().inputTokens, 12);
        QCOMPARE(log.first().outputTokens, 2);
    }

    void upstreamErrorsReachTheClientInAnthropicShape_data()
    {
        QTest::addColumn<int>("upstreamStatus");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<int>("attempts"); // transient ones are retried first
        QTest::addColumn<int>("status");
        QTest::newRow("529 overloaded") << 529 << QByteArray("overloaded_error") << 3 << 529;
        QTest::newRow("429 rate limit") << 429 << QByteArray("rate_limit_error") << 3 << 429;
        QTest::newRow("401 auth") << 401 << QByteArray("authentication_error") << 1 << 401;
        QTest::newRow("400 invalid") << 400 << QByteArray("invalid_request_error") << 1 << 400;
    }
    void upstreamErrorsReachTheClientInAnthropicShape()
    {
        QFETCH(int, upstreamStatus);
        QFETCH(QByteArray, type);
        QFETCH(int, attempts);
        QFETCH(int, status);
        start();
        addAnthropicProvider();
        h->upstream().on(kPath, [=](const qp::http::HttpRequest &, qp::http::ResponseWriter *w) {
            w->send(upstreamStatus, "application/json", errorJson(type, "upstream says no"));
        });
        const auto r = h->post(u"/v1/messages"_s, clientBody(true));
        QCOMPARE(r.status, status);
        QCOMPARE(r.json().value(u"type"_s).toString(), u"error"_s);
        QCOMPARE(r.json().value(u"error"_s).toObject().value(u"type"_s).toString(),
                 QString::fromLatin1(type));
        QVERIFY(r.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"upstream says no"_s));
        QCOMPARE(h->upstream().count(kPath), attempts);
    }

    void inBandErrorBeforeAnythingIsAnHttpError()
    {
        start();
        addAnthropicProvider();
        serveStream(h->upstream(), frame("error", errorJson("overloaded_error", "Overloaded")));
        const auto r = h->post(u"/v1/messages"_s, clientBody(true));
        QCOMPARE(r.status, 529); // nothing was streamed: a plain error, after the retries
        QCOMPARE(r.json().value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"overloaded_error"_s);
        QCOMPARE(h->upstream().count(kPath), 3);
    }

    void inBandErrorMidStreamIsPassedOn()
    {
        start();
        addAnthropicProvider();
        const QByteArray head = kStream.left(kStream.indexOf("event: content_block_stop"));
        const QByteArray err = frame("error", errorJson("api_error", "boom"));
        serveStream(h->upstream(), head + err);
        const auto r = h->post(u"/v1/messages"_s, clientBody(true));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, head + err);
        QList<qp::UsageRecord> log;
        QTRY_VERIFY((log = usageLog()).size() == 1);
        QCOMPARE(log.first().errorClass, u"transient"_s);
        QCOMPARE(log.first().inputTokens, 42); // message_start's usage still counts
    }

    void cutStreamEndsWithAnErrorEvent()
    {
        start();
        addAnthropicProvider();
        const QByteArray head = kStream.left(kStream.indexOf("event: content_block_stop"));
        serveStream(h->upstream(), head, true);
        const auto r = h->post(u"/v1/messages"_s, clientBody(true));
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.startsWith(head));
        const auto events = qp::anthropic::parseSseEvents(r.body);
        QCOMPARE(events.last().first, u"error"_s);
        QCOMPARE(events.last().second.value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"api_error"_s);
    }

    void quotaRotatesToTheNextProvider()
    {
        start();
        second = std::make_unique<FakeUpstream>();
        addAnthropicProvider();
        QVERIFY(addProvider(u"alib2"_s, u"anthropic"_s, anthropicBase(*second), u"sk-two"_s));
        h->upstream().on(kPath, [](const qp::http::HttpRequest &, qp::http::ResponseWriter *w) {
            w->send(429, "application/json",
                    errorJson("rate_limit_error", "You have exceeded your quota for this month"));
        });
        serveStream(*second, kStream);
        const QByteArray body = clientBody(true);
        const auto r = h->post(u"/v1/messages"_s, body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, kStream);
        QCOMPARE(h->upstream().count(kPath), 1); // quota: no retry on the spent one
        QCOMPARE(second->requests().first().body, body);
        QCOMPARE(second->requests().first().header("x-api-key"), QByteArray("sk-two"));
    }

    void rotationToAnOpenAIProviderTranslates()
    {
        start();
        second = std::make_unique<FakeUpstream>();
        addAnthropicProvider();
        QVERIFY(addProvider(u"oai"_s, u"custom"_s, second->baseUrl(), u"sk-oai"_s));
        h->upstream().on(kPath, [](const qp::http::HttpRequest &, qp::http::ResponseWriter *w) {
            w->send(401, "application/json", errorJson("authentication_error", "bad key"));
        });
        second->replySse({{0, FakeUpstream::chunk(QJsonObject{{u"role"_s, u"assistant"_s},
                                                              {u"content"_s, u"Hello"_s}})},
                          {0, FakeUpstream::chunk(QJsonObject{}, u"stop"_s)},
                          {0, FakeUpstream::usageChunk(5, 1)},
                          {0, "[DONE]"}});
        const auto r = h->post(u"/v1/messages"_s, clientBody(true));
        QCOMPARE(r.status, 200);
        QVERIFY(qp::anthropic::checkAnthropicStream(r.body).isEmpty());
        const QJsonObject msg = qp::anthropic::accumulateAnthropicStream(r.body);
        QCOMPARE(msg.value(u"content"_s).toArray().first().toObject().value(u"text"_s).toString(),
                 u"Hello"_s);
        // The OpenAI provider got a chat/completions body, not the Anthropic one.
        const QJsonObject sent = second->requestsTo("/v1/chat/completions").first().json();
        QVERIFY(sent.value(u"messages"_s).isArray());
        QCOMPARE(sent.value(u"messages"_s).toArray().first().toObject().value(u"role"_s).toString(),
                 u"user"_s);
        QCOMPARE(second->requestsTo("/v1/chat/completions").first().header("authorization"),
                 QByteArray("Bearer sk-oai"));
    }

    void openAIClientsNeverReachIt()
    {
        start();
        addAnthropicProvider();
        const QJsonObject chat{{u"model"_s, u"qwen3-coder-plus"_s},
                               {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                      {u"content"_s, u"hi"_s}}}}};
        const auto r = h->postJson(u"/v1/chat/completions"_s, chat);
        QVERIFY2(r.status >= 400, r.body.constData());
        QVERIFY(r.json().value(u"error"_s).isObject());
        // Pinned to its account, too.
        const auto p = h->postJson(u"/v1/chat/completions"_s, chat, {{"X-Qwen-Account", "alib"}});
        QVERIFY2(p.status >= 400, p.body.constData());
        QCOMPARE(h->upstream().requests().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAnthropicPassthrough)
#include "tst_anthropicpassthrough.moc"
