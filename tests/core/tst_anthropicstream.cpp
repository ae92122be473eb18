// OpenAI SSE chunks -> Anthropic SSE events (qwen-protocol.md §D.4). Every streamed output is run
// through the strict stream checker, then accumulated the way an Anthropic SDK does, and the
// accumulated message is compared with what the client must end up with.

#include "protocol/anthropicstream.h"
#include "protocol/anthropicstreamchecker.h"
#include "protocol/jsonbytes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QtTest>
#include <optional>

using namespace qp::anthropic;

namespace {

QJsonObject J(const char *json)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("bad JSON in test data (%s): %s", qPrintable(err.errorString()), json);
    return doc.object();
}

QJsonArray A(const char *json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json));
    if (!doc.isArray())
        qFatal("bad JSON array in test data: %s", json);
    return doc.array();
}

QByteArray compact(const QJsonValue &v)
{
    if (v.isArray())
        return QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact);
    if (v.isObject())
        return QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
    return QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
}

// --- upstream chunk builders (Qwen's OpenAI-compatible stream) ---------------------------------

QJsonObject chunkWith(const QJsonObject &delta, const QJsonValue &finish = QJsonValue::Null)
{
    return QJsonObject{
        {QLatin1String("id"), QLatin1String("chatcmpl-1")},
        {QLatin1String("object"), QLatin1String("chat.completion.chunk")},
        {QLatin1String("model"), QLatin1String("qwen3-coder-plus")},
        {QLatin1String("choices"),
         QJsonArray{QJsonObject{{QLatin1String("index"), 0},
                                {QLatin1String("delta"), delta},
                                {QLatin1String("finish_reason"), finish}}}},
    };
}

QJsonObject text(const char *t)
{
    return chunkWith(QJsonObject{{QLatin1String("content"), QString::fromUtf8(t)}});
}

QJsonObject reasoning(const char *t)
{
    return chunkWith(QJsonObject{{QLatin1String("reasoning_content"), QString::fromUtf8(t)}});
}

// A tool_calls delta; nullptr leaves a field out, index -1 leaves the index out.
QJsonObject tool(int index, const char *id, const char *name, const char *args)
{
    QJsonObject tc;
    if (index >= 0)
        tc.insert(QLatin1String("index"), index);
    if (id) {
        tc.insert(QLatin1String("id"), QLatin1String(id));
        tc.insert(QLatin1String("type"), QLatin1String("function"));
    }
    QJsonObject fn;
    if (name)
        fn.insert(QLatin1String("name"), QLatin1String(name));
    if (args)
        fn.insert(QLatin1String("arguments"), QString::fromUtf8(args));
    tc.insert(QLatin1String("function"), fn);
    return chunkWith(QJsonObject{{QLatin1String("tool_calls"), QJsonArray{tc}}});
}

QJsonObject finish(const char *reason)
{
    return chunkWith(QJsonObject{}, QLatin1String(reason));
}

QJsonObject usage(int prompt, int completion, int cached = 0)
{
    QJsonObject u{{QLatin1String("prompt_tokens"), prompt},
                  {QLatin1String("completion_tokens"), completion},
                  {QLatin1String("total_tokens"), prompt + completion}};
    if (cached)
        u.insert(QLatin1String("prompt_tokens_details"),
                 QJsonObject{{QLatin1String("cached_tokens"), cached}});
    return QJsonObject{{QLatin1String("id"), QLatin1String("chatcmpl-1")},
                       {QLatin1String("choices"), QJsonArray()},
                       {QLatin1String("usage"), u}};
}

using Chunks = QList<QJsonObject>;

struct Run {
    QByteArray sse;
    QStringList violations;
    QJsonObject message;
};

Run runStream(const Chunks &chunks, bool thinking, int inputEstimate = 42)
{
    StreamTranslator t(QStringLiteral("claude-sonnet-4-5"), thinking, inputEstimate);
    Run r;
    r.sse += t.begin();
    for (const QJsonObject &c : chunks)
        r.sse += t.onChunk(c);
    r.sse += t.finish();
    r.violations = checkAnthropicStream(r.sse);
    r.message = accumulateAnthropicStream(r.sse);
    return r;
}

// Generated tool ids are random: expectations write them as "toolu_*".
QJsonArray maskIds(QJsonArray content, const QJsonArray &want)
{
    static const QRegularExpression generated(QStringLiteral("^toolu_[0-9A-Za-z]{24}$"));
    for (qsizetype i = 0; i < content.size() && i < want.size(); ++i) {
        QJsonObject block = content.at(i).toObject();
        if (want.at(i).toObject().value(QLatin1String("id")).toString() ==
                QLatin1String("toolu_*") &&
            generated.match(block.value(QLatin1String("id")).toString()).hasMatch()) {
            block.insert(QLatin1String("id"), QLatin1String("toolu_*"));
            content[i] = block;
        }
    }
    return content;
}

} // namespace

