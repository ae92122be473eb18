// Full stack: the real server on port 0, OpenAI dialect, against the fake Qwen upstream.
#include "auth/sharedfilesource.h"
#include "auth/tokenmanager.h"
#include "proxyharness.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {
qint64 inOneHour()
{
    return QDateTime::currentMSecsSinceEpoch() + 3600 * 1000;
}

QJsonObject chatBody(bool stream = false)
{
    return QJsonObject{
        {u"model"_s, u"qwen3-coder-plus"_s},
        {u"stream"_s, stream},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}}}};
}

QJsonObject completion(const QString &text)
{
    return QJsonObject{
        {u"id"_s, u"chatcmpl-1"_s},
        {u"object"_s, u"chat.completion"_s},
        {u"created"_s, 1},
        {u"model"_s, u"qwen3-coder-plus"_s},
        {u"choices"_s,
         QJsonArray{QJsonObject{
             {u"index"_s, 0},
             {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, text}}},
             {u"finish_reason"_s, u"stop"_s}}}},
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

QJsonObject parse(const QByteArray &b)
{
    return QJsonDocument::fromJson(b).object();
}
} // namespace

class TestOpenAI : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<ProxyHarness> h;
    void startDefault(const QHash<QString, QString> &env = {})
    {
        h = std::make_unique<ProxyHarness>();
        h->writeQwenCredentials(u"access-token-valid-0001"_s, inOneHour());
        QString err;
        QVERIFY2(h->start(env, &err), qPrintable(err));
    }

