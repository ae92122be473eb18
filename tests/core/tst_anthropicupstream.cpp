// One call to an Anthropic-compatible upstream (Upstream::Api::AnthropicMessages) against the
// fake upstream: the URL and headers it sends, the client's body unchanged, the stream reported
// as whole frames with their exact bytes, and errors classified by the one classifier.
#include "fakeupstream.h"
#include "protocol/jsonbytes.h"
#include "upstream/chatcall.h"
#include "upstream/errorclass.h"
#include "upstream/httpclient.h"
#include "upstream/ssesplitter.h"
#include "upstream/upstreamerror.h"

#include <QJsonDocument>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp;
using namespace qp::test;

namespace {

struct Sink : ChatSink {
    QStringList calls;
    QList<SseFrame> frames;
    QByteArray body;
    std::optional<Error> error;
    bool errorMidStream = false;
    void upstreamStarted() override { calls << u"started"_s; }
    void upstreamEvent(const QByteArray &) override { calls << u"event"_s; }
    void upstreamFrame(const SseFrame &f) override
    {
        calls << u"frame"_s;
        frames.append(f);
    }
    void upstreamBody(const QByteArray &b) override
    {
        calls << u"body"_s;
        body = b;
    }
    void upstreamEnded() override { calls << u"ended"_s; }
    void upstreamFailed(const Error &e, bool midStream) override
    {
        calls << u"failed"_s;
        error = e;
        errorMidStream = midStream;
    }
    bool done() const
    {
        return calls.contains(u"ended"_s) || calls.contains(u"failed"_s) ||
               calls.contains(u"body"_s);
    }
    QByteArray raw() const
    {
        QByteArray out;
        for (const auto &f : frames)
            out += f.raw;
        return out;
    }
};

const QByteArray kPath = "/apps/anthropic/v1/messages";

// A realistic stream, cut at awkward places by the steps below.
const QByteArray kStream =
    "event: message_start\r\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
    "\"role\":\"assistant\",\"model\":\"qwen3-coder-plus\",\"content\":[],\"usage\":"
    "{\"input_tokens\":21,\"cache_read_input_tokens\":7,\"output_tokens\":1}}}\r\n\r\n"
    "event: ping\ndata: {\"type\": \"ping\"}\n\n"
    ": a comment line\n\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
    "\"text\":\"\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
    "\"text\":\"H\\u00e9llo\"}}\n\n"
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
    "\"usage\":{\"output_tokens\":5}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

QList<SseStep> rawSteps(const QByteArray &bytes, QList<int> cuts)
{
    QList<SseStep> steps;
    int from = 0;
    cuts.append(int(bytes.size()));
    for (int cut : cuts) {
        steps.append({cut == cuts.first() ? 0 : 5, bytes.mid(from, cut - from), true});
        from = cut;
    }
    return steps;
}

} // namespace

class TestAnthropicUpstream : public QObject
{
    Q_OBJECT
    std::unique_ptr<FakeUpstream> fake;
    std::unique_ptr<HttpClient> client;

    Upstream upstream(const QString &suffix = QStringLiteral("/apps/anthropic")) const
    {
        Upstream u;
        u.name = u"alibaba-anthropic"_s;
        u.baseUrl = QUrl(u"http://127.0.0.1:%1%2"_s.arg(fake->port()).arg(suffix));
        u.auth = Upstream::Auth::ApiKey;
        u.apiKey = u"sk-test-anthropic"_s;
        u.api = Upstream::Api::AnthropicMessages;
        u.qwenQuirks = true; // an Alibaba provider: still no DashScope headers on this API
        return u;
    }
    std::unique_ptr<ChatCall> call(Sink &sink, const QByteArray &body, bool stream,
                                   QList<QPair<QByteArray, QByteArray>> clientHeaders = {},
                                   const QString &suffix = QStringLiteral("/apps/anthropic"))
    {
        auto c = std::make_unique<ChatCall>(client.get(), nullptr, ChatCallConfig(),
                                            upstream(suffix), body, stream, &sink);
        c->setClientHeaders(std::move(clientHeaders));
        c->start();
        return c;
    }

private Q_SLOTS:
    void init()
    {
        fake = std::make_unique<FakeUpstream>();
        client = std::make_unique<HttpClient>();
    }
    void cleanup()
    {
        client.reset();
        fake.reset();
    }

