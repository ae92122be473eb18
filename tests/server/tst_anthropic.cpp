// Full stack: the Anthropic Messages routes against the fake upstream, every streamed answer run
// through the stream-invariant checker and accumulated as the Anthropic SDK would.
#include "proxyharness.h"

#include "logging/logging.h"
#include "protocol/anthropicstreamchecker.h"
#include "tokenizer/tokencount.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {
QJsonObject messagesBody(bool stream, const QString &model = u"claude-sonnet-4-5"_s)
{
    return QJsonObject{{u"model"_s, model},
                       {u"max_tokens"_s, 32000},
                       {u"stream"_s, stream},
                       {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                              {u"content"_s, u"hello"_s}}}}};
}
QByteArray tc(const QJsonObject &call)
{
    return FakeUpstream::chunk(QJsonObject{{u"tool_calls"_s, QJsonArray{call}}});
}
} // namespace

class TestAnthropic : public QObject
{
    Q_OBJECT
    std::unique_ptr<ProxyHarness> h;
    void start(const QHash<QString, QString> &env = {})
    {
        h = std::make_unique<ProxyHarness>();
        h->writeQwenCredentials(u"access-token-valid-0001"_s,
                                QDateTime::currentMSecsSinceEpoch() + 3600000);
        QString err;
        QVERIFY2(h->start(env, &err), qPrintable(err));
    }
    void checkStream(const QByteArray &body)
    {
        const QStringList problems = qp::anthropic::checkAnthropicStream(body);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"\n"_s) + u"\n"_s + QString::fromUtf8(body)));
    }