class TestAnthropicStream : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void translates_data();
    void translates();
    void usageAfterFinishReason();
    void usageEstimatedWithoutUsageChunk();
    void midStreamErrors_data();
    void midStreamErrors();
    void failBeforeAnyChunk();
    void endIsIdempotent();
    void pingsKeepTheStreamValid();
    void eventFraming();
    void deltaEventsAreWhatQtWrites_data();
    void deltaEventsAreWhatQtWrites();
    void argumentsSplitAnywhere();
    void checkerCatchesViolations_data();
    void checkerCatchesViolations();
    void accumulatorHandlesCrLf();
};

void TestAnthropicStream::translates_data()
{
    QTest::addColumn<Chunks>("chunks");
    QTest::addColumn<bool>("thinking");
    QTest::addColumn<QJsonArray>("content");
    QTest::addColumn<QString>("stopReason");

    auto row = [](const char *name, const Chunks &chunks, bool thinking, const char *content,
                  const char *stop) {
        QTest::newRow(name) << chunks << thinking << A(content) << QString::fromLatin1(stop);
    };

    row("plain text",
        {chunkWith(J(R"({"role":"assistant","content":""})")), text("Hel"), text("lo"),
         finish("stop"), usage(10, 2)},
        false, R"([{"type":"text","text":"Hello"}])", "end_turn");
    row("reasoning then text",
        {reasoning("Let me "), reasoning("think."), text("Answer"), finish("stop")}, true,
        R"([{"type":"thinking","thinking":"Let me think.","signature":""},{"type":"text","text":"Answer"}])",
        "end_turn");
    row("thinking disabled drops reasoning",
        {reasoning("secret plan"), text("Answer"), finish("stop")}, false,
        R"([{"type":"text","text":"Answer"}])", "end_turn");
    row("leaked think tags split across chunks",
        {text("<thi"), text("nk>\nplan</th"), text("ink>\n\nAnswer"), finish("stop")}, true,
        R"([{"type":"thinking","thinking":"\nplan","signature":""},{"type":"text","text":"Answer"}])",
        "end_turn");
    row("leaked think tags dropped when thinking disabled",
        {text("<think>plan</think>"), text("Answer"), finish("stop")}, false,
        R"([{"type":"text","text":"Answer"}])", "end_turn");
    row("text that starts like a tag is text", {text("<th"), text("is is html"), finish("stop")},
        false, R"([{"type":"text","text":"<this is html"}])", "end_turn");
    row("tool args arrive with the name",
        {tool(0, "call_1", "Bash", R"({"command":"ls -la"})"), finish("tool_calls")}, false,
        R"([{"type":"tool_use","id":"call_1","name":"Bash","input":{"command":"ls -la"}}])",
        "tool_use");
    row("arguments streamed in fragments",
        {tool(0, "call_1", "Read", ""), tool(0, nullptr, nullptr, R"({"file_)"),
         tool(0, nullptr, nullptr, R"(path": "/etc/)"), tool(0, nullptr, nullptr, R"(hosts"})"),
         finish("tool_calls")},
        false,
        R"([{"type":"tool_use","id":"call_1","name":"Read","input":{"file_path":"/etc/hosts"}}])",
        "tool_use");
    row("tool call without a name in the first delta",
        {tool(0, "call_1", nullptr, R"({"pattern":)"), tool(0, nullptr, "Grep", nullptr),
         tool(0, nullptr, nullptr, R"("TODO"})"), finish("tool_calls")},
        false, R"([{"type":"tool_use","id":"call_1","name":"Grep","input":{"pattern":"TODO"}}])",
        "tool_use");
    row("name and id arrive after the arguments",
        {tool(0, nullptr, nullptr, R"({"a":1})"), tool(0, "call_9", "Calc", nullptr),
         finish("tool_calls")},
        false, R"([{"type":"tool_use","id":"call_9","name":"Calc","input":{"a":1}}])", "tool_use");
    row("name-only delta then arguments",
        {tool(0, "c", "Write", nullptr), tool(0, nullptr, nullptr, R"({"content":"x"})"),
         finish("tool_calls")},
        false, R"([{"type":"tool_use","id":"c","name":"Write","input":{"content":"x"}}])",
        "tool_use");
    row("missing index defaults to 0",
        {tool(-1, "c", "LS", R"({"path":)"), tool(-1, nullptr, nullptr, R"("/"})"),
         finish("tool_calls")},
        false, R"([{"type":"tool_use","id":"c","name":"LS","input":{"path":"/"}}])", "tool_use");
    row("missing id gets a toolu id", {tool(0, nullptr, "LS", "{}"), finish("tool_calls")}, false,
        R"([{"type":"tool_use","id":"toolu_*","name":"LS","input":{}}])", "tool_use");
    row("empty arguments for a no-arg tool", {tool(0, "c", "TodoRead", ""), finish("tool_calls")},
        false, R"([{"type":"tool_use","id":"c","name":"TodoRead","input":{}}])", "tool_use");
    row("absent arguments for a no-arg tool",
        {tool(0, "c", "TodoRead", nullptr), finish("tool_calls")}, false,
        R"([{"type":"tool_use","id":"c","name":"TodoRead","input":{}}])", "tool_use");
    row("single-quoted arguments repaired",
        {tool(0, "c", "Grep", "{'pattern': 'it', "), tool(0, nullptr, nullptr, "'-i': True}"),
         finish("tool_calls")},
        false, R"([{"type":"tool_use","id":"c","name":"Grep","input":{"pattern":"it","-i":true}}])",
        "tool_use");
    row("truncated arguments at max_tokens repaired",
        {tool(0, "c", "Write", R"({"file_path":"/a","content":"hel)"), finish("length")}, false,
        R"([{"type":"tool_use","id":"c","name":"Write","input":{"file_path":"/a","content":"hel"}}])",
        "max_tokens");
    row("hopeless arguments become an empty object",
        {tool(0, "c", "Bash", "run ls please"), finish("tool_calls")}, false,
        R"([{"type":"tool_use","id":"c","name":"Bash","input":{}}])", "tool_use");
    row("parallel tool calls",
        {text("Reading both."), tool(0, "a", "Read", ""),
         tool(0, nullptr, nullptr, R"({"file_path":"/a"})"), tool(1, "b", "Read", ""),
         tool(1, nullptr, nullptr, R"({"file_path":"/b"})"), finish("tool_calls"), usage(5, 5)},
        false,
        R"([{"type":"text","text":"Reading both."},
            {"type":"tool_use","id":"a","name":"Read","input":{"file_path":"/a"}},
            {"type":"tool_use","id":"b","name":"Read","input":{"file_path":"/b"}}])",
        "tool_use");
    row("interleaved tool fragments keep call order",
        {tool(0, "a", "Read", R"({"file_path":)"), tool(1, "b", "Read", R"({"file_path":"/b"})"),
         tool(0, nullptr, nullptr, R"("/a"})"), finish("tool_calls")},
        false,
        R"([{"type":"tool_use","id":"a","name":"Read","input":{"file_path":"/a"}},
            {"type":"tool_use","id":"b","name":"Read","input":{"file_path":"/b"}}])",
        "tool_use");
    row("index reuse with a new id is a new call",
        {tool(0, "a", "Read", R"({"file_path":"/a"})"),
         tool(0, "b", "Read", R"({"file_path":"/b"})"), finish("tool_calls")},
        false,
        R"([{"type":"tool_use","id":"a","name":"Read","input":{"file_path":"/a"}},
            {"type":"tool_use","id":"b","name":"Read","input":{"file_path":"/b"}}])",
        "tool_use");
    row("replayed chunks for a completed id",
        {tool(0, "a", "Read", R"({"file_path":"/a"})"), tool(1, "b", "LS", "{}"),
         tool(0, "a", "Read", R"({"file_path":"/a"})"), finish("tool_calls")},
        false,
        R"([{"type":"tool_use","id":"a","name":"Read","input":{"file_path":"/a"}},
            {"type":"tool_use","id":"b","name":"LS","input":{}}])",
        "tool_use");
    row("duplicate finish chunks",
        {tool(0, "a", "LS", "{}"), finish("tool_calls"), tool(0, "a", "LS", "{}"),
         finish("tool_calls"), finish("stop")},
        false, R"([{"type":"tool_use","id":"a","name":"LS","input":{}}])", "tool_use");
    row("tool calls with finish_reason stop still mean tool_use",
        {tool(0, "a", "LS", "{}"), finish("stop")}, false,
        R"([{"type":"tool_use","id":"a","name":"LS","input":{}}])", "tool_use");
    row("text after a tool block",
        {text("Let me look."), tool(0, "a", "LS", "{}"), text("Done looking."),
         finish("tool_calls")},
        false,
        R"([{"type":"text","text":"Let me look."},{"type":"tool_use","id":"a","name":"LS","input":{}},
            {"type":"text","text":"Done looking."}])",
        "tool_use");
    row("text while a tool call is incomplete does not break it",
        {tool(0, "a", "Read", R"({"file_path":)"), text("hmm"),
         tool(0, nullptr, nullptr, R"("/a"})"), finish("tool_calls")},
        false,
        R"([{"type":"text","text":"hmm"},{"type":"tool_use","id":"a","name":"Read","input":{"file_path":"/a"}}])",
        "tool_use");
    row("whitespace before a tool call is dropped",
        {text("\n\n"), tool(0, "a", "LS", "{}"), finish("tool_calls")}, false,
        R"([{"type":"tool_use","id":"a","name":"LS","input":{}}])", "tool_use");
    row("whitespace inside text is kept", {text("a"), text("\n\n"), text("b"), finish("stop")},
        false, R"([{"type":"text","text":"a\n\nb"}])", "end_turn");
    row("blank-only answer is still sent", {text("\n"), finish("stop")}, false,
        R"([{"type":"text","text":"\n"}])", "end_turn");
    row("stray im_end text", {text("Done."), text("<|im_end|>"), finish("stop")}, false,
        R"([{"type":"text","text":"Done."}])", "end_turn");
    row("stray im_end after tool call",
        {tool(0, "a", "LS", "{}"), text("<|im_end|>"), finish("tool_calls")}, false,
        R"([{"type":"tool_use","id":"a","name":"LS","input":{}}])", "tool_use");
    row("thinking then tool",
        {reasoning("need files"), tool(0, "a", "LS", "{}"), finish("tool_calls")}, true,
        R"([{"type":"thinking","thinking":"need files","signature":""},
            {"type":"tool_use","id":"a","name":"LS","input":{}}])",
        "tool_use");
    row("tool call never named is dropped",
        {text("ok"), tool(0, "a", nullptr, "{}"), finish("tool_calls")}, false,
        R"([{"type":"text","text":"ok"}])", "end_turn");
    row("stream ends without finish_reason", {text("cut"), tool(0, "a", "LS", "{}")}, false,
        R"([{"type":"text","text":"cut"},{"type":"tool_use","id":"a","name":"LS","input":{}}])",
        "tool_use");
    row("empty stream", {}, false, "[]", "end_turn");
    row("content and tool call in one chunk",
        {chunkWith(J(R"({"content":"Running.","tool_calls":[{"index":0,"id":"a","type":"function",
                        "function":{"name":"Bash","arguments":"{\"command\":\"pwd\"}"}}]})"),
                   QLatin1String("tool_calls"))},
        false,
        R"([{"type":"text","text":"Running."},
            {"type":"tool_use","id":"a","name":"Bash","input":{"command":"pwd"}}])",
        "tool_use");
    row("arguments sent as an object",
        {chunkWith(J(
             R"({"tool_calls":[{"index":0,"id":"a","function":{"name":"LS","arguments":{"path":"/"}}}]})")),
         finish("tool_calls")},
        false, R"([{"type":"tool_use","id":"a","name":"LS","input":{"path":"/"}}])", "tool_use");
    row("content_filter means refusal", {text("I can"), finish("content_filter")}, false,
        R"([{"type":"text","text":"I can"}])", "refusal");
    row("second choice ignored",
        {J(R"({"choices":[{"index":1,"delta":{"content":"other"}},{"index":0,"delta":{"content":"mine"}}]})"),
         finish("stop")},
        false, R"([{"type":"text","text":"mine"}])", "end_turn");
}