    void frameSplitterKeepsEveryByte_data()
    {
        QTest::addColumn<int>("pieceSize");
        QTest::newRow("byte by byte") << 1;
        QTest::newRow("7 bytes") << 7;
        QTest::newRow("whole") << 100000;
    }
    void frameSplitterKeepsEveryByte()
    {
        QFETCH(int, pieceSize);
        SseFrameSplitter s;
        QList<SseFrame> frames;
        for (qsizetype i = 0; i < kStream.size(); i += pieceSize)
            frames += s.feed(QByteArrayView(kStream).sliced(
                i, std::min<qsizetype>(pieceSize, kStream.size() - i)));
        frames += s.flush();
        QByteArray joined;
        QList<QByteArray> events;
        for (const auto &f : frames) {
            joined += f.raw;
            events << f.event;
        }
        QCOMPARE(joined, kStream);
        QCOMPARE(events, (QList<QByteArray>{"message_start", "ping", "", "content_block_start",
                                            "content_block_delta", "content_block_stop",
                                            "message_delta", "message_stop"}));
        QVERIFY(frames.at(0).data.startsWith("{\"type\":\"message_start\""));
        QVERIFY(frames.at(0).data.endsWith("}}}")); // no \r left
        QVERIFY(!frames.at(2).hasData);             // the comment
        QCOMPARE(frames.at(1).data, QByteArray("{\"type\": \"ping\"}"));
    }

    void frameSplitterFlushesUnterminatedTail()
    {
        SseFrameSplitter s;
        QVERIFY(s.feed("event: a\ndata: 1\n\nevent: b\ndata: 2").size() == 1);
        const auto tail = s.flush();
        QCOMPARE(tail.size(), 1);
        QCOMPARE(tail.first().raw, QByteArray("event: b\ndata: 2"));
        QCOMPARE(tail.first().event, QByteArray("b"));
        QCOMPARE(tail.first().data, QByteArray("2"));
        QVERIFY(s.flush().isEmpty());
    }

    void replaceModelKeepsOtherBytes()
    {
        // (No raw string here: moc misreads one holding \".)
        const QByteArray in =
            " {\"messages\":[{\"role\":\"user\",\"model\":\"nested\",\"content\":\"a, "
            "\\\"model\\\": x\"}],"
            " \"model\" : \"claude-sonnet-4-5\",  \"max_tokens\":1.0e3, \"z\":{\"model\":\"y\"}} ";
        const auto out = replaceTopLevelString(in, "model", u"qwen3-coder-\"plus\""_s);
        QVERIFY(out);
        QByteArray expected = in;
        expected.replace("\"claude-sonnet-4-5\"", "\"qwen3-coder-\\\"plus\\\"\"");
        QCOMPARE(*out, expected);
        QCOMPARE(QJsonDocument::fromJson(*out).object().value(u"model"_s).toString(),
                 u"qwen3-coder-\"plus\""_s);
        QVERIFY(!replaceTopLevelString(R"({"m":{"model":"a"}})", "model", u"b"_s));
        QVERIFY(!replaceTopLevelString(R"({"model":3})", "model", u"b"_s));
        QVERIFY(!replaceTopLevelString(R"([{"model":"a"}])", "model", u"b"_s));
    }