private Q_SLOTS:
    void cleanup() { h.reset(); }

    void streamText_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("/v1/messages") << u"/v1/messages?beta=true"_s;
        QTest::newRow("/anthropic/v1/messages") << u"/anthropic/v1/messages"_s;
    }
    void streamText()
    {
        QFETCH(QString, path);
        start();
        h->upstream().replySse({{0, FakeUpstream::chunk(QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u"Hel"_s}})},
                                {0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"lo"_s}})},
                                {0, FakeUpstream::chunk(QJsonObject{}, u"stop"_s)},
                                {0, FakeUpstream::usageChunk(12, 2, 4)},
                                {0, "[DONE]"}});
        const auto r = h->postJson(path, messagesBody(true),
                                   {{"x-api-key", "anything"}, {"anthropic-version", "2023-06-01"},
                                    {"anthropic-beta", "fine-grained-tool-streaming-2025-05-14"}});
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("text/event-stream"));
        checkStream(r.body);
        const QJsonObject msg = qp::anthropic::accumulateAnthropicStream(r.body);
        QCOMPARE(msg.value(u"content"_s).toArray().first().toObject().value(u"text"_s).toString(), u"Hello"_s);
        QCOMPARE(msg.value(u"stop_reason"_s).toString(), u"end_turn"_s);
        QCOMPARE(msg.value(u"model"_s).toString(), u"claude-sonnet-4-5"_s);
        const QJsonObject usage = msg.value(u"usage"_s).toObject();
        QCOMPARE(usage.value(u"output_tokens"_s).toInt(), 2);
        QCOMPARE(usage.value(u"cache_read_input_tokens"_s).toInt(), 4);
        // The sonnet name went upstream as the default model, with usage requested.
        const QJsonObject sent = h->upstream().requestsTo("/v1/chat/completions").first().json();
        QCOMPARE(sent.value(u"model"_s).toString(), u"qwen3-coder-plus"_s);
        QCOMPARE(sent.value(u"max_tokens"_s).toInt(), 32000);
        QVERIFY(sent.value(u"stream_options"_s).toObject().value(u"include_usage"_s).toBool());
    }

    void streamParallelToolCalls()
    {
        start();
        h->upstream().replySse({{0, tc({{u"index"_s, 0}, {u"id"_s, u"call_1"_s}, {u"type"_s, u"function"_s},
                                        {u"function"_s, QJsonObject{{u"name"_s, u"Read"_s}, {u"arguments"_s, u"{'file_path': 'a.txt',}"_s}}}})},
                                {0, tc({{u"index"_s, 1}, {u"id"_s, u"call_2"_s},
                                        {u"function"_s, QJsonObject{{u"name"_s, u"Bash"_s}, {u"arguments"_s, u"{\"command\":"_s}}}})},
                                {0, tc({{u"index"_s, 1}, {u"function"_s, QJsonObject{{u"arguments"_s, u"\"ls\"}"_s}}}})},
                                {0, FakeUpstream::chunk(QJsonObject{}, u"tool_calls"_s)},
                                {0, FakeUpstream::usageChunk(30, 9)},
                                {0, "[DONE]"}});
        QJsonObject body = messagesBody(true);
        body.insert(u"tools"_s, QJsonArray{
            QJsonObject{{u"name"_s, u"Read"_s}, {u"description"_s, u"read"_s},
                        {u"input_schema"_s, QJsonObject{{u"type"_s, u"object"_s}, {u"$schema"_s, u"x"_s}}}},
            QJsonObject{{u"name"_s, u"Bash"_s}, {u"input_schema"_s, QJsonObject{{u"type"_s, u"object"_s}}}}});
        const auto r = h->postJson(u"/v1/messages"_s, body);
        QCOMPARE(r.status, 200);
        checkStream(r.body);
        const QJsonObject msg = qp::anthropic::accumulateAnthropicStream(r.body);
        const QJsonArray content = msg.value(u"content"_s).toArray();
        QCOMPARE(content.size(), 2);
        QCOMPARE(content.at(0).toObject().value(u"name"_s).toString(), u"Read"_s);
        QCOMPARE(content.at(0).toObject().value(u"input"_s).toObject().value(u"file_path"_s).toString(), u"a.txt"_s);
        QCOMPARE(content.at(1).toObject().value(u"input"_s).toObject().value(u"command"_s).toString(), u"ls"_s);
        QCOMPARE(msg.value(u"stop_reason"_s).toString(), u"tool_use"_s);
        const QJsonObject sent = h->upstream().requestsTo("/v1/chat/completions").first().json();
        QCOMPARE(sent.value(u"tools"_s).toArray().size(), 2);
        QVERIFY(!sent.value(u"tools"_s).toArray().first().toObject().value(u"function"_s).toObject()
                     .value(u"parameters"_s).toObject().contains(u"$schema"_s));
    }

    // A whole answer's input-token estimate is counted only for the request's log line, and only
    // when the upstream reported no usage (the line then waits for it): the line still has it.
    void wholeAnswerLogLineInputTokens()
    {
        qp::LogHub::instance().install(qp::LogHub::Level::Off); // the ring only, no console
        QLoggingCategory::setFilterRules(u"qp.server.request.info=true"_s);
        auto restore = qScopeGuard(
            [] { qp::LogHub::instance().setConsoleLevel(qp::LogHub::Level::Off); });
        start();
        QJsonObject noUsage = FakeUpstream::completion(u"hi"_s);
        noUsage.remove(u"usage"_s);
        h->upstream().replyJson(200, noUsage);
        QCOMPARE(h->postJson(u"/anthropic/v1/messages"_s, messagesBody(false)).status, 200);
        h->upstream().replyJson(200, FakeUpstream::completion(u"hi"_s, 777, 5));
        QCOMPARE(h->postJson(u"/v1/messages"_s, messagesBody(false)).status, 200);
        const auto lineFor = [](const QString &path) {
            for (const qp::LogEntry &e : qp::LogHub::instance().recent(qp::LogHub::capacity))
                if (e.category == u"qp.server.request" && e.message.contains(u' ' + path + u' '))
                    return e.message;
            return QString();
        };
        const int estimate = qp::countAnthropicInputTokens(messagesBody(false));
        QVERIFY(estimate > 0);
        QTRY_VERIFY(!lineFor(u"/anthropic/v1/messages"_s).isEmpty());
        QVERIFY2(lineFor(u"/anthropic/v1/messages"_s).contains(u" in=%1 "_s.arg(estimate)),
                 qPrintable(lineFor(u"/anthropic/v1/messages"_s)));
        QTRY_VERIFY(!lineFor(u"/v1/messages"_s).isEmpty());
        QVERIFY2(lineFor(u"/v1/messages"_s).contains(u" in=777 out=5"_s),
                 qPrintable(lineFor(u"/v1/messages"_s)));
    }

    void toolRoundTripNonStream()
    {
        start();
        h->upstream().replyJson(200, QJsonObject{
            {u"id"_s, u"chatcmpl-9"_s}, {u"object"_s, u"chat.completion"_s}, {u"model"_s, u"qwen3-coder-plus"_s},
            {u"choices"_s, QJsonArray{QJsonObject{{u"index"_s, 0}, {u"finish_reason"_s, u"stop"_s},
                {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u"Done."_s}}}}}},
            {u"usage"_s, QJsonObject{{u"prompt_tokens"_s, 50}, {u"completion_tokens"_s, 2}}}});
        QJsonObject body = messagesBody(false);
        body.insert(u"messages"_s, QJsonArray{
            QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"list files"_s}},
            QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, QJsonArray{
                QJsonObject{{u"type"_s, u"tool_use"_s}, {u"id"_s, u"toolu_1"_s}, {u"name"_s, u"Bash"_s},
                            {u"input"_s, QJsonObject{{u"command"_s, u"ls"_s}}}}}}},
            QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, QJsonArray{
                QJsonObject{{u"type"_s, u"tool_result"_s}, {u"tool_use_id"_s, u"toolu_1"_s}, {u"content"_s, u"a.txt"_s}}}}}});
        const auto r = h->postJson(u"/v1/messages"_s, body);
        QCOMPARE(r.status, 200);
        const QJsonObject msg = r.json();
        QCOMPARE(msg.value(u"type"_s).toString(), u"message"_s);
        QVERIFY(msg.value(u"id"_s).toString().startsWith(u"msg_"_s));
        QCOMPARE(msg.value(u"content"_s).toArray().first().toObject().value(u"text"_s).toString(), u"Done."_s);
        const QJsonArray sentMessages = h->upstream().requestsTo("/v1/chat/completions").first().json()
                                            .value(u"messages"_s).toArray();
        QCOMPARE(sentMessages.size(), 3);
        QCOMPARE(sentMessages.at(1).toObject().value(u"tool_calls"_s).toArray().first().toObject()
                     .value(u"id"_s).toString(), u"toolu_1"_s);
        QCOMPARE(sentMessages.at(2).toObject().value(u"role"_s).toString(), u"tool"_s);
        QCOMPARE(sentMessages.at(2).toObject().value(u"tool_call_id"_s).toString(), u"toolu_1"_s);
    }

    void imageGoesToVisionModel()
    {
        start();
        h->upstream().replyJson(200, QJsonObject{{u"choices"_s, QJsonArray{QJsonObject{
            {u"message"_s, QJsonObject{{u"content"_s, u"a cat"_s}}}, {u"finish_reason"_s, u"stop"_s}}}}});
        QJsonObject body = messagesBody(false);
        body.insert(u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, QJsonArray{
            QJsonObject{{u"type"_s, u"image"_s}, {u"source"_s, QJsonObject{{u"type"_s, u"base64"_s},
                {u"media_type"_s, u"image/png"_s}, {u"data"_s, u"iVBORw0KGgo="_s}}}},
            QJsonObject{{u"type"_s, u"text"_s}, {u"text"_s, u"what is it?"_s}}}}}});
        QCOMPARE(h->postJson(u"/v1/messages"_s, body).status, 200);
        const QJsonObject sent = h->upstream().requestsTo("/v1/chat/completions").first().json();
        QCOMPARE(sent.value(u"model"_s).toString(), u"vision-model"_s);
        QVERIFY(QJsonDocument(sent).toJson().contains("data:image/png;base64,iVBORw0KGgo="));
    }

    void errorsInAnthropicShape_data()
    {
        QTest::addColumn<int>("upstreamStatus");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("type");
        QTest::newRow("429 forwarded") << 429 << 429 << u"rate_limit_error"_s;
        QTest::newRow("500 -> 502") << 500 << 502 << u"api_error"_s;
        QTest::newRow("400") << 400 << 400 << u"invalid_request_error"_s;
    }
    void errorsInAnthropicShape()
    {
        QFETCH(int, upstreamStatus);
        QFETCH(int, status);
        QFETCH(QString, type);
        start();
        h->upstream().replyJson(upstreamStatus, QJsonObject{{u"error"_s, QJsonObject{{u"message"_s, u"nope"_s}}}},
                                {{"Retry-After", "3"}});
        for (bool stream : {true, false}) {
            const auto r = h->postJson(u"/v1/messages"_s, messagesBody(stream));
            QCOMPARE(r.status, status);
            QCOMPARE(r.json().value(u"type"_s).toString(), u"error"_s);
            QCOMPARE(r.json().value(u"error"_s).toObject().value(u"type"_s).toString(), type);
            if (status == 429)
                QCOMPARE(r.header("retry-after"), QByteArray("3"));
        }
    }

    void midStreamFailureIsErrorEvent()
    {
        start();
        h->upstream().replySse({{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"partial"_s}})}}, true);
        const auto r = h->postJson(u"/v1/messages"_s, messagesBody(true));
        QCOMPARE(r.status, 200);
        checkStream(r.body);
        const auto events = qp::anthropic::parseSseEvents(r.body);
        QCOMPARE(events.last().first, u"error"_s);
        QCOMPARE(events.last().second.value(u"type"_s).toString(), u"error"_s);
    }

    // An upstream line that never ends (300 MB of RSS before): the stream ends at 1 MiB with
    // Anthropic's error event; the text before it arrived intact.
    void anEndlessUpstreamLineEndsTheStream()
    {
        start();
        h->upstream().replySse({{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"partial"_s}})},
                                {0, "data: {\"x\":\"" + QByteArray(2 << 20, 'x'), true}});
        const auto r = h->postJson(u"/v1/messages"_s, messagesBody(true));
        QCOMPARE(r.status, 200);
        checkStream(r.body);
        const auto events = qp::anthropic::parseSseEvents(r.body);
        QCOMPARE(events.last().first, u"error"_s);
        QVERIFY2(events.last().second.value(u"error"_s).toObject().value(u"message"_s).toString().contains(
                     u"1 MiB"_s),
                 r.body.right(400).constData());
        QVERIFY(r.body.contains("partial"));
    }

    // The same bound on every route (a 60 MiB answer on this one peaked at 390 MB): a whole
    // answer over 16 MiB is a 502 in the route's dialect, before any translation.
    void anOversizedAnswerIsRefusedOnEveryRoute_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("anthropic") << u"/v1/messages"_s;
        QTest::newRow("openai") << u"/v1/chat/completions"_s;
    }
    void anOversizedAnswerIsRefusedOnEveryRoute()
    {
        QFETCH(QString, path);
        start();
        const QJsonObject huge{
            {u"id"_s, u"x"_s},
            {u"choices"_s,
             QJsonArray{QJsonObject{
                 {u"index"_s, 0},
                 {u"finish_reason"_s, u"stop"_s},
                 {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s},
                                            {u"content"_s, QString(17 << 20, u'x')}}}}}}};
        h->upstream().replyJson(200, huge);
        const bool anthropic = path == u"/v1/messages"_s;
        const auto r = h->postJson(path, anthropic ? messagesBody(false)
                                                   : QJsonObject{{u"model"_s, u"qwen3-coder-plus"_s},
                                                                 {u"messages"_s, messagesBody(false)
                                                                                     .value(u"messages"_s)}});
        QCOMPARE(r.status, 502);
        const QJsonObject error = r.json().value(u"error"_s).toObject();
        QVERIFY2(error.value(u"message"_s).toString().contains(u"16 MiB"_s), r.body.left(400).constData());
        if (anthropic)
            QCOMPARE(r.json().value(u"type"_s).toString(), u"error"_s);
        else
            QVERIFY(!r.json().contains(u"type"_s));
    }

    void validation_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("mention");
        QTest::newRow("empty messages") << QByteArray(R"({"model":"claude-x","max_tokens":10,"messages":[]})") << u"messages"_s;
        QTest::newRow("no max_tokens") << QByteArray(R"({"model":"claude-x","messages":[{"role":"user","content":"a"}]})") << u"max_tokens"_s;
        QTest::newRow("bad block type") << QByteArray(R"({"model":"claude-x","max_tokens":10,"messages":[{"role":"user","content":[{"type":"foo"}]}]})") << u"foo"_s;
        QTest::newRow("malformed JSON") << QByteArray(R"({"model":)") << u"JSON"_s;
    }
    void validation()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, mention);
        start();
        const auto r = h->post(u"/v1/messages"_s, body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(u"type"_s).toString(), u"error"_s);
        QCOMPARE(r.json().value(u"error"_s).toObject().value(u"type"_s).toString(), u"invalid_request_error"_s);
        QVERIFY2(r.json().value(u"error"_s).toObject().value(u"message"_s).toString().contains(mention), r.body.constData());
    }

    void countTokens()
    {
        start();
        QJsonObject small{{u"model"_s, u"claude-x"_s},
                          {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hello"_s}}}}};
        const auto a = h->postJson(u"/v1/messages/count_tokens?beta=true"_s, small);
        QCOMPARE(a.status, 200);
        const int n = a.json().value(u"input_tokens"_s).toInt();
        QVERIFY(n > 0);
        small.insert(u"system"_s, u"You are a careful assistant that answers in French."_s);
        const auto b = h->postJson(u"/anthropic/v1/messages/count_tokens"_s, small);
        QVERIFY(b.json().value(u"input_tokens"_s).toInt() > n);
        QCOMPARE(h->upstream().requests().size(), 0); // counted locally
    }

    void modelsAnthropicShape()
    {
        start();
        const auto r = h->get(u"/anthropic/v1/models"_s);
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.json();
        QVERIFY(o.contains(u"has_more"_s));
        QVERIFY(o.value(u"first_id"_s).isString());
        for (const auto &m : o.value(u"data"_s).toArray()) {
            QCOMPARE(m.toObject().value(u"type"_s).toString(), u"model"_s);
            QVERIFY(m.toObject().value(u"display_name"_s).isString());
            QVERIFY(m.toObject().value(u"created_at"_s).isString());
        }
    }

    void pingsWhileUpstreamIsSilent()
    {
        start({{u"QP_ANTHROPIC_PING_MS"_s, u"100"_s}});
        h->upstream().replySse({{0, FakeUpstream::chunk(QJsonObject{{u"reasoning_content"_s, u"thinking..."_s}})},
                                {800, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"done"_s}})},
                                {0, FakeUpstream::chunk(QJsonObject{}, u"stop"_s)},
                                {0, "[DONE]"}});
        const auto r = h->postJson(u"/v1/messages"_s, messagesBody(true));
        QCOMPARE(r.status, 200);
        checkStream(r.body);
        const auto events = qp::anthropic::parseSseEvents(r.body);
        QCOMPARE(events.at(1).first, u"ping"_s); // right after message_start
        int pings = 0;
        for (const auto &e : events)
            pings += e.first == u"ping";
        QVERIFY2(pings >= 4, qPrintable(QString::number(pings))); // 800 ms of silence, 100 ms pings
    }

    void clientAbortAbortsUpstream()
    {
        start();
        QList<SseStep> steps{{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"x"_s}})}};
        for (int i = 0; i < 50; ++i)
            steps.append({100, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"y"_s}})});
        h->upstream().replySse(steps);
        QNetworkRequest req(h->url(u"/v1/messages"_s));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = h->client().post(req, QJsonDocument(messagesBody(true)).toJson());
        QSignalSpy ready(reply, &QNetworkReply::readyRead);
        QVERIFY(ready.wait(5000));
        reply->abort();
        reply->deleteLater();
        QTRY_COMPARE_WITH_TIMEOUT(h->upstream().abortedStreams(), 1, 5000);
    }
};

QTEST_GUILESS_MAIN(TestAnthropic)
#include "tst_anthropic.moc"