void TestAnthropicStream::translates()
{
    QFETCH(Chunks, chunks);
    QFETCH(bool, thinking);
    QFETCH(QJsonArray, content);
    QFETCH(QString, stopReason);

    const Run r = runStream(chunks, thinking);
    QVERIFY2(r.violations.isEmpty(), qPrintable(r.violations.join(QLatin1Char('\n')) +
                                                QLatin1Char('\n') + QString::fromUtf8(r.sse)));
    QCOMPARE(compact(maskIds(r.message.value(QLatin1String("content")).toArray(), content)),
             compact(content));
    QCOMPARE(r.message.value(QLatin1String("stop_reason")).toString(), stopReason);
    QCOMPARE(r.message.value(QLatin1String("model")).toString(),
             QStringLiteral("claude-sonnet-4-5"));
    QVERIFY(!r.message.contains(QLatin1String("error")));
    // Tool input is sent as one complete JSON document per block.
    QCOMPARE(r.sse.count("\"input_json_delta\""), r.sse.count("\"type\":\"tool_use\""));
}

void TestAnthropicStream::usageAfterFinishReason()
{
    StreamTranslator t(QStringLiteral("m"), false, 999);
    QByteArray sse = t.begin();
    sse += t.onChunk(text("hi"));
    const QByteArray atFinish = t.onChunk(finish("stop"));
    QVERIFY2(!atFinish.contains("message_delta"), "message_delta must wait for the usage chunk");
    sse += atFinish;
    sse += t.onChunk(usage(120, 7, 100));
    sse += t.finish();
    QVERIFY(checkAnthropicStream(sse).isEmpty());
    const QJsonObject u = accumulateAnthropicStream(sse).value(QLatin1String("usage")).toObject();
    QCOMPARE(u.value(QLatin1String("input_tokens")).toInt(), 20);
    QCOMPARE(u.value(QLatin1String("output_tokens")).toInt(), 7);
    QCOMPARE(u.value(QLatin1String("cache_read_input_tokens")).toInt(), 100);
    QVERIFY(t.usage().fromUpstream);
    QCOMPARE(t.usage().inputTokens, 20);
    QCOMPARE(t.stopReason(), QStringLiteral("end_turn"));
}