    void streamIsReportedVerbatim()
    {
        const QByteArray body = R"({"model":"qwen3-coder-plus","max_tokens":100,"stream":true,)"
                                R"("messages":[{"role":"user","content":"hi"}]})";
        fake->on(kPath, [this](const http::HttpRequest &, http::ResponseWriter *w) {
            fake->runSse(w, rawSteps(kStream, {3, 40, 200, 201, 420}), false);
        });
        Sink sink;
        auto c = call(sink, body, true,
                      {{"anthropic-version", "2023-01-01"},
                       {"anthropic-beta", "interleaved-thinking-2025-05-14"}});
        QTRY_VERIFY(sink.done());
        QCOMPARE(sink.calls.first(), u"started"_s);
        QCOMPARE(sink.calls.last(), u"ended"_s);
        QVERIFY(!sink.calls.contains(u"event"_s)); // frames, not OpenAI data payloads
        QCOMPARE(sink.raw(), kStream);
        QCOMPARE(c->upstreamHost(), u"127.0.0.1"_s);

        QCOMPARE(fake->requests().size(), 1);
        const RecordedRequest &r = fake->requests().first();
        QCOMPARE(r.path, kPath);
        QCOMPARE(r.body, body);
        QCOMPARE(r.header("x-api-key"), QByteArray("sk-test-anthropic"));
        QCOMPARE(r.header("authorization"), QByteArray("Bearer sk-test-anthropic"));
        QCOMPARE(r.header("anthropic-version"), QByteArray("2023-01-01"));
        QCOMPARE(r.header("anthropic-beta"), QByteArray("interleaved-thinking-2025-05-14"));
        QCOMPARE(r.header("accept"), QByteArray("text/event-stream"));
        for (const auto &h : r.headers)
            QVERIFY2(!h.first.startsWith("x-dashscope"), h.first.constData());
        QVERIFY(!r.header("user-agent").startsWith("QwenCode"));
    }

    void defaultVersionAndTrailingSlash()
    {
        fake->on("/v1/messages", [](const http::HttpRequest &, http::ResponseWriter *w) {
            w->send(200, "application/json", R"({"type":"message","usage":{"input_tokens":1}})");
        });
        Sink sink;
        auto c = call(sink, "{}", false, {}, u"/"_s);
        QTRY_VERIFY(sink.done());
        QCOMPARE(sink.calls, QStringList{u"body"_s});
        QCOMPARE(sink.body, QByteArray(R"({"type":"message","usage":{"input_tokens":1}})"));
        QCOMPARE(c->status(), 200);
        const RecordedRequest &r = fake->requests().first();
        QCOMPARE(r.path, QByteArray("/v1/messages"));
        QCOMPARE(r.header("anthropic-version"), QByteArray("2023-06-01"));
        QVERIFY(r.header("anthropic-beta").isEmpty());
        QCOMPARE(r.header("accept"), QByteArray("application/json"));
    }

    void errorFrameFirstFailsBeforeStart()
    {
        fake->on(kPath, [this](const http::HttpRequest &, http::ResponseWriter *w) {
            fake->runSse(w,
                         {{0,
                           "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
                           "\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
                           true}},
                         false);
        });
        Sink sink;
        auto c = call(sink, "{}", true);
        QTRY_VERIFY(sink.done());
        QCOMPARE(sink.calls, QStringList{u"failed"_s}); // never started: the pool may rotate
        QVERIFY(!sink.errorMidStream);
        QCOMPARE(sink.error->kind, Error::Kind::Overloaded);
        QCOMPARE(errorClassOf(*sink.error), ErrorClass::Transient);
    }

    void errorFrameLaterIsPassedOn()
    {
        const QByteArray start = kStream.left(kStream.indexOf("event: ping"));
        const QByteArray err = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
                               "\"api_error\",\"message\":\"boom\"}}\n\n";
        fake->on(kPath, [&, this](const http::HttpRequest &, http::ResponseWriter *w) {
            fake->runSse(w, {{0, start, true}, {0, err, true}}, false);
        });
        Sink sink;
        auto c = call(sink, "{}", true);
        QTRY_VERIFY(sink.done());
        QCOMPARE(sink.calls, (QStringList{u"started"_s, u"frame"_s, u"frame"_s, u"ended"_s}));
        QCOMPARE(sink.frames.last().event, QByteArray("error"));
        QCOMPARE(sink.raw(), start + err);
        const Error e = classifyAnthropicStreamError(sink.frames.last().data, u"x"_s);
        QCOMPARE(e.kind, Error::Kind::UpstreamError);
        QVERIFY(e.message.contains(u"boom"_s));
    }

