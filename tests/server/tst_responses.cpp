// Full stack: POST /v1/responses against the fake upstream. Every streamed answer is run through
// the Responses invariant checker; what reached the upstream is checked at the fake.

#include "protocol/responsesstreamchecker.h"
#include "proxyharness.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;
using qp::responses::CheckedStream;
using qp::responses::checkResponsesStream;
Q_DECLARE_METATYPE(QList<SseStep>)

namespace {
QJsonValue J(const QByteArray &json)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        qFatal("bad JSON in test data (%s): %s", qPrintable(err.errorString()), json.constData());
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
}

QJsonObject body(bool stream, const QJsonValue &input = u"hi"_s)
{
    return QJsonObject{{u"model"_s, u"gpt-5-codex"_s}, {u"stream"_s, stream}, {u"input"_s, input}};
}

QJsonObject completion(const QJsonObject &message, const QString &finish = u"stop"_s)
{
    return QJsonObject{{u"id"_s, u"chatcmpl-1"_s},
                       {u"object"_s, u"chat.completion"_s},
                       {u"model"_s, u"qwen3-coder-plus"_s},
                       {u"choices"_s, QJsonArray{QJsonObject{{u"index"_s, 0},
                                                             {u"message"_s, message},
                                                             {u"finish_reason"_s, finish}}}},
                       {u"usage"_s, QJsonObject{{u"prompt_tokens"_s, 5},
                                                {u"completion_tokens"_s, 2},
                                                {u"total_tokens"_s, 7}}}};
}

QList<SseStep> textStream(const QStringList &pieces)
{
    QList<SseStep> steps;
    steps.append(
        {0, FakeUpstream::chunk(QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u""_s}})});
    for (const QString &p : pieces)
        steps.append({0, FakeUpstream::chunk(QJsonObject{{u"content"_s, p}})});
    steps.append({0, FakeUpstream::chunk(QJsonObject{}, u"stop"_s)});
    steps.append({0, FakeUpstream::usageChunk(10, 3)});
    steps.append({0, "[DONE]"});
    return steps;
}

QByteArray call(int index, const QString &id, const QString &name, const QString &args)
{
    QJsonObject fn{{u"arguments"_s, args}};
    if (!name.isEmpty())
        fn.insert(u"name"_s, name);
    QJsonObject c{{u"index"_s, index}, {u"function"_s, fn}};
    if (!id.isEmpty())
        c.insert(u"id"_s, id);
    return FakeUpstream::chunk(QJsonObject{{u"tool_calls"_s, QJsonArray{c}}});
}
} // namespace

class TestResponses : public QObject
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
    CheckedStream streamed(const QJsonObject &b)
    {
        const auto r = h->postJson(u"/v1/responses"_s, b);
        [&] { QCOMPARE(r.status, 200); }();
        CheckedStream c = checkResponsesStream(r.body);
        if (!c.problems.isEmpty())
            qWarning().noquote() << c.problems.join(u"\n"_s) << "\n" << r.body;
        return c;
    }
    QJsonObject sent(int i = -1) const
    {
        const auto reqs = h->upstream().requestsTo("/v1/chat/completions");
        return reqs.isEmpty() ? QJsonObject() : reqs.at(i < 0 ? reqs.size() - 1 : i).json();
    }