void TestAnthropicStream::usageEstimatedWithoutUsageChunk()
{
    const Run r = runStream({text("12345678"), finish("stop")}, false, 321);
    QVERIFY(r.violations.isEmpty());
    const QJsonObject u = r.message.value(QLatin1String("usage")).toObject();
    QCOMPARE(u.value(QLatin1String("input_tokens")).toInt(), 321);
    QCOMPARE(u.value(QLatin1String("output_tokens")).toInt(), 2); // 8 chars / 4
}

void TestAnthropicStream::midStreamErrors_data()
{
    QTest::addColumn<Chunks>("chunks");
    QTest::addColumn<QJsonArray>("content");
    QTest::addColumn<QString>("errorType");
    QTest::addColumn<QString>("message");

    QTest::newRow("error_finish mid-stream")
        << Chunks{text("partial"), chunkWith(J(R"({"content":"Requests throttling triggered."})"),
                                             QLatin1String("error_finish"))}
        << A(R"([{"type":"text","text":"partial"}])") << QStringLiteral("rate_limit_error")
        << QStringLiteral("Requests throttling triggered.");
    QTest::newRow("error_finish with a generic error")
        << Chunks{reasoning("x"), chunkWith(J(R"({"content":"Internal server error"})"),
                                            QLatin1String("error_finish"))}
        << A("[]") << QStringLiteral("api_error") << QStringLiteral("Internal server error");
    QTest::newRow("error object chunk")
        << Chunks{text("a"),
                  J(R"({"error":{"message":"boom","type":"server_error","code":"500"}})")}
        << A(R"([{"type":"text","text":"a"}])") << QStringLiteral("api_error")
        << QStringLiteral("boom");
    QTest::newRow("error chunk about quota")
        << Chunks{J(
               R"({"error":{"message":"Free allocated quota exceeded.","code":"insufficient_quota"}})")}
        << A("[]") << QStringLiteral("rate_limit_error")
        << QStringLiteral("Free allocated quota exceeded.");
    QTest::newRow("error while a tool call is buffered drops the half call")
        << Chunks{tool(0, "a", "Read", R"({"file_path":)"), J(R"({"error":"upstream reset"})")}
        << A("[]") << QStringLiteral("api_error") << QStringLiteral("upstream reset");
    QTest::newRow("overloaded error chunk")
        << Chunks{J(R"({"error":{"message":"Model is overloaded"}})")} << A("[]")
        << QStringLiteral("overloaded_error") << QStringLiteral("Model is overloaded");
    // The same classifier as the OpenAI route: arrears park the account, context length is the
    // client's problem.
    QTest::newRow("arrears chunk")
        << Chunks{J(R"({"error":{"message":"Access denied, please make sure your account is in good standing.","code":"Arrearage"}})")}
        << A("[]") << QStringLiteral("authentication_error")
        << QStringLiteral("Access denied, please make sure your account is in good standing.");
    QTest::newRow("context length chunk")
        << Chunks{J(R"({"error":{"message":"Range of input length should be [1, 98304]"}})")}
        << A("[]") << QStringLiteral("invalid_request_error")
        << QStringLiteral("Range of input length should be [1, 98304]");
}