    void emptyStreamIsAFailure()
    {
        fake->on(kPath, [this](const http::HttpRequest &, http::ResponseWriter *w) {
            fake->runSse(w, {}, false);
        });
        Sink sink;
        auto c = call(sink, "{}", true);
        QTRY_VERIFY(sink.done());
        QCOMPARE(sink.calls, QStringList{u"failed"_s});
        QCOMPARE(errorClassOf(*sink.error), ErrorClass::Transient);
    }

    void httpErrorsAreClassified_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("cls");
        using K = Error::Kind;
        QTest::newRow("529 overloaded") << 529 << QByteArray("overloaded_error") << u"Overloaded"_s
                                        << int(K::Overloaded) << u"transient"_s;
        QTest::newRow("429 rate limit")
            << 429 << QByteArray("rate_limit_error")
            << u"Number of request tokens has exceeded your per-minute rate limit"_s
            << int(K::RateLimited) << u"transient"_s;
        QTest::newRow("429 quota") << 429 << QByteArray("rate_limit_error")
                                   << u"You have exceeded your quota for this billing period"_s
                                   << int(K::Quota) << u"quota"_s;
        QTest::newRow("401 auth") << 401 << QByteArray("authentication_error")
                                  << u"invalid x-api-key"_s << int(K::UpstreamAuth) << u"auth"_s;
        QTest::newRow("403 permission") << 403 << QByteArray("permission_error") << u"no access"_s
                                        << int(K::Forbidden) << u"auth"_s;
        QTest::newRow("400 invalid") << 400 << QByteArray("invalid_request_error")
                                     << u"messages: bad"_s << int(K::InvalidRequest) << u"client"_s;
        QTest::newRow("400 billing") << 400 << QByteArray("invalid_request_error")
                                     << u"Your credit balance is too low to access the API"_s
                                     << int(K::Discontinued) << u"discontinued"_s;
        QTest::newRow("500 api") << 500 << QByteArray("api_error") << u"Internal server error"_s
                                 << int(K::UpstreamError) << u"transient"_s;
    }
    void httpErrorsAreClassified()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, type);
        QFETCH(QString, message);
        QFETCH(int, kind);
        QFETCH(QString, cls);
        const QJsonObject body{{u"type"_s, u"error"_s},
                               {u"error"_s, QJsonObject{{u"type"_s, QString::fromLatin1(type)},
                                                        {u"message"_s, message}}}};
        fake->on(kPath, [=](const http::HttpRequest &, http::ResponseWriter *w) {
            w->sendJson(status, body, {{"Retry-After", "2"}});
        });
        for (bool stream : {true, false}) {
            Sink sink;
            auto c = call(sink, "{}", stream);
            QTRY_VERIFY(sink.done());
            QCOMPARE(sink.calls, QStringList{u"failed"_s});
            QCOMPARE(int(sink.error->kind), kind);
            QCOMPARE(errorClassName(errorClassOf(*sink.error)), cls);
            QCOMPARE(sink.error->upstreamStatus, status);
            QCOMPARE(sink.error->retryAfterSeconds, std::optional<int>(2));
            QVERIFY(sink.error->message.contains(message));
            // The same words in-band (an `event: error` frame) land in the same class.
            const Error inBand = classifyAnthropicStreamError(QJsonDocument(body).toJson(), u"x"_s);
            QCOMPARE(errorClassName(errorClassOf(inBand)), cls);
        }
    }
};

QTEST_GUILESS_MAIN(TestAnthropicUpstream)
#include "tst_anthropicupstream.moc"