private Q_SLOTS:
    void cleanup() { h.reset(); }

    void healthHasNoSecrets()
    {
        startDefault();
        const auto r = h->get(u"/health"_s);
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.json();
        QCOMPARE(o.value(u"status"_s).toString(), u"ok"_s);
        QVERIFY(o.contains(u"version"_s));
        QVERIFY(o.contains(u"uptime_seconds"_s));
        QCOMPARE(o.value(u"accounts"_s).toArray().size(), 1);
        QVERIFY(!r.body.contains("access-token-valid"));
        QVERIFY(!r.body.contains("refresh-0"));
    }

    void modelsList()
    {
        startDefault();
        const auto r = h->get(u"/v1/models"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"object"_s).toString(), u"list"_s);
        QStringList ids;
        for (const auto &m : r.json().value(u"data"_s).toArray()) {
            QCOMPARE(m.toObject().value(u"object"_s).toString(), u"model"_s);
            ids << m.toObject().value(u"id"_s).toString();
        }
        // Qwen OAuth: the OAuth tier's names (docs/quirks.md "Model catalogue").
        for (const auto &id : {u"qwen3-coder-plus"_s, u"coder-model"_s, u"vision-model"_s})
            QVERIFY2(ids.contains(id), qPrintable(id));
        QVERIFY(!ids.contains(u"qwen3-coder-flash"_s)); // in no current plan
    }

    void nonStreamForwardsFieldsAndHeaders()
    {
        startDefault();
        h->upstream().replyJson(200, completion(u"hello"_s));
        QJsonObject body = chatBody();
        body.insert(u"temperature"_s, 0);
        body.insert(u"stop"_s, QJsonArray{u"END"_s});
        body.insert(u"n"_s, 1);
        body.insert(u"seed"_s, 42);
        body.insert(u"presence_penalty"_s, 0.5);
        body.insert(u"frequency_penalty"_s, 0.25);
        body.insert(u"response_format"_s, QJsonObject{{u"type"_s, u"json_object"_s}});
        body.insert(u"parallel_tool_calls"_s, false);
        body.insert(u"max_tokens"_s, 200000);
        const auto r = h->postJson(u"/v1/chat/completions"_s, body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()
                     .value(u"choices"_s)
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"message"_s)
                     .toObject()
                     .value(u"content"_s)
                     .toString(),
                 u"hello"_s);
        const auto reqs = h->upstream().requestsTo("/v1/chat/completions");
        QCOMPARE(reqs.size(), 1);
        const QJsonObject sent = reqs.first().json();
        QCOMPARE(sent.value(u"temperature"_s).toDouble(), 0.0); // 0 stays 0
        QVERIFY(sent.value(u"temperature"_s).isDouble());
        QCOMPARE(sent.value(u"stop"_s).toArray().first().toString(), u"END"_s);
        QCOMPARE(sent.value(u"seed"_s).toInt(), 42);
        QCOMPARE(sent.value(u"n"_s).toInt(), 1);
        QCOMPARE(sent.value(u"presence_penalty"_s).toDouble(), 0.5);
        QCOMPARE(sent.value(u"frequency_penalty"_s).toDouble(), 0.25);
        QCOMPARE(sent.value(u"response_format"_s).toObject().value(u"type"_s).toString(),
                 u"json_object"_s);
        QCOMPARE(sent.value(u"parallel_tool_calls"_s).toBool(true), false);
        QCOMPARE(sent.value(u"max_tokens"_s).toInt(), 32768); // clamped to the model cap
        QVERIFY(!sent.contains(u"top_p"_s));                  // no invented defaults
        const auto &rec = reqs.first();
        QCOMPARE(rec.header("authorization"), QByteArray("Bearer access-token-valid-0001"));
        QVERIFY(rec.header("user-agent").startsWith("QwenCode/0.14.3 ("));
        QCOMPARE(rec.header("x-dashscope-authtype"), QByteArray("qwen-oauth"));
        QCOMPARE(rec.header("x-dashscope-cachecontrol"), QByteArray("enable"));
        QCOMPARE(rec.header("x-dashscope-useragent"), rec.header("user-agent"));
    }

    void visionModelCap()
    {
        startDefault();
        h->upstream().replyJson(200, completion(u"ok"_s));
        QJsonObject body = chatBody();
        body.insert(u"model"_s, u"vision-model"_s);
        body.insert(u"max_tokens"_s, 50000);
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, body).status, 200);
        QCOMPARE(h->upstream()
                     .requestsTo("/v1/chat/completions")
                     .first()
                     .json()
                     .value(u"max_tokens"_s)
                     .toInt(),
                 32768);
    }

    void streamRelaysChunksAndHidesUsage()
    {
        startDefault();
        h->upstream().replySse(textStream({u"Hel"_s, u"lo"_s, u"!"_s}));
        const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody(true));
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("text/event-stream"));
        const auto data = r.sseData();
        QVERIFY(!data.isEmpty());
        QCOMPARE(data.last(), QByteArray("[DONE]"));
        QString text;
        bool sawUsage = false;
        for (const auto &d : data.mid(0, data.size() - 1)) {
            const QJsonObject c = parse(d);
            sawUsage |= c.value(u"usage"_s).isObject();
            const auto choices = c.value(u"choices"_s).toArray();
            if (!choices.isEmpty())
                text += choices.first()
                            .toObject()
                            .value(u"delta"_s)
                            .toObject()
                            .value(u"content"_s)
                            .toString();
        }
        QCOMPARE(text, u"Hello!"_s);
        QVERIFY(!sawUsage); // the client did not ask for it
        const QJsonObject sent = h->upstream().requestsTo("/v1/chat/completions").first().json();
        QVERIFY(sent.value(u"stream_options"_s).toObject().value(u"include_usage"_s).toBool());
    }

    void streamsReuseTheUpstreamConnection()
    {
        // After [DONE] the relay lets the upstream response end instead of cutting the
        // connection, so the next request goes out on the same connection.
        startDefault();
        h->upstream().replySse(textStream({u"a"_s, u"b"_s}));
        for (int i = 0; i < 3; ++i) {
            const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody(true));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.sseData().last(), QByteArray("[DONE]"));
        }
        QCOMPARE(h->upstream().count("/v1/chat/completions"), 3);
        QCOMPARE(h->upstream().connectionsAccepted(), 1);
    }

    void unchangedBodyIsForwardedVerbatim()
    {
        // Nothing to map or clamp: the upstream gets the client's own bytes (key order and
        // spacing included), not a re-serialisation. A mapped model still gets rewritten.
        startDefault();
        h->upstream().replyJson(200, completion(u"ok"_s));
        const QByteArray raw = "{ \"stream\": false, \"model\": \"qwen3-coder-plus\",\n"
                               "  \"messages\": [ {\"role\": \"user\", \"content\": \"hi\"} ] }";
        auto r = h->post(u"/v1/chat/completions"_s, raw, {{"Content-Type", "application/json"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(h->upstream().requestsTo("/v1/chat/completions").last().body, raw);

        QByteArray mapped = raw;
        mapped.replace("qwen3-coder-plus", "gpt-4o");
        r = h->post(u"/v1/chat/completions"_s, mapped, {{"Content-Type", "application/json"}});
        QCOMPARE(r.status, 200);
        const RecordedRequest sent = h->upstream().requestsTo("/v1/chat/completions").last();
        QVERIFY(sent.body != mapped);
        QCOMPARE(sent.json().value(u"model"_s).toString(), u"qwen3-coder-plus"_s);
    }

    void editedBodyKeepsTheClientsOtherBytes()
    {
        // A stream gets stream_options and a mapped model gets its upstream name: only those
        // members are edited in the client's bytes; the rest (spacing, a number's spelling, an
        // integer a double cannot hold) goes upstream as the client wrote it.
        startDefault();
        h->upstream().replySse(textStream({u"a"_s}));
        const QByteArray raw =
            "{ \"stream\": true, \"model\": \"gpt-4o\", \"temperature\": 0.70,\n"
            "  \"seed\": 12345678901234567890,\n"
            "  \"messages\": [ {\"role\": \"user\", \"content\": \"hi \\u00e9\"} ] }";
        const auto r =
            h->post(u"/v1/chat/completions"_s, raw, {{"Content-Type", "application/json"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.sseData().last(), QByteArray("[DONE]"));
        const RecordedRequest sent = h->upstream().requestsTo("/v1/chat/completions").last();
        QVERIFY2(sent.body.contains("\"temperature\": 0.70,\n  \"seed\": 12345678901234567890,"),
                 sent.body.constData());
        QVERIFY2(sent.body.contains("\"content\": \"hi \\u00e9\"} ]"), sent.body.constData());
        const QJsonObject json = sent.json();
        QCOMPARE(json.value(u"model"_s).toString(), u"qwen3-coder-plus"_s);
        QVERIFY(json.value(u"stream_options"_s).toObject().value(u"include_usage"_s).toBool());
        QCOMPARE(
            json.value(u"messages"_s).toArray().first().toObject().value(u"content"_s).toString(),
            u"hi \u00e9"_s);
        QCOMPARE(json.size(), 6);
    }

    void streamForwardsUsageWhenAsked()
    {
        startDefault();
        h->upstream().replySse(textStream({u"a"_s}));
        QJsonObject body = chatBody(true);
        body.insert(u"stream_options"_s, QJsonObject{{u"include_usage"_s, true}});
        const auto r = h->postJson(u"/v1/chat/completions"_s, body);
        QCOMPARE(r.status, 200);
        int usageChunks = 0;
        for (const auto &d : r.sseData())
            if (d != "[DONE]" && parse(d).value(u"usage"_s).isObject())
                ++usageChunks;
        QCOMPARE(usageChunks, 1);
    }

    void toolCallDeltasAreNormalised_data()
    {
        QTest::addColumn<QList<QByteArray>>("upstream");
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QStringList>("args");
        auto tc = [](QJsonObject call) {
            return FakeUpstream::chunk(QJsonObject{{u"tool_calls"_s, QJsonArray{call}}});
        };
        auto fn = [](const QString &name, const QString &args) {
            QJsonObject f;
            if (!name.isNull())
                f.insert(u"name"_s, name);
            if (!args.isNull())
                f.insert(u"arguments"_s, args);
            return f;
        };
        const QByteArray stop = FakeUpstream::chunk(QJsonObject{}, u"tool_calls"_s);
        QTest::newRow("tool args arrive with the name")
            << QList<QByteArray>{tc({{u"index"_s, 0},
                                     {u"id"_s, u"call_a"_s},
                                     {u"type"_s, u"function"_s},
                                     {u"function"_s, fn(u"read"_s, u"{\"path\":\"a\"}"_s)}}),
                                 stop}
            << QStringList{u"read"_s} << QStringList{u"{\"path\":\"a\"}"_s};
        QTest::newRow("no id on continuation chunks")
            << QList<QByteArray>{tc({{u"index"_s, 0},
                                     {u"id"_s, u"call_a"_s},
                                     {u"function"_s, fn(u"read"_s, u""_s)}}),
                                 tc({{u"index"_s, 0}, {u"function"_s, fn({}, u"{\"pa"_s)}}),
                                 tc({{u"index"_s, 0}, {u"function"_s, fn({}, u"th\":1}"_s)}}), stop}
            << QStringList{u"read"_s} << QStringList{u"{\"path\":1}"_s};
        QTest::newRow("name after the arguments")
            << QList<QByteArray>{tc({{u"index"_s, 0}, {u"function"_s, fn({}, u"{\"x\":"_s)}}),
                                 tc({{u"index"_s, 0},
                                     {u"id"_s, u"call_b"_s},
                                     {u"function"_s, fn(u"calc"_s, u"2}"_s)}}),
                                 stop}
            << QStringList{u"calc"_s} << QStringList{u"{\"x\":2}"_s};
        QTest::newRow("missing index")
            << QList<QByteArray>{tc({{u"id"_s, u"call_c"_s},
                                     {u"function"_s, fn(u"ls"_s, u"{}"_s)}}),
                                 stop}
            << QStringList{u"ls"_s} << QStringList{u"{}"_s};
        QTest::newRow("no-argument tool gets {}")
            << QList<QByteArray>{tc({{u"index"_s, 0},
                                     {u"id"_s, u"call_d"_s},
                                     {u"function"_s, fn(u"now"_s, u""_s)}}),
                                 stop}
            << QStringList{u"now"_s} << QStringList{u"{}"_s};
        QTest::newRow("parallel calls")
            << QList<QByteArray>{tc({{u"index"_s, 0},
                                     {u"id"_s, u"c1"_s},
                                     {u"function"_s, fn(u"a"_s, u"{\"i\":1}"_s)}}),
                                 tc({{u"index"_s, 1},
                                     {u"id"_s, u"c2"_s},
                                     {u"function"_s, fn(u"b"_s, u"{\"i\":"_s)}}),
                                 tc({{u"index"_s, 1}, {u"function"_s, fn({}, u"2}"_s)}}), stop}
            << QStringList{u"a"_s, u"b"_s} << QStringList{u"{\"i\":1}"_s, u"{\"i\":2}"_s};
        QTest::newRow("finish_reason stop with tool calls")
            << QList<QByteArray>{tc({{u"index"_s, 0},
                                     {u"id"_s, u"c1"_s},
                                     {u"function"_s, fn(u"a"_s, u"{}"_s)}}),
                                 FakeUpstream::chunk(QJsonObject{}, u"stop"_s)}
            << QStringList{u"a"_s} << QStringList{u"{}"_s};
        QTest::newRow("duplicate finish chunks")
            << QList<QByteArray>{tc({{u"index"_s, 0},
                                     {u"id"_s, u"c1"_s},
                                     {u"function"_s, fn(u"a"_s, u"{}"_s)}}),
                                 stop, stop}
            << QStringList{u"a"_s} << QStringList{u"{}"_s};
    }

    void toolCallDeltasAreNormalised()
    {
        QFETCH(QList<QByteArray>, upstream);
        QFETCH(QStringList, names);
        QFETCH(QStringList, args);
        startDefault();
        QList<SseStep> steps;
        for (const auto &c : upstream)
            steps.append({0, c});
        steps.append({0, FakeUpstream::usageChunk(3, 4)});
        steps.append({0, "[DONE]"});
        h->upstream().replySse(steps);
        const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody(true));
        QCOMPARE(r.status, 200);
        QMap<int, QString> gotNames, gotArgs, gotIds;
        int finishCount = 0;
        QString finish;
        for (const auto &d : r.sseData()) {
            if (d == "[DONE]")
                continue;
            const auto choices = parse(d).value(u"choices"_s).toArray();
            if (choices.isEmpty())
                continue;
            const auto ch = choices.first().toObject();
            if (!ch.value(u"finish_reason"_s).isNull()) {
                ++finishCount;
                finish = ch.value(u"finish_reason"_s).toString();
            }
            for (const auto &v : ch.value(u"delta"_s).toObject().value(u"tool_calls"_s).toArray()) {
                const QJsonObject t = v.toObject();
                QVERIFY2(t.contains(u"index"_s), d.constData());
                QVERIFY2(t.value(u"function"_s).isObject(), d.constData()); // zod needs it
                const int idx = t.value(u"index"_s).toInt();
                if (!gotNames.contains(idx)) {
                    // The first delta of a call carries everything a strict client requires.
                    QVERIFY2(t.value(u"id"_s).isString() && !t.value(u"id"_s).toString().isEmpty(),
                             d.constData());
                    QCOMPARE(t.value(u"type"_s).toString(), u"function"_s);
                    QVERIFY(t.value(u"function"_s).toObject().value(u"name"_s).isString());
                    QCOMPARE(t.value(u"function"_s).toObject().value(u"arguments"_s).toString(),
                             u""_s);
                    gotNames[idx] = t.value(u"function"_s).toObject().value(u"name"_s).toString();
                    gotIds[idx] = t.value(u"id"_s).toString();
                } else {
                    QVERIFY2(!t.value(u"function"_s).toObject().contains(u"name"_s), d.constData());
                    gotArgs[idx] +=
                        t.value(u"function"_s).toObject().value(u"arguments"_s).toString();
                }
            }
        }
        QCOMPARE(gotNames.values(), names);
        QCOMPARE(gotArgs.values(), args);
        QCOMPARE(finish, u"tool_calls"_s);
        QCOMPARE(finishCount, 1);
    }

    void nonStreamToolCallsFinishReason()
    {
        startDefault();
        QJsonObject c = completion(QString());
        QJsonObject ch = c.value(u"choices"_s).toArray().first().toObject();
        QJsonObject msg = ch.value(u"message"_s).toObject();
        msg.insert(u"content"_s, QJsonValue::Null);
        msg.insert(u"tool_calls"_s,
                   QJsonArray{QJsonObject{{u"id"_s, u"c1"_s},
                                          {u"type"_s, u"function"_s},
                                          {u"function"_s, QJsonObject{{u"name"_s, u"a"_s},
                                                                      {u"arguments"_s, u""_s}}}}});
        ch.insert(u"message"_s, msg);
        ch.insert(u"finish_reason"_s, u"stop"_s);
        c.insert(u"choices"_s, QJsonArray{ch});
        h->upstream().replyJson(200, c);
        const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody());
        QCOMPARE(r.status, 200);
        const auto got = r.json().value(u"choices"_s).toArray().first().toObject();
        QCOMPARE(got.value(u"finish_reason"_s).toString(), u"tool_calls"_s);
        QCOMPARE(got.value(u"message"_s)
                     .toObject()
                     .value(u"tool_calls"_s)
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"function"_s)
                     .toObject()
                     .value(u"arguments"_s)
                     .toString(),
                 u"{}"_s);
    }

    void clientAbortAbortsUpstream()
    {
        startDefault();
        QList<SseStep> steps{{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"x"_s}})}};
        for (int i = 0; i < 50; ++i)
            steps.append({100, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"y"_s}})});
        h->upstream().replySse(steps);
        QNetworkRequest req(h->url(u"/v1/chat/completions"_s));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = h->client().post(req, QJsonDocument(chatBody(true)).toJson());
        QSignalSpy ready(reply, &QNetworkReply::readyRead);
        QVERIFY(ready.wait(5000));
        QCOMPARE(h->upstream().openStreams(), 1);
        reply->abort();
        reply->deleteLater();
        QTRY_COMPARE_WITH_TIMEOUT(h->upstream().abortedStreams(), 1, 5000);
        QCOMPARE(h->upstream().openStreams(), 0);
    }

    void upstreamDropMidStream()
    {
        startDefault();
        h->upstream().replySse(
            {{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"partial"_s}})}},
            /*dropAtEnd*/ true);
        const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody(true));
        QCOMPARE(r.status, 200);
        const auto data = r.sseData();
        QVERIFY(data.size() >= 3);
        QCOMPARE(data.last(), QByteArray("[DONE]"));
        const QJsonObject err = parse(data.at(data.size() - 2));
        QVERIFY2(err.value(u"error"_s).isObject(), data.at(data.size() - 2).constData());
        QVERIFY(!err.value(u"error"_s).toObject().value(u"message"_s).toString().isEmpty());
    }

    void inBandErrorFinish()
    {
        startDefault();
        h->upstream().replySse(
            {{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"ok "_s}})},
             {0,
              FakeUpstream::chunk(QJsonObject{{u"content"_s, u"Requests throttling triggered"_s}},
                                  u"error_finish"_s)},
             {0, "[DONE]"}});
        const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody(true));
        const auto data = r.sseData();
        QCOMPARE(data.last(), QByteArray("[DONE]"));
        const QJsonObject err = parse(data.at(data.size() - 2)).value(u"error"_s).toObject();
        QVERIFY(err.value(u"message"_s).toString().contains(u"throttling"_s));
        QCOMPARE(err.value(u"type"_s).toString(), u"rate_limit_exceeded"_s);
        for (const auto &d : data)
            QVERIFY(!d.contains("error_finish"));
    }

    // The proxy never follows an upstream's redirect (the key would go to a host nobody
    // configured): the client gets a 502 that names it, not a 400 that blames the request.
    void anUpstreamRedirectIsABadGateway()
    {
        startDefault();
        h->upstream().replyJson(302, QJsonObject{}, {{"Location", "https://elsewhere.example/v1"}});
        for (bool stream : {false, true}) {
            const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody(stream));
            QCOMPARE(r.status, 502);
            QVERIFY2(r.json()
                         .value(u"error"_s)
                         .toObject()
                         .value(u"message"_s)
                         .toString()
                         .contains(u"redirect"_s),
                     r.body.constData());
        }
        // Asking again would only be redirected again: one upstream request per client request.
        QCOMPARE(h->upstream().count("/v1/chat/completions"), 2);
    }

    void upstreamErrorsMapped_data()
    {
        QTest::addColumn<int>("upstreamStatus");
        QTest::addColumn<QByteArray>("retryAfter");
        QTest::addColumn<int>("expected");
        QTest::addColumn<QString>("type");
        QTest::newRow("429 with Retry-After")
            << 429 << QByteArray("7") << 429 << u"rate_limit_exceeded"_s;
        QTest::newRow("500 becomes 502") << 500 << QByteArray() << 502 << u"api_error"_s;
        QTest::newRow("403") << 403 << QByteArray() << 403 << u"permission_error"_s;
        QTest::newRow("400 passes through")
            << 400 << QByteArray() << 400 << u"invalid_request_error"_s;
    }
    void upstreamErrorsMapped()
    {
        QFETCH(int, upstreamStatus);
        QFETCH(QByteArray, retryAfter);
        QFETCH(int, expected);
        QFETCH(QString, type);
        startDefault();
        qp::http::Headers hd;
        if (!retryAfter.isEmpty())
            hd.append({"Retry-After", retryAfter});
        h->upstream().replyJson(
            upstreamStatus,
            QJsonObject{{u"error"_s, QJsonObject{{u"message"_s, u"upstream says no"_s}}}}, hd);
        for (bool stream : {false, true}) {
            const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody(stream));
            QCOMPARE(r.status, expected);
            QCOMPARE(r.json().value(u"error"_s).toObject().value(u"type"_s).toString(), type);
            QVERIFY(r.json()
                        .value(u"error"_s)
                        .toObject()
                        .value(u"message"_s)
                        .toString()
                        .contains(u"upstream says no"_s));
            QCOMPARE(r.header("retry-after"), retryAfter);
        }
    }

    void upstream401RefreshesOnceThenSaysDiscontinued()
    {
        startDefault();
        h->upstream().serveTokenRefresh();
        h->upstream().replyJson(
            401, QJsonObject{{u"error"_s, QJsonObject{{u"message"_s,
                                                       u"invalid access token or token expired"_s},
                                                      {u"code"_s, u"invalid_api_key"_s}}}});
        const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody());
        QCOMPARE(r.status, 401);
        QCOMPARE(h->upstream().refreshCount(), 1);
        const auto reqs = h->upstream().requestsTo("/v1/chat/completions");
        QCOMPARE(reqs.size(), 2); // the original and exactly one retry
        QCOMPARE(reqs.at(1).header("authorization"), QByteArray("Bearer fresh-access-token-1"));
        QVERIFY(r.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"discontinued"_s));
        QVERIFY(!r.body.contains("fresh-access-token"));
    }

    void upstream401ThenSuccessAfterRefresh()
    {
        startDefault();
        h->upstream().serveTokenRefresh();
        int calls = 0;
        h->upstream().on("/v1/chat/completions", [&](const qp::http::HttpRequest &req,
                                                     qp::http::ResponseWriter *w) {
            ++calls;
            if (req.header("authorization") == "Bearer access-token-valid-0001")
                w->sendJson(401, QJsonObject{{u"error"_s,
                                              QJsonObject{{u"message"_s, u"token expired"_s}}}});
            else
                w->sendJson(200, completion(u"after refresh"_s));
        });
        const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody());
        QCOMPARE(r.status, 200);
        QCOMPARE(calls, 2);
        // The shared file now holds the new token, written 0600.
        QFile f(h->qwenHome() + u"/oauth_creds.json"_s);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("fresh-access-token-1"));
        QCOMPARE(f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
    }

    void firstByteTimeoutIs504()
    {
        startDefault({{u"UPSTREAM_FIRST_BYTE_TIMEOUT_MS"_s, u"300"_s}});
        h->upstream().replyHang();
        const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody(true));
        QCOMPARE(r.status, 504);
        QCOMPARE(r.json().value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"timeout_error"_s);
    }

    void idleTimeoutMidStream()
    {
        startDefault({{u"UPSTREAM_IDLE_TIMEOUT_MS"_s, u"300"_s}});
        h->upstream().replySse(
            {{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"a"_s}})},
             {5000, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"late"_s}})}});
        const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody(true));
        const auto data = r.sseData();
        QCOMPARE(data.last(), QByteArray("[DONE]"));
        QVERIFY(parse(data.at(data.size() - 2))
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"timeout"_s));
    }

    void upstreamDownIs502()
    {
        startDefault({{u"QWEN_BASE_URL"_s, u"http://127.0.0.1:1/v1"_s}});
        // Credentials without resource_url fall back to QWEN_BASE_URL: a closed port.
        qp::QwenCredentials c;
        c.accessToken = u"access-token-valid-0001"_s;
        c.refreshToken = u"r"_s;
        c.expiryDateMs = inOneHour();
        qp::SharedFileSource(h->qwenHome()).save(c);
        const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody());
        QCOMPARE(r.status, 502);
        QVERIFY(r.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"127.0.0.1"_s));
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("mention");
        QTest::newRow("malformed JSON") << QByteArray("{\"model\": ") << 400 << u"not valid JSON"_s;
        QTest::newRow("not an object") << QByteArray("[1,2]") << 400 << u"JSON object"_s;
        QTest::newRow("messages missing") << QByteArray(R"({"model":"x"})") << 400 << u"messages"_s;
        QTest::newRow("messages wrong type")
            << QByteArray(R"({"model":"x","messages":"hi"})") << 400 << u"messages"_s;
        QTest::newRow("temperature wrong type")
            << QByteArray(
                   R"({"model":"x","messages":[{"role":"user","content":"a"}],"temperature":"hot"})")
            << 400 << u"temperature"_s;
        QTest::newRow("stream wrong type")
            << QByteArray(
                   R"({"model":"x","messages":[{"role":"user","content":"a"}],"stream":"yes"})")
            << 400 << u"stream"_s;
        QTest::newRow("unknown role")
            << QByteArray(R"({"model":"x","messages":[{"role":"robot","content":"a"}]})") << 400
            << u"role"_s;
    }
    void badInput()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, mention);
        startDefault();
        const auto r = h->post(u"/v1/chat/completions"_s, body);
        QCOMPARE(r.status, status);
        const QJsonObject err = r.json().value(u"error"_s).toObject();
        QCOMPARE(err.value(u"type"_s).toString(), u"invalid_request_error"_s);
        QVERIFY2(err.value(u"message"_s).toString().contains(mention), r.body.constData());
        QCOMPARE(h->upstream().count("/v1/chat/completions"), 0);
    }

    void oversizeBodyIs413()
    {
        startDefault({{u"MAX_BODY_BYTES"_s, u"4096"_s}});
        QJsonObject body = chatBody();
        body.insert(u"padding"_s, QString(10000, u'x'));
        const auto r = h->postJson(u"/v1/chat/completions"_s, body);
        QCOMPARE(r.status, 413);
        QVERIFY(r.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"4096"_s));
        const auto a = h->postJson(u"/v1/messages"_s, body);
        QCOMPARE(a.status, 413);
        QCOMPARE(a.json().value(u"type"_s).toString(), u"error"_s); // Anthropic shape on its route
        QCOMPARE(a.json().value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"request_too_large"_s);
    }

    void unknownPathAndWrongMethod()
    {
        startDefault();
        const auto r = h->get(u"/v1/nothing"_s);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.json().value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"not_found_error"_s);
        const auto m = h->get(u"/v1/chat/completions"_s);
        QCOMPARE(m.status, 405);
        QCOMPARE(m.header("allow"), QByteArray("POST"));
        QVERIFY(m.json().value(u"error"_s).isObject());
    }

    void corsPreflight()
    {
        startDefault();
        QNetworkRequest req(h->url(u"/v1/chat/completions"_s));
        req.setRawHeader("Origin", "http://localhost:3000");
        req.setRawHeader("Access-Control-Request-Method", "POST");
        req.setRawHeader("Access-Control-Request-Headers", "authorization, content-type");
        auto r = waitForReply(h->client().sendCustomRequest(req, "OPTIONS"), 5000);
        QCOMPARE(r.status, 204);
        QCOMPARE(r.header("access-control-allow-origin"), QByteArray("http://localhost:3000"));
        QVERIFY(r.header("access-control-allow-methods").contains("POST"));
        req.setRawHeader("Origin", "https://evil.example");
        r = waitForReply(h->client().sendCustomRequest(req, "OPTIONS"), 5000);
        QCOMPARE(r.status, 403);
        QVERIFY(r.header("access-control-allow-origin").isEmpty());
    }

    void refreshIsSingleFlight()
    {
        h = std::make_unique<ProxyHarness>();
        h->writeQwenCredentials(u"access-token-expired-01"_s,
                                QDateTime::currentMSecsSinceEpoch() - 1000);
        QString err;
        QVERIFY2(h->start({}, &err), qPrintable(err));
        h->upstream().serveTokenRefresh(200, 3600, /*delayMs*/ 200);
        h->upstream().replyJson(200, completion(u"ok"_s));
        QList<QNetworkReply *> replies;
        for (int i = 0; i < 100; ++i) {
            // Several managers, so the 100 requests really are concurrent at the proxy.
            QNetworkRequest req(h->url(u"/v1/chat/completions"_s));
            req.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
            replies.append(h->client().post(req, QJsonDocument(chatBody()).toJson()));
        }
        int ok = 0;
        for (auto *r : replies)
            ok += waitForReply(r, 20000).status == 200;
        QCOMPARE(ok, 100);
        QCOMPARE(h->upstream().refreshCount(), 1);
        for (const auto &rec : h->upstream().requestsTo("/v1/chat/completions"))
            QCOMPARE(rec.header("authorization"), QByteArray("Bearer fresh-access-token-1"));
    }

    void deadRefreshTokenNeedsLogin()
    {
        h = std::make_unique<ProxyHarness>();
        h->writeQwenCredentials(u"access-token-expired-01"_s,
                                QDateTime::currentMSecsSinceEpoch() - 1000);
        QString err;
        QVERIFY2(h->start({}, &err), qPrintable(err));
        h->upstream().serveTokenRefresh(400);
        const auto r = h->postJson(u"/v1/chat/completions"_s, chatBody());
        QCOMPARE(r.status, 401);
        QVERIFY(r.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"log in again"_s));
        QVERIFY(QFile::exists(h->qwenHome() + u"/oauth_creds.json"_s)); // never deleted
        QCOMPARE(h->upstream().count("/v1/chat/completions"), 0);
        // A second request does not hammer the token endpoint with a dead refresh token: the pool
        // knows the account needs a login and says so (503: the client's own key is fine).
        const auto again = h->postJson(u"/v1/chat/completions"_s, chatBody());
        QCOMPARE(again.status, 503);
        QVERIFY(again.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"needs a new login"_s));
        QCOMPARE(h->upstream().refreshCount(), 1);
        const auto health = h->get(u"/health"_s).json();
        QCOMPARE(
            health.value(u"accounts"_s).toArray().first().toObject().value(u"status"_s).toString(),
            u"needs_login"_s);
    }

    void hundredConcurrentStreamsFlowAtOnce()
    {
        startDefault();
        // Every stream sends one chunk, waits, then finishes. If any stream had to queue behind
        // others (QNAM's 6 connections per host), it would get its first chunk only after
        // another stream completed.
        h->upstream().replySse(
            {{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"first"_s}})},
             {1500, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"second"_s}}, u"stop"_s)},
             {0, "[DONE]"}});
        const int n = 100;
        QList<QNetworkAccessManager *> nams;
        QList<QNetworkReply *> replies;
        int firstChunks = 0, finished = 0, firstAfterAFinish = 0;
        for (int i = 0; i < n; ++i) {
            auto *nam = new QNetworkAccessManager(this); // one per stream: no client-side queueing
            nams.append(nam);
            QNetworkRequest req(h->url(u"/v1/chat/completions"_s));
            req.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
            QNetworkReply *r = nam->post(req, QJsonDocument(chatBody(true)).toJson());
            auto seen = std::make_shared<bool>(false);
            connect(r, &QNetworkReply::readyRead, this, [&, seen] {
                if (!*seen) {
                    *seen = true;
                    ++firstChunks;
                    if (finished > 0)
                        ++firstAfterAFinish;
                }
            });
            connect(r, &QNetworkReply::finished, this, [&] { ++finished; });
            replies.append(r);
        }
        QTRY_COMPARE_WITH_TIMEOUT(finished, n, 30000);
        QCOMPARE(firstChunks, n);
        QCOMPARE(firstAfterAFinish, 0);
        for (auto *r : replies)
            QCOMPARE(r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        qDeleteAll(nams);
    }

    void expectContinueAnsweredAtOnce()
    {
        startDefault();
        h->upstream().replyJson(200, completion(u"ok"_s));
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, h->runtime().port());
        QVERIFY(s.waitForConnected(3000));
        const QByteArray body = QJsonDocument(chatBody()).toJson(QJsonDocument::Compact);
        s.write("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                "application/json\r\n"
                "Expect: 100-continue\r\nContent-Length: " +
                QByteArray::number(body.size()) + "\r\n\r\n");
        QByteArray interim;
        QTRY_VERIFY_WITH_TIMEOUT((interim += s.readAll()).contains("\r\n\r\n"), 3000);
        QCOMPARE(interim, QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
        s.write(body);
        QByteArray resp;
        QTRY_VERIFY_WITH_TIMEOUT((resp += s.readAll()).contains("\"ok\""), 5000);
        QVERIFY(resp.startsWith("HTTP/1.1 200"));
    }

    void pipelinedRequestsAnswerInOrder()
    {
        startDefault();
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, h->runtime().port());
        QVERIFY(s.waitForConnected(3000));
        // The first request is slow (upstream hang would block; use a 404 and a health check).
        s.write("GET /v1/models HTTP/1.1\r\nHost: localhost\r\n\r\nGET /health HTTP/1.1\r\nHost: "
                "localhost\r\n\r\n");
        QByteArray resp;
        QTRY_VERIFY_WITH_TIMEOUT((resp += s.readAll()).contains("uptime_seconds"), 5000);
        QVERIFY(resp.indexOf("\"object\":\"list\"") < resp.indexOf("uptime_seconds"));
    }

    void framingAbuseRejected_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("status");
        QTest::newRow("Content-Length and chunked")
            << QByteArray("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: "
                          "5\r\nTransfer-Encoding: chunked\r\n\r\n")
            << QByteArray("400");
        QTest::newRow("two Content-Length")
            << QByteArray("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: "
                          "5\r\nContent-Length: 6\r\n\r\n")
            << QByteArray("400");
        QTest::newRow("negative length")
            << QByteArray(
                   "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")
            << QByteArray("400");
        QTest::newRow("space before colon")
            << QByteArray(
                   "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\n")
            << QByteArray("400");
        QTest::newRow("huge header")
            << QByteArray("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(70000, 'a') +
                          "\r\n\r\n")
            << QByteArray("431");
        QTest::newRow("HTTP/2 request line")
            << QByteArray("GET /health HTTP/2.0\r\nHost: x\r\n\r\n") << QByteArray("505");
        QTest::newRow("missing Host")
            << QByteArray("GET /health HTTP/1.1\r\n\r\n") << QByteArray("400");
    }
    void framingAbuseRejected()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, status);
        startDefault();
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, h->runtime().port());
        QVERIFY(s.waitForConnected(3000));
        s.write(raw);
        QByteArray resp;
        QTRY_VERIFY_WITH_TIMEOUT((resp += s.readAll()).contains("\r\n\r\n"), 5000);
        QVERIFY2(resp.startsWith(QByteArray(QByteArray("HTTP/1.1 ") + status)),
                 resp.left(100).constData());
        QTRY_COMPARE_WITH_TIMEOUT(s.state(), QAbstractSocket::UnconnectedState, 5000);
    }
};

QTEST_GUILESS_MAIN(TestOpenAI)
#include "tst_openai.moc"