void TestAnthropicStream::midStreamErrors()
{
    QFETCH(Chunks, chunks);
    QFETCH(QJsonArray, content);
    QFETCH(QString, errorType);
    QFETCH(QString, message);

    StreamTranslator t(QStringLiteral("m"), false, 1);
    QByteArray sse = t.begin();
    for (const QJsonObject &c : chunks)
        sse += t.onChunk(c);
    QVERIFY(t.finished());
    QVERIFY(t.sawError());
    QCOMPARE(t.error()->message, message);
    // Nothing may follow the error, whatever the caller does next.
    QVERIFY(t.onChunk(text("late")).isEmpty());
    QVERIFY(t.finish().isEmpty());
    QVERIFY(t.ping().isEmpty());

    const QStringList violations = checkAnthropicStream(sse);
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join(QLatin1Char('\n'))));
    QVERIFY(!sse.contains("message_stop"));
    QVERIFY(!sse.contains("message_delta"));
    const QJsonObject m = accumulateAnthropicStream(sse);
    QCOMPARE(compact(m.value(QLatin1String("content"))), compact(content));
    const QJsonObject e = m.value(QLatin1String("error")).toObject();
    QCOMPARE(e.value(QLatin1String("type")).toString(), errorType);
    QCOMPARE(e.value(QLatin1String("message")).toString(), message);
}

void TestAnthropicStream::failBeforeAnyChunk()
{
    StreamTranslator t(QStringLiteral("m"), true, 1);
    const QByteArray sse = t.fail(qp::Error::make(qp::Error::Kind::Overloaded, QStringLiteral("busy")));
    QVERIFY(checkAnthropicStream(sse).isEmpty());
    QVERIFY(sse.startsWith("event: message_start\n"));
    QVERIFY(sse.endsWith(
        "event: error\ndata: {\"error\":{\"message\":\"busy\",\"type\":\"overloaded_error\"},"
        "\"type\":\"error\"}\n\n"));
    QVERIFY(t.fail(qp::Error::make(qp::Error::Kind::UpstreamError, QStringLiteral("again"))).isEmpty());
}