private Q_SLOTS:
    void cleanup() { h.reset(); }

    void wholeText()
    {
        start();
        h->upstream().replyJson(
            200, completion(QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u"hello"_s}}));
        const auto r = h->postJson(u"/v1/responses"_s, body(false));
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.json();
        QVERIFY(o.value(u"id"_s).toString().startsWith(u"resp_"_s));
        QCOMPARE(o.value(u"object"_s).toString(), u"response"_s);
        QCOMPARE(o.value(u"status"_s).toString(), u"completed"_s);
        QCOMPARE(o.value(u"model"_s).toString(), u"gpt-5-codex"_s);
        const QJsonObject item = o.value(u"output"_s).toArray().first().toObject();
        QCOMPARE(item.value(u"type"_s).toString(), u"message"_s);
        QVERIFY(item.value(u"id"_s).toString().startsWith(u"msg_"_s));
        QCOMPARE(item.value(u"content"_s).toArray().first().toObject().value(u"text"_s).toString(),
                 u"hello"_s);
        QCOMPARE(o.value(u"usage"_s).toObject().value(u"total_tokens"_s).toInt(), 7);
        // Codex's gpt-* names go to the default model; the string input is one user message.
        QCOMPARE(sent().value(u"model"_s).toString(), u"qwen3-coder-plus"_s);
        QCOMPARE(
            QJsonDocument(sent().value(u"messages"_s).toArray()).toJson(QJsonDocument::Compact),
            QByteArray(R"([{"content":"hi","role":"user"}])"));
        QVERIFY(!sent().contains(u"stream_options"_s));
    }

    void streamText()
    {
        start();
        h->upstream().replySse(textStream({u"Hel"_s, u"lo"_s}));
        const CheckedStream c = streamed(body(true));
        QVERIFY(c.problems.isEmpty());
        QCOMPARE(c.terminalType, u"response.completed"_s);
        QCOMPARE(c.terminal.value(u"output"_s)
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"content"_s)
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"text"_s)
                     .toString(),
                 u"Hello"_s);
        // The trailing usage chunk (after finish_reason) is counted: the terminal event waits for
        // [DONE].
        QCOMPARE(c.terminal.value(u"usage"_s).toObject().value(u"input_tokens"_s).toInt(), 10);
        QCOMPARE(c.terminal.value(u"usage"_s).toObject().value(u"output_tokens"_s).toInt(), 3);
        QVERIFY(sent().value(u"stream_options"_s).toObject().value(u"include_usage"_s).toBool());
    }

    void streamParallelCalls()
    {
        start();
        h->upstream().replySse({{0, call(0, u"call_a"_s, u"ls"_s, u"{\"p\":"_s)},
                                {0, call(1, u"call_b"_s, u"cat"_s, u"{\"f\":\"x\"}"_s)},
                                {0, call(0, {}, {}, u"\"/\"}"_s)},
                                {0, FakeUpstream::chunk(QJsonObject{}, u"tool_calls"_s)},
                                {0, FakeUpstream::usageChunk(10, 3)},
                                {0, "[DONE]"}});
        QJsonObject b = body(true);
        b.insert(
            u"tools"_s,
            J(R"([{"type":"function","name":"ls","parameters":{"type":"object"}},{"type":"function","name":"cat","parameters":{"type":"object"}},{"type":"web_search"}])"));
        const CheckedStream c = streamed(b);
        QVERIFY(c.problems.isEmpty());
        const QJsonArray out = c.terminal.value(u"output"_s).toArray();
        QCOMPARE(out.size(), 2);
        QCOMPARE(out.at(0).toObject().value(u"call_id"_s).toString(), u"call_a"_s);
        QCOMPARE(out.at(0).toObject().value(u"arguments"_s).toString(), u"{\"p\":\"/\"}"_s);
        QCOMPARE(out.at(1).toObject().value(u"name"_s).toString(), u"cat"_s);
        QCOMPARE(sent().value(u"tools"_s).toArray().size(), 2); // web_search dropped
    }

    void streamReasoning()
    {
        start();
        h->upstream().replySse(
            {{0, FakeUpstream::chunk(QJsonObject{{u"reasoning_content"_s, u"let me think"_s}})},
             {0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"42"_s}})},
             {0, FakeUpstream::chunk(QJsonObject{}, u"stop"_s)},
             {0, "[DONE]"}});
        QJsonObject b = body(true);
        b.insert(u"reasoning"_s, J(R"({"effort":"medium","summary":"auto"})"));
        const CheckedStream c = streamed(b);
        QVERIFY(c.problems.isEmpty());
        const QJsonArray out = c.terminal.value(u"output"_s).toArray();
        QCOMPARE(out.size(), 2);
        QCOMPARE(out.at(0).toObject().value(u"type"_s).toString(), u"reasoning"_s);
        QCOMPARE(out.at(0)
                     .toObject()
                     .value(u"summary"_s)
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"text"_s)
                     .toString(),
                 u"let me think"_s);
        QVERIFY(c.terminal.value(u"usage"_s).isNull()); // the upstream sent none: null, not partial
        QCOMPARE(sent().value(u"enable_thinking"_s).toBool(), true);
    }

    void imageGoesToVisionModel()
    {
        start();
        h->upstream().replyJson(200, completion(QJsonObject{{u"content"_s, u"a cat"_s}}));
        const auto r = h->postJson(
            u"/v1/responses"_s,
            body(
                false,
                J(R"([{"role":"user","content":[{"type":"input_text","text":"what?"},{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo="}]}])")));
        QCOMPARE(r.status, 200);
        QCOMPARE(sent().value(u"model"_s).toString(), u"vision-model"_s);
        QVERIFY(QJsonDocument(sent()).toJson().contains("data:image/png;base64,iVBORw0KGgo="));
    }

    // What Codex sends each turn (store:false, the whole history, hosted tools, reasoning items),
    // checked where a strict upstream would reject it.
    void codexRequestAtTheUpstream()
    {
        start();
        h->upstream().replySse(textStream({u"done"_s}));
        const QJsonObject b = J(R"({
          "model":"gpt-5-codex","instructions":"You are Codex.","stream":true,"store":false,
          "parallel_tool_calls":false,"tool_choice":"auto","include":["reasoning.encrypted_content"],
          "prompt_cache_key":"0199","reasoning":{"effort":"medium","summary":"auto"},
          "tools":[{"type":"function","name":"shell","description":"run","strict":false,
                    "parameters":{"type":"object","properties":{"command":{"type":"array","items":{"type":"string"}}},"required":["command"],"additionalProperties":false}},
                   {"type":"custom","name":"apply_patch","description":"patch","format":{"type":"grammar","syntax":"lark","definition":"start: x"}},
                   {"type":"web_search"}],
          "input":[
            {"type":"message","role":"developer","content":[{"type":"input_text","text":"<permissions>"}]},
            {"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context>"}]},
            {"type":"message","role":"user","content":[{"type":"input_text","text":"list files"}]},
            {"type":"reasoning","summary":[{"type":"summary_text","text":"planning"}],"encrypted_content":null},
            {"type":"function_call","name":"shell","arguments":"{\u0022command\u0022:[\u0022ls\u0022]}","call_id":"call_1"},
            {"type":"function_call_output","call_id":"call_1","output":"a.txt"},
            {"type":"message","role":"assistant","content":[{"type":"output_text","text":"a.txt"}]},
            {"type":"message","role":"user","content":[{"type":"input_text","text":"patch it"}]},
            {"type":"custom_tool_call","call_id":"call_2","name":"apply_patch","input":"*** Begin Patch"},
            {"type":"message","role":"developer","content":[{"type":"input_text","text":"approved"}]},
            {"type":"custom_tool_call_output","call_id":"call_2","output":"Success"}
          ]})")
                                  .toObject();
        const CheckedStream c = streamed(b);
        QVERIFY(c.problems.isEmpty());
        const QJsonObject s = sent();
        const QJsonArray m = s.value(u"messages"_s).toArray();
        int systems = 0;
        for (qsizetype i = 0; i < m.size(); ++i) {
            const QJsonObject msg = m.at(i).toObject();
            if (msg.value(u"role"_s).toString() == u"system")
                ++systems;
            if (msg.value(u"role"_s).toString() == u"tool") {
                // Right after the assistant message with its call (or the other outputs of it).
                qsizetype k = i - 1;
                while (m.at(k).toObject().value(u"role"_s).toString() == u"tool")
                    --k;
                bool found = false;
                for (const QJsonValue &tc : m.at(k).toObject().value(u"tool_calls"_s).toArray())
                    found = found || tc.toObject().value(u"id"_s) == msg.value(u"tool_call_id"_s);
                QVERIFY2(found, qPrintable(u"tool message %1 is not after its call"_s.arg(i)));
            }
        }
        QCOMPARE(systems, 1);
        QCOMPARE(m.first().toObject().value(u"role"_s).toString(), u"system"_s);
        QCOMPARE(m.first().toObject().value(u"content"_s).toString(),
                 u"You are Codex.\n\n<permissions>"_s);
        // The developer note between the custom call and its output comes after the output.
        QCOMPARE(m.last().toObject().value(u"content"_s).toString(), u"approved"_s);
        QCOMPARE(m.at(m.size() - 2).toObject().value(u"role"_s).toString(), u"tool"_s);
        QCOMPARE(s.value(u"tools"_s).toArray().size(), 2);
        QCOMPARE(s.value(u"tool_choice"_s).toString(), u"auto"_s);
        QVERIFY(!s.contains(u"include"_s));
        QVERIFY(!s.contains(u"prompt_cache_key"_s));
        QVERIFY(!s.contains(u"input"_s));
    }

    void customToolCallBack()
    {
        start();
        h->upstream().replySse(
            {{0, call(0, u"call_p"_s, u"apply_patch"_s, u"{\"input\":\"*** Begin Patch\\n\"}"_s)},
             {0, FakeUpstream::chunk(QJsonObject{}, u"tool_calls"_s)},
             {0, "[DONE]"}});
        QJsonObject b = body(true);
        b.insert(u"tools"_s, J(R"([{"type":"custom","name":"apply_patch"}])"));
        const CheckedStream c = streamed(b);
        QVERIFY(c.problems.isEmpty());
        const QJsonObject item = c.terminal.value(u"output"_s).toArray().first().toObject();
        QCOMPARE(item.value(u"type"_s).toString(), u"custom_tool_call"_s);
        QCOMPARE(item.value(u"input"_s).toString(), u"*** Begin Patch\n"_s);
    }

    void previousResponseAndItemReference()
    {
        start();
        h->upstream().replyJson(200, completion(QJsonObject{{u"content"_s, u"first answer"_s}}));
        const QJsonObject first =
            h->postJson(u"/v1/responses"_s, body(false, u"first question"_s)).json();
        const QString id = first.value(u"id"_s).toString();
        const QString msgId =
            first.value(u"output"_s).toArray().first().toObject().value(u"id"_s).toString();
        QVERIFY(!msgId.isEmpty());

        QJsonObject chained = body(false, u"second question"_s);
        chained.insert(u"previous_response_id"_s, id);
        QCOMPARE(h->postJson(u"/v1/responses"_s, chained).status, 200);
        QCOMPARE(
            QJsonDocument(sent().value(u"messages"_s).toArray()).toJson(QJsonDocument::Compact),
            QByteArray(
                R"([{"content":"first question","role":"user"},{"content":"first answer","role":"assistant"},{"content":"second question","role":"user"}])"));

        const QJsonObject referenced =
            body(false, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"q1"_s}},
                                   QJsonObject{{u"type"_s, u"item_reference"_s}, {u"id"_s, msgId}},
                                   QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"q2"_s}}});
        QCOMPARE(h->postJson(u"/v1/responses"_s, referenced).status, 200);
        QCOMPARE(
            sent().value(u"messages"_s).toArray().at(1).toObject().value(u"content"_s).toString(),
            u"first answer"_s);
    }

    void storeMisses_data()
    {
        QTest::addColumn<QByteArray>("extra");
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("code");
        QTest::newRow("unknown previous_response_id")
            << QByteArray(R"({"previous_response_id":"resp_gone"})") << u"previous_response_id"_s
            << u"previous_response_not_found"_s;
        QTest::newRow("unknown item_reference")
            << QByteArray(R"({"input":[{"type":"item_reference","id":"msg_gone"}]})")
            << u"input[0].id"_s << QString();
        QTest::newRow("background")
            << QByteArray(R"({"background":true})") << u"background"_s << QString();
        QTest::newRow("call without call_id")
            << QByteArray(R"({"input":[{"type":"function_call","name":"x","arguments":"{}"}]})")
            << u"input[0].call_id"_s << QString();
    }
    void storeMisses()
    {
        QFETCH(QByteArray, extra);
        QFETCH(QString, param);
        QFETCH(QString, code);
        start();
        QJsonObject b = body(true);
        const QJsonObject e = J(extra).toObject();
        for (auto it = e.begin(); it != e.end(); ++it)
            b.insert(it.key(), it.value());
        const auto r = h->postJson(u"/v1/responses"_s, b);
        QCOMPARE(r.status, 400);
        const QJsonObject err = r.json().value(u"error"_s).toObject();
        QCOMPARE(err.value(u"type"_s).toString(), u"invalid_request_error"_s);
        QCOMPARE(err.value(u"param"_s).toString(), param);
        if (!code.isEmpty())
            QCOMPARE(err.value(u"code"_s).toString(), code);
        QCOMPARE(h->upstream().count("/v1/chat/completions"), 0);
    }

    void storeFalseIsNotKept()
    {
        start();
        h->upstream().replyJson(200, completion(QJsonObject{{u"content"_s, u"x"_s}}));
        QJsonObject b = body(false);
        b.insert(u"store"_s, false);
        const QString id = h->postJson(u"/v1/responses"_s, b).json().value(u"id"_s).toString();
        QJsonObject chained = body(false);
        chained.insert(u"previous_response_id"_s, id);
        QCOMPARE(h->postJson(u"/v1/responses"_s, chained).status, 400);
    }

    void storeEvictsOldest()
    {
        start({{u"RESPONSES_STORE_COUNT"_s, u"1"_s}});
        h->upstream().replyJson(200, completion(QJsonObject{{u"content"_s, u"x"_s}}));
        const QString a =
            h->postJson(u"/v1/responses"_s, body(false)).json().value(u"id"_s).toString();
        const QString b =
            h->postJson(u"/v1/responses"_s, body(false)).json().value(u"id"_s).toString();
        QJsonObject chained = body(false);
        chained.insert(u"previous_response_id"_s, a);
        QCOMPARE(h->postJson(u"/v1/responses"_s, chained).status, 400);
        chained.insert(u"previous_response_id"_s, b);
        QCOMPARE(h->postJson(u"/v1/responses"_s, chained).status, 200);
    }

    void otherMethodsAre404()
    {
        start();
        QCOMPARE(h->get(u"/v1/responses/resp_1"_s).status, 404);
        QCOMPARE(h->post(u"/v1/responses/resp_1/cancel"_s, "{}").status, 404);
    }

    void errorBeforeStream_data()
    {
        QTest::addColumn<int>("upstreamStatus");
        QTest::addColumn<int>("expected");
        QTest::addColumn<QString>("type");
        QTest::newRow("429 keeps Retry-After") << 429 << 429 << u"rate_limit_exceeded"_s;
        QTest::newRow("500 becomes 502") << 500 << 502 << u"api_error"_s;
        QTest::newRow("400 passes through") << 400 << 400 << u"invalid_request_error"_s;
    }
    void errorBeforeStream()
    {
        QFETCH(int, upstreamStatus);
        QFETCH(int, expected);
        QFETCH(QString, type);
        start();
        h->upstream().replyJson(
            upstreamStatus,
            QJsonObject{{u"error"_s, QJsonObject{{u"message"_s, u"upstream says no"_s}}}},
            {{"Retry-After", "7"}});
        for (bool stream : {false, true}) {
            const auto r = h->postJson(u"/v1/responses"_s, body(stream));
            QCOMPARE(r.status, expected);
            const QJsonObject err = r.json().value(u"error"_s).toObject();
            QCOMPARE(err.value(u"type"_s).toString(), type);
            QVERIFY(err.value(u"message"_s).toString().contains(u"upstream says no"_s));
            if (expected == 429)
                QCOMPARE(r.header("retry-after"), QByteArray("7"));
        }
    }

    void errorDuringStream_data()
    {
        QTest::addColumn<QList<SseStep>>("steps");
        QTest::addColumn<bool>("drop");
        QTest::addColumn<QString>("code");
        QTest::newRow("in-band throttling")
            << QList<SseStep>{{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"ok "_s}})},
                              {0,
                               FakeUpstream::chunk(
                                   QJsonObject{{u"content"_s, u"Requests throttling triggered"_s}},
                                   u"error_finish"_s)},
                              {0, "[DONE]"}}
            << false << u"rate_limit_exceeded"_s;
        QTest::newRow("in-band quota")
            << QList<SseStep>{{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"ok "_s}})},
                              {0,
                               FakeUpstream::chunk(
                                   QJsonObject{{u"content"_s, u"Free allocated quota exceeded."_s}},
                                   u"error_finish"_s)}}
            << false << u"insufficient_quota"_s;
        QTest::newRow("connection dropped")
            << QList<SseStep>{{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"partial"_s}})}}
            << true << u"server_error"_s;
        QTest::newRow("dropped in a call")
            << QList<SseStep>{{0, call(0, u"call_1"_s, u"ls"_s, u"{\"a\":"_s)}} << true
            << u"server_error"_s;
    }
    void errorDuringStream()
    {
        QFETCH(QList<SseStep>, steps);
        QFETCH(bool, drop);
        QFETCH(QString, code);
        start();
        h->upstream().replySse(steps, drop);
        const CheckedStream c = streamed(body(true));
        QVERIFY(c.problems.isEmpty());
        QCOMPARE(c.terminalType, u"response.failed"_s);
        QCOMPARE(c.terminal.value(u"error"_s).toObject().value(u"code"_s).toString(), code);
        if (code == u"rate_limit_exceeded")
            QVERIFY(c.terminal.value(u"error"_s)
                        .toObject()
                        .value(u"message"_s)
                        .toString()
                        .contains(u"try again in"_s));
    }

    void firstByteTimeoutIs504()
    {
        start({{u"UPSTREAM_FIRST_BYTE_TIMEOUT_MS"_s, u"300"_s}});
        h->upstream().replyHang();
        const auto r = h->postJson(u"/v1/responses"_s, body(true));
        QCOMPARE(r.status, 504);
        QCOMPARE(r.json().value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"timeout_error"_s);
    }

    void idleTimeoutMidStreamFails()
    {
        start({{u"UPSTREAM_IDLE_TIMEOUT_MS"_s, u"300"_s}});
        h->upstream().replySse(
            {{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"a"_s}})},
             {5000, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"late"_s}})}});
        const CheckedStream c = streamed(body(true));
        QVERIFY(c.problems.isEmpty());
        QCOMPARE(c.terminalType, u"response.failed"_s);
    }

    void clientAbortAbortsUpstream()
    {
        start();
        QList<SseStep> steps{{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"x"_s}})}};
        for (int i = 0; i < 50; ++i)
            steps.append({100, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"y"_s}})});
        h->upstream().replySse(steps);
        QNetworkRequest req(h->url(u"/v1/responses"_s));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = h->client().post(req, QJsonDocument(body(true)).toJson());
        QSignalSpy ready(reply, &QNetworkReply::readyRead);
        QVERIFY(ready.wait(5000));
        QCOMPARE(h->upstream().openStreams(), 1);
        reply->abort();
        reply->deleteLater();
        QTRY_COMPARE_WITH_TIMEOUT(h->upstream().abortedStreams(), 1, 5000);
        QCOMPARE(h->upstream().openStreams(), 0);
    }
};

QTEST_GUILESS_MAIN(TestResponses)
#include "tst_responses.moc"