void TestAnthropicStream::endIsIdempotent()
{
    StreamTranslator t(QStringLiteral("m"), false, 1);
    QByteArray sse = t.begin();
    QVERIFY(t.begin().isEmpty());
    sse += t.onChunk(text("x"));
    sse += t.finish();
    QVERIFY(t.finished());
    QVERIFY(!t.sawError());
    QVERIFY(t.finish().isEmpty());
    QVERIFY(t.onChunk(text("y")).isEmpty());
    QVERIFY(t.fail(qp::Error::make(qp::Error::Kind::UpstreamError, QStringLiteral("late"))).isEmpty());
    QVERIFY(t.ping().isEmpty());
    QVERIFY(checkAnthropicStream(sse).isEmpty());
    QCOMPARE(sse.count("event: message_start"), 1);
    QCOMPARE(sse.count("event: message_stop"), 1);
}

void TestAnthropicStream::pingsKeepTheStreamValid()
{
    StreamTranslator t(QStringLiteral("m"), true, 1);
    QVERIFY(t.ping().isEmpty()); // nothing before message_start
    QByteArray sse = t.begin();
    QVERIFY(sse.contains("event: ping\n"));
    sse += t.ping();
    sse += t.onChunk(reasoning("long..."));
    sse += t.ping(); // during an open thinking block
    sse += t.onChunk(text("done"));
    sse += t.ping();
    sse += t.finish();
    const QStringList v = checkAnthropicStream(sse);
    QVERIFY2(v.isEmpty(), qPrintable(v.join(QLatin1Char('\n'))));
    QCOMPARE(sse.count("event: ping\n"), 4);
}

// Byte-level contract: "event: X\ndata: {compact json}\n\n", the event name equal to data.type,
// the message id stable between message_start and what the server may log.
void TestAnthropicStream::eventFraming()
{
    StreamTranslator t(QStringLiteral("claude-x"), false, 7);
    const QByteArray start = t.begin();
    const QByteArray expectedStart =
        "event: message_start\ndata: {\"message\":{\"content\":[],\"id\":\"" +
        t.messageId().toUtf8() +
        "\",\"model\":\"claude-x\",\"role\":\"assistant\",\"stop_reason\":null,"
        "\"stop_sequence\":null,\"type\":\"message\",\"usage\":{\"cache_creation_input_tokens\":0,"
        "\"cache_read_input_tokens\":0,\"input_tokens\":7,\"output_tokens\":0}},\"type\":"
        "\"message_start\"}\n\nevent: ping\ndata: {\"type\":\"ping\"}\n\n";
    QCOMPARE(start, expectedStart);
    QCOMPARE(
        t.onChunk(text("a\"b")),
        QByteArray("event: content_block_start\ndata: {\"content_block\":{\"text\":\"\","
                   "\"type\":\"text\"},\"index\":0,\"type\":\"content_block_start\"}\n\n"
                   "event: content_block_delta\ndata: {\"delta\":{\"text\":\"a\\\"b\","
                   "\"type\":\"text_delta\"},\"index\":0,\"type\":\"content_block_delta\"}\n\n"));
}

// Whatever way the upstream splits a call's arguments into fragments, the client receives the
// same input, in a single complete delta.
void TestAnthropicStream::argumentsSplitAnywhere()
{
    const QString args = QStringLiteral(
        R"({"file_path":"/tmp/ü.txt","old_string":"a\n\"b\"","new_string":"c","replace_all":false})");
    const QJsonObject want = QJsonDocument::fromJson(args.toUtf8()).object();
    QRandomGenerator rng(1234); // fixed seed: failures are reproducible
    for (int round = 0; round < 200; ++round) {
        Chunks chunks{tool(0, "call_x", "Edit", "")};
        qsizetype pos = 0;
        while (pos < args.size()) {
            const qsizetype len = 1 + rng.bounded(int(qMin<qsizetype>(8, args.size() - pos)));
            chunks << tool(0, nullptr, nullptr, args.mid(pos, len).toUtf8().constData());
            pos += len;
        }
        chunks << finish("tool_calls") << usage(1, 1);
        const Run r = runStream(chunks, false);
        QVERIFY2(r.violations.isEmpty(), qPrintable(r.violations.join(QLatin1Char('\n'))));
        const QJsonObject block =
            r.message.value(QLatin1String("content")).toArray().at(0).toObject();
        QCOMPARE(compact(block.value(QLatin1String("input"))), compact(want));
        QCOMPARE(r.sse.count("input_json_delta"), 1);
    }
}

void TestAnthropicStream::checkerCatchesViolations_data()
{
    QTest::addColumn<QByteArray>("sse");
    QTest::addColumn<QString>("violation");

    const QByteArray start =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
        "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"m\","
        "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,"
        "\"output_tokens\":0}}}\n\n";
    auto ev = [](const char *type, const char *json) -> QByteArray {
        return QByteArray("event: ") + type + "\ndata: " + json + "\n\n";
    };
    const QByteArray textStart =
        ev("content_block_start",
           R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
    const QByteArray toolStart = ev(
        "content_block_start",
        R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"n","input":{}}})");
    const QByteArray stop0 = ev("content_block_stop", R"({"type":"content_block_stop","index":0})");
    const QByteArray delta = ev(
        "message_delta",
        R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":1}})");
    const QByteArray toolDelta = ev(
        "message_delta",
        R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":1}})");
    const QByteArray end = ev("message_stop", R"({"type":"message_stop"})");
    auto textDelta = [&](int index, const char *type = "text_delta") -> QByteArray {
        return ev("content_block_delta",
                  QByteArray(R"({"type":"content_block_delta","index":)" +
                             QByteArray::number(index) + R"(,"delta":{"type":")" + type +
                             R"(","text":"x","thinking":"x"}})")
                      .constData());
    };

    QTest::newRow("valid stream has no violations (sanity)")
        << start + textStart + textDelta(0) + stop0 + delta + end << QString();
    QTest::newRow("missing message_start")
        << textStart + stop0 + delta + end << QStringLiteral("first event must be message_start");
    QTest::newRow("two message_starts")
        << start + start + delta + end << QStringLiteral("second message_start");
    QTest::newRow("delta before its block starts")
        << start + textDelta(0) + delta + end << QStringLiteral("which is not open");
    QTest::newRow("delta after its block stopped")
        << start + textStart + stop0 + textDelta(0) + delta + end
        << QStringLiteral("which is not open");
    QTest::newRow("index gap")
        << start +
               ev("content_block_start",
                  R"({"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})") +
               delta + end
        << QStringLiteral("block index 1, expected 0");
    QTest::newRow("text into a tool_use block")
        << start + toolStart + textDelta(0) + stop0 + toolDelta + end
        << QStringLiteral("text_delta into a tool_use block");
    QTest::newRow("thinking delta into a text block")
        << start + textStart + textDelta(0, "thinking_delta") + stop0 + delta + end
        << QStringLiteral("thinking_delta into a text block");
    QTest::newRow("invalid tool json")
        << start + toolStart +
               ev("content_block_delta",
                  R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{'a':1}"}})") +
               stop0 + toolDelta + end
        << QStringLiteral("tool_use input is not a JSON object");
    QTest::newRow("two blocks open at once")
        << start + textStart +
               ev("content_block_start",
                  R"({"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})") +
               delta + end
        << QStringLiteral("block 0 is still open");
    QTest::newRow("message_delta while a block is open")
        << start + textStart + delta + end << QStringLiteral("message_delta while block 0 is open");
    QTest::newRow("missing message_stop")
        << start + textStart + stop0 + delta
        << QStringLiteral("stream ends without message_stop or error");
    QTest::newRow("events after message_stop")
        << start + delta + end + end << QStringLiteral("event after the end of the stream");
    QTest::newRow("events after error")
        << start + ev("error", R"({"type":"error","error":{"type":"api_error","message":"x"}})") +
               end
        << QStringLiteral("event after the end of the stream");
    QTest::newRow("error with the wrong shape")
        << start + ev("error", R"({"type":"error","message":{"type":"api_error","message":"x"}})")
        << QStringLiteral("is not an Anthropic error type");
    QTest::newRow("error while a block is open")
        << start + textStart +
               ev("error", R"({"type":"error","error":{"type":"api_error","message":"x"}})")
        << QStringLiteral("error while block 0 is open");
    QTest::newRow("tool_use stop_reason without tool block")
        << start + toolDelta + end
        << QStringLiteral("stop_reason tool_use without a tool_use block");
    QTest::newRow("tool block but end_turn")
        << start + toolStart + stop0 + delta + end
        << QStringLiteral("tool_use blocks but stop_reason end_turn");
    QTest::newRow("event name differs from type")
        << start + ev("ping", R"({"type":"pong"})") + delta + end
        << QStringLiteral("event name differs from data.type");
    QTest::newRow("data not json") << start + "event: ping\ndata: {oops\n\n" + delta + end
                                   << QStringLiteral("data is not a JSON object");
    QTest::newRow("truncated last frame")
        << start + delta + end.chopped(1) << QStringLiteral("does not end with a blank line");
    QTest::newRow("tool_use block without a name")
        << start +
               ev("content_block_start",
                  R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"","input":{}}})") +
               stop0 + toolDelta + end
        << QStringLiteral("tool_use block needs a non-empty name");
    QTest::newRow("invalid stop_reason")
        << start +
               ev("message_delta",
                  R"({"type":"message_delta","delta":{"stop_reason":"stop"},"usage":{"output_tokens":1}})") +
               end
        << QStringLiteral("invalid stop_reason 'stop'");
}

void TestAnthropicStream::checkerCatchesViolations()
{
    QFETCH(QByteArray, sse);
    QFETCH(QString, violation);
    const QStringList v = checkAnthropicStream(sse);
    if (violation.isEmpty()) {
        QVERIFY2(v.isEmpty(), qPrintable(v.join(QLatin1Char('\n'))));
        return;
    }
    QVERIFY2(!v.filter(violation).isEmpty(),
             qPrintable(QStringLiteral("expected a violation containing '") + violation +
                        QStringLiteral("', got:\n") + v.join(QLatin1Char('\n'))));
}

void TestAnthropicStream::accumulatorHandlesCrLf()
{
    StreamTranslator t(QStringLiteral("m"), false, 1);
    QByteArray sse = t.begin();
    sse += t.onChunk(tool(0, "a", "LS", R"({"path":"/"})"));
    sse += t.onChunk(finish("tool_calls"));
    sse += t.finish();
    sse.replace("\n", "\r\n");
    QVERIFY(checkAnthropicStream(sse).isEmpty());
    const QJsonObject m = accumulateAnthropicStream(sse);
    QCOMPARE(compact(m.value(QLatin1String("content"))),
             compact(A(R"([{"type":"tool_use","id":"a","name":"LS","input":{"path":"/"}}])")));
}

QTEST_GUILESS_MAIN(TestAnthropicStream)
// Text and thinking deltas are written without QJsonObject (appendDeltaEvent): every byte must
// be what QJsonDocument writes for the same event, escapes and key order included, and the text
// must come back whole.
void TestAnthropicStream::deltaEventsAreWhatQtWrites_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("plain") << QStringLiteral("Hello, world");
    QTest::newRow("quotes and backslashes") << QStringLiteral("say \"hi\" \\ back\\slash \\\"");
    QTest::newRow("short escapes") << QStringLiteral("a\nb\rc\td\be\ff");
    QString controls;
    for (char16_t c = 0; c < 0x20; ++c)
        controls += QChar(c);
    controls += QChar(0x7f);
    QTest::newRow("every control character") << controls;
    QTest::newRow("latin-1 and BMP") << QStringLiteral("caf\u00e9 \u00ff \u0800 \u4e2d\u6587 \u2028 \uffff");
    QTest::newRow("emoji (surrogate pair)") << QString::fromUtf8("ok \xF0\x9F\x98\x80 \xF0\x9F\x91\x8D");
    QTest::newRow("lone high surrogate") << (QStringLiteral("a") + QChar(0xd83d) + QStringLiteral("b"));
    QTest::newRow("lone low surrogate") << (QStringLiteral("a") + QChar(0xde00));
    QTest::newRow("high surrogate at the end") << (QStringLiteral("end") + QChar(0xd83d));
    QTest::newRow("html and slashes") << QStringLiteral("</script><b>x</b> a/b");
}

void TestAnthropicStream::deltaEventsAreWhatQtWrites()
{
    QFETCH(QString, text);
    for (const bool thinking : {false, true}) {
        StreamTranslator t(QStringLiteral("claude-sonnet-4-5"), thinking, 1);
        QByteArray sse = t.begin();
        const QLatin1String field(thinking ? "reasoning_content" : "content");
        sse += t.onChunk(chunkWith(QJsonObject{{field, QString(QStringLiteral("x ") + text)}}));
        sse += t.onChunk(chunkWith(QJsonObject{{field, text}}));
        sse += t.finish();
        int deltas = 0;
        QString got;
        for (const QByteArray &block : sse.split('\n')) {
            if (!block.startsWith("data: ") || !block.contains("content_block_delta"))
                continue;
            const QByteArray data = block.mid(6);
            QJsonParseError err{};
            const QJsonObject event = QJsonDocument::fromJson(data, &err).object();
            QVERIFY2(err.error == QJsonParseError::NoError, data.constData());
            QCOMPARE(data, QJsonDocument(event).toJson(QJsonDocument::Compact));
            const QJsonObject delta = event.value(QLatin1String("delta")).toObject();
            got += delta.value(QLatin1String(thinking ? "thinking" : "text")).toString();
            ++deltas;
        }
        QCOMPARE(deltas, 2);
        // A lone surrogate comes back as itself: Qt reads the \uxxxx escape it wrote.
        QCOMPARE(got, QStringLiteral("x ") + text + text);
        QVERIFY2(checkAnthropicStream(sse).isEmpty(), sse.constData());
    }
    // The writer on its own, against Qt's for the bare string.
    QByteArray mine;
    qp::appendJsonString(mine, text);
    const QByteArray qt = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    QCOMPARE(mine, qt.mid(1, qt.size() - 2));
}

#include "tst_anthropicstream.moc"
