// Anthropic Messages request -> OpenAI chat request (qwen-protocol.md §D.1, §D.2).

#include "protocol/anthropicrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

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

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// Wraps messages (and optional extra top-level fields) into a valid request.
QJsonObject request(const char *messages, const char *extra = "{}")
{
    QJsonObject body = J(extra);
    if (!body.contains(QLatin1String("model")))
        body.insert(QLatin1String("model"), QLatin1String("claude-sonnet-4-5"));
    if (!body.contains(QLatin1String("max_tokens")))
        body.insert(QLatin1String("max_tokens"), 1024);
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(messages));
    if (!doc.isArray())
        qFatal("bad messages JSON in test data: %s", messages);
    body.insert(QLatin1String("messages"), doc.array());
    return body;
}

// The translation of request(): the same model/max_tokens plus the given fields.
QJsonObject expected(const char *messages, const char *extra = "{}")
{
    QJsonObject out = J(extra);
    out.insert(QLatin1String("model"), QLatin1String("claude-sonnet-4-5"));
    if (!out.contains(QLatin1String("max_tokens")))
        out.insert(QLatin1String("max_tokens"), 1024);
    out.insert(QLatin1String("messages"), QJsonDocument::fromJson(QByteArray(messages)).array());
    return out;
}

} // namespace

class TestAnthropicRequest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void maps_data();
    void maps();
    void rejects_data();
    void rejects();
    void schemaCleaning_data();
    void schemaCleaning();
    void detectsImages_data();
    void detectsImages();
    void detectsThinking_data();
    void detectsThinking();
};

void TestAnthropicRequest::maps_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<bool>("strict");
    QTest::addColumn<QJsonObject>("want");

    auto row = [](const char *name, const QJsonObject &body, const QJsonObject &want,
                  bool strict = false) { QTest::newRow(name) << body << strict << want; };

    row("string user message", request(R"([{"role":"user","content":"hi"}])"),
        expected(R"([{"role":"user","content":"hi"}])"));
    row("mid-conversation system message (Claude Code's default model)",
        request(R"([{"role":"user","content":"hi"},{"role":"system","content":"agent types"},
                    {"role":"user","content":[{"type":"text","text":"go"}]}])"),
        expected(R"([{"role":"user","content":"hi"},{"role":"system","content":"agent types"},
                     {"role":"user","content":"go"}])"));
    row("system string becomes first message",
        request(R"([{"role":"user","content":"hi"}])", R"({"system":"be brief"})"),
        expected(R"([{"role":"system","content":"be brief"},{"role":"user","content":"hi"}])"));
    row("system text blocks joined, empty ones skipped",
        request(R"([{"role":"user","content":"hi"}])",
                R"({"system":[{"type":"text","text":"A","cache_control":{"type":"ephemeral"}},
                              {"type":"text","text":""},{"type":"text","text":"B"}]})"),
        expected(R"([{"role":"system","content":"A\n\nB"},{"role":"user","content":"hi"}])"));
    row("empty system omitted", request(R"([{"role":"user","content":"hi"}])", R"({"system":""})"),
        expected(R"([{"role":"user","content":"hi"}])"));
    row("user text blocks joined into one string",
        request(
            R"([{"role":"user","content":[{"type":"text","text":"<system-reminder>r</system-reminder>"},
                                               {"type":"text","text":"do it","cache_control":{"type":"ephemeral"}}]}])"),
        expected(R"([{"role":"user","content":"<system-reminder>r</system-reminder>\n\ndo it"}])"));
    row("base64 image becomes a data url part",
        request(R"([{"role":"user","content":[{"type":"text","text":"what is this"},
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}}]}])"),
        expected(R"([{"role":"user","content":[{"type":"text","text":"what is this"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR"}}]}])"));
    row("url image",
        request(
            R"([{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}])"),
        expected(
            R"([{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}])"));
    row("tool_result goes before the rest of the user turn",
        request(R"([{"role":"user","content":"list files"},
                    {"role":"assistant","content":[{"type":"text","text":"Listing."},
                        {"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}]},
                    {"role":"user","content":[{"type":"text","text":"and then?"},
                        {"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt"}]}])"),
        expected(R"([{"role":"user","content":"list files"},
                     {"role":"assistant","content":"Listing.","tool_calls":[{"id":"toolu_1","type":"function",
                         "function":{"name":"Bash","arguments":"{\"command\":\"ls\"}"}}]},
                     {"role":"tool","tool_call_id":"toolu_1","content":"a.txt"},
                     {"role":"user","content":"and then?"}])"));
    row("tool_result text blocks concatenated",
        request(R"([{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1",
                    "content":[{"type":"text","text":"line 1"},{"type":"text","text":"line 2"}]}]}])"),
        expected(R"([{"role":"tool","tool_call_id":"t1","content":"line 1\nline 2"}])"));
    row("image inside tool_result",
        request(R"([{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1",
                    "content":[{"type":"text","text":"screenshot"},
                               {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/"}}]}]}])"),
        expected(R"([{"role":"tool","tool_call_id":"t1","content":"screenshot"},
                     {"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/"}}]}])"));
    row("tool_result is_error prefixed",
        request(
            R"([{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":true,
                    "content":"command not found"}]}])"),
        expected(R"([{"role":"tool","tool_call_id":"t1","content":"Error: command not found"}])"));
    row("tool_result without content",
        request(R"([{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1"}]}])"),
        expected(R"([{"role":"tool","tool_call_id":"t1","content":""}])"));
    row("parallel tool calls and their results", request(R"([{"role":"assistant","content":[
                        {"type":"tool_use","id":"a","name":"Read","input":{"file_path":"/x"}},
                        {"type":"tool_use","id":"b","name":"Glob","input":{}}]},
                    {"role":"user","content":[{"type":"tool_result","tool_use_id":"a","content":"X"},
                                              {"type":"tool_result","tool_use_id":"b","content":"Y"}]}])"),
        expected(R"([{"role":"assistant","content":"","tool_calls":[
                        {"id":"a","type":"function","function":{"name":"Read","arguments":"{\"file_path\":\"/x\"}"}},
                        {"id":"b","type":"function","function":{"name":"Glob","arguments":"{}"}}]},
                     {"role":"tool","tool_call_id":"a","content":"X"},
                     {"role":"tool","tool_call_id":"b","content":"Y"}])"));
    row("thinking blocks dropped from assistant",
        request(
            R"([{"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},
                        {"type":"redacted_thinking","data":"xx"},{"type":"text","text":"Done."}]}])"),
        expected(R"([{"role":"assistant","content":"Done."}])"));
    row("assistant turn with only thinking is skipped", request(R"([{"role":"user","content":"a"},
                    {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"s"}]},
                    {"role":"user","content":"b"}])"),
        expected(R"([{"role":"user","content":"a"},{"role":"user","content":"b"}])"));
    row("assistant text blocks joined with newline",
        request(
            R"([{"role":"assistant","content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]}])"),
        expected(R"([{"role":"assistant","content":"one\ntwo"}])"));
    row("assistant string content",
        request(R"([{"role":"user","content":"q"},{"role":"assistant","content":"a"}])"),
        expected(R"([{"role":"user","content":"q"},{"role":"assistant","content":"a"}])"));
    row("consecutive user messages kept",
        request(R"([{"role":"user","content":"a"},{"role":"user","content":"b"}])"),
        expected(R"([{"role":"user","content":"a"},{"role":"user","content":"b"}])"));
    row("first message from assistant allowed",
        request(R"([{"role":"assistant","content":"prefill"}])"),
        expected(R"([{"role":"assistant","content":"prefill"}])"));
    row("document text source becomes text",
        request(R"([{"role":"user","content":[{"type":"document","title":"README",
                    "source":{"type":"text","media_type":"text/plain","data":"hello"}},{"type":"text","text":"summarise"}]}])"),
        expected(R"([{"role":"user","content":"README\n\nhello\n\nsummarise"}])"));
    row("pdf document skipped", request(R"([{"role":"user","content":[{"type":"document",
                    "source":{"type":"base64","media_type":"application/pdf","data":"JVBER"}},{"type":"text","text":"read"}]}])"),
        expected(R"([{"role":"user","content":"read"}])"));
    row("empty text blocks skipped",
        request(
            R"([{"role":"user","content":[{"type":"text","text":""},{"type":"text","text":"x"}]}])"),
        expected(R"([{"role":"user","content":"x"}])"));
    row("tools become functions",
        request(R"([{"role":"user","content":"x"}])",
                R"({"tools":[{"name":"Bash","description":"Run","input_schema":{"type":"object",
                    "properties":{"command":{"type":"string"}},"required":["command"]}}]})"),
        expected(R"([{"role":"user","content":"x"}])",
                 R"({"tools":[{"type":"function","function":{"name":"Bash","description":"Run",
                    "parameters":{"type":"object","properties":{"command":{"type":"string"}},"required":["command"]}}}]})"));
    row("tool without schema or description",
        request(R"([{"role":"user","content":"x"}])", R"({"tools":[{"name":"Ping"}]})"),
        expected(R"([{"role":"user","content":"x"}])",
                 R"({"tools":[{"type":"function","function":{"name":"Ping","description":"",
                    "parameters":{"type":"object","properties":{}}}}]})"));
    row("server tools skipped",
        request(R"([{"role":"user","content":"x"}])",
                R"({"tools":[{"type":"web_search_20250305","name":"web_search","max_uses":5},
                             {"type":"custom","name":"Ping","input_schema":{"type":"object"}},
                             {"name":"BatchTool","input_schema":{"type":"object"}}]})"),
        expected(R"([{"role":"user","content":"x"}])",
                 R"({"tools":[{"type":"function","function":{"name":"Ping","description":"",
                    "parameters":{"type":"object"}}}]})"));
    row("only server tools: no tools and no tool_choice",
        request(
            R"([{"role":"user","content":"x"}])",
            R"({"tools":[{"type":"web_search_20250305","name":"web_search"}],"tool_choice":{"type":"any"}})"),
        expected(R"([{"role":"user","content":"x"}])"));

    const char *oneTool =
        R"({"tools":[{"name":"T","input_schema":{"type":"object"}}],"tool_choice":%1})";
    const char *oneToolOut =
        R"({"tools":[{"type":"function","function":{"name":"T","description":"","parameters":{"type":"object"}}}]%1})";
    auto choiceRow = [&](const char *name, const char *choice, const char *out) {
        const QByteArray in = QString::fromUtf8(oneTool).arg(QString::fromUtf8(choice)).toUtf8();
        const QByteArray want = QString::fromUtf8(oneToolOut).arg(QString::fromUtf8(out)).toUtf8();
        row(name, request(R"([{"role":"user","content":"x"}])", in.constData()),
            expected(R"([{"role":"user","content":"x"}])", want.constData()));
    };
    choiceRow("tool_choice auto", R"({"type":"auto"})", R"(,"tool_choice":"auto")");
    choiceRow("tool_choice any means required", R"({"type":"any"})",
              R"(,"tool_choice":"required")");
    choiceRow("tool_choice none", R"({"type":"none"})", R"(,"tool_choice":"none")");
    choiceRow("tool_choice named tool", R"({"type":"tool","name":"T"})",
              R"(,"tool_choice":{"type":"function","function":{"name":"T"}})");
    choiceRow("disable_parallel_tool_use", R"({"type":"auto","disable_parallel_tool_use":true})",
              R"(,"tool_choice":"auto","parallel_tool_calls":false)");

    row("stop_sequences become stop",
        request(R"([{"role":"user","content":"x"}])", R"({"stop_sequences":["END","\n\nHuman:"]})"),
        expected(R"([{"role":"user","content":"x"}])", R"({"stop":["END","\n\nHuman:"]})"));
    row("empty stop_sequences omitted",
        request(R"([{"role":"user","content":"x"}])", R"({"stop_sequences":[]})"),
        expected(R"([{"role":"user","content":"x"}])"));
    row("temperature zero stays zero, top_p and top_k pass",
        request(R"([{"role":"user","content":"x"}])",
                R"({"temperature":0,"top_p":0.9,"top_k":20})"),
        expected(R"([{"role":"user","content":"x"}])",
                 R"({"temperature":0,"top_p":0.9,"top_k":20})"));
    row("thinking enabled with budget",
        request(R"([{"role":"user","content":"x"}])",
                R"({"thinking":{"type":"enabled","budget_tokens":4096}})"),
        expected(R"([{"role":"user","content":"x"}])",
                 R"({"enable_thinking":true,"thinking_budget":4096})"));
    row("thinking disabled",
        request(R"([{"role":"user","content":"x"}])", R"({"thinking":{"type":"disabled"}})"),
        expected(R"([{"role":"user","content":"x"}])", R"({"enable_thinking":false})"));
    row("thinking adaptive means medium budget",
        request(R"([{"role":"user","content":"x"}])", R"({"thinking":{"type":"adaptive"}})"),
        expected(R"([{"role":"user","content":"x"}])",
                 R"({"enable_thinking":true,"thinking_budget":8192})"));
    row("unknown thinking type ignored",
        request(R"([{"role":"user","content":"x"}])", R"({"thinking":{"type":"turbo"}})"),
        expected(R"([{"role":"user","content":"x"}])"));
    row("stream copied, metadata and service_tier dropped",
        request(R"([{"role":"user","content":"x"}])",
                R"({"stream":true,"metadata":{"user_id":"u"},"service_tier":"auto"})"),
        expected(R"([{"role":"user","content":"x"}])", R"({"stream":true})"));
    row("claude code sized values accepted unchanged",
        request(R"([{"role":"user","content":"x"}])", R"({"max_tokens":64000,"temperature":1})"),
        expected(R"([{"role":"user","content":"x"}])", R"({"max_tokens":64000,"temperature":1})"));
    row("cache_control on blocks dropped",
        request(
            R"([{"role":"user","content":[{"type":"text","text":"x","cache_control":{"type":"ephemeral"}}]}])"),
        expected(R"([{"role":"user","content":"x"}])"));
}

void TestAnthropicRequest::maps()
{
    QFETCH(QJsonObject, body);
    QFETCH(bool, strict);
    QFETCH(QJsonObject, want);
    auto got = toOpenAIRequest(body, RequestOptions{strict});
    QVERIFY2(got.ok(), got.ok() ? "" : qPrintable(got.error().message));
    QCOMPARE(compact(*got), compact(want));
}

void TestAnthropicRequest::rejects_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("message");

    auto row = [](const char *name, const QJsonObject &body, const char *message) {
        QTest::newRow(name) << body << QString::fromUtf8(message);
    };
    QJsonObject noMax = request(R"([{"role":"user","content":"x"}])");
    noMax.remove(QLatin1String("max_tokens"));
    row("max_tokens missing", noMax, "max_tokens: field required");
    row("max_tokens zero", request(R"([{"role":"user","content":"x"}])", R"({"max_tokens":0})"),
        "max_tokens: expected a positive integer");
    row("max_tokens fractional",
        request(R"([{"role":"user","content":"x"}])", R"({"max_tokens":10.5})"),
        "max_tokens: expected a positive integer");
    row("max_tokens string",
        request(R"([{"role":"user","content":"x"}])", R"({"max_tokens":"100"})"),
        "max_tokens: expected a positive integer");
    QJsonObject noModel = request(R"([{"role":"user","content":"x"}])");
    noModel.remove(QLatin1String("model"));
    row("model missing", noModel, "model: expected non-empty string, got missing");
    row("messages empty", request("[]"), "messages: at least one message is required");
    QJsonObject notArray = request("[]");
    notArray.insert(QLatin1String("messages"), QLatin1String("hi"));
    row("messages not an array", notArray, "messages: expected array, got string");
    row("unknown role inside messages", request(R"([{"role":"tool","content":"x"}])"),
        "messages.0.role: expected 'user', 'assistant' or 'system', got 'tool'");
    row("unknown content block type",
        request(R"([{"role":"user","content":"a"},{"role":"assistant","content":"b"},
                    {"role":"user","content":"c"},{"role":"assistant","content":[{"type":"foo"}]}])"),
        "messages.3.content.0.type: unknown content block type 'foo'");
    row("content is a number", request(R"([{"role":"user","content":5}])"),
        "messages.0.content: expected string or array, got number");
    row("content missing", request(R"([{"role":"user"}])"),
        "messages.0.content: expected string or array, got missing");
    row("block is not an object", request(R"([{"role":"user","content":["x"]}])"),
        "messages.0.content.0: expected object, got string");
    row("text block without text", request(R"([{"role":"user","content":[{"type":"text"}]}])"),
        "messages.0.content.0.text: expected string, got missing");
    row("tool_use in a user message",
        request(
            R"([{"role":"user","content":[{"type":"tool_use","id":"a","name":"b","input":{}}]}])"),
        "messages.0.content.0.type: tool_use blocks are only allowed in assistant messages");
    row("tool_result in an assistant message",
        request(R"([{"role":"assistant","content":[{"type":"tool_result","tool_use_id":"a"}]}])"),
        "messages.0.content.0.type: tool_result blocks are only allowed in user messages");
    row("tool_result without tool_use_id",
        request(R"([{"role":"user","content":[{"type":"tool_result","content":"x"}]}])"),
        "messages.0.content.0.tool_use_id: expected string, got missing");
    row("tool_use input not an object",
        request(
            R"([{"role":"assistant","content":[{"type":"tool_use","id":"a","name":"b","input":"x"}]}])"),
        "messages.0.content.0.input: expected object, got string");
    row("image without source", request(R"([{"role":"user","content":[{"type":"image"}]}])"),
        "messages.0.content.0.source: expected object, got missing");
    row("base64 image without data",
        request(
            R"([{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png"}}]}])"),
        "messages.0.content.0.source.data: expected string, got missing");
    row("unknown block inside tool_result",
        request(
            R"([{"role":"user","content":[{"type":"tool_result","tool_use_id":"a","content":[{"type":"bar"}]}]}])"),
        "messages.0.content.0.content.0.type: unknown content block type 'bar'");
    row("system block not text",
        request(R"([{"role":"user","content":"x"}])", R"({"system":[{"type":"image"}]})"),
        "system.0.type: system blocks must be of type 'text'");
    row("tool without name",
        request(R"([{"role":"user","content":"x"}])",
                R"({"tools":[{"input_schema":{"type":"object"}}]})"),
        "tools.0.name: expected non-empty string, got missing");
    row("tool_choice unknown type",
        request(R"([{"role":"user","content":"x"}])",
                R"({"tools":[{"name":"T","input_schema":{}}],"tool_choice":{"type":"maybe"}})"),
        "tool_choice.type: expected one of auto, any, tool, none, got 'maybe'");
    row("tool_choice tool without name",
        request(R"([{"role":"user","content":"x"}])",
                R"({"tools":[{"name":"T","input_schema":{}}],"tool_choice":{"type":"tool"}})"),
        "tool_choice.name: expected non-empty string, got missing");
    row("temperature as string",
        request(R"([{"role":"user","content":"x"}])", R"({"temperature":"0.5"})"),
        "temperature: expected number, got string");
    row("stop_sequences with a number",
        request(R"([{"role":"user","content":"x"}])", R"({"stop_sequences":["a",1]})"),
        "stop_sequences.1: expected string, got number");
    row("thinking budget negative",
        request(R"([{"role":"user","content":"x"}])",
                R"({"thinking":{"type":"enabled","budget_tokens":-1}})"),
        "thinking.budget_tokens: expected a positive integer");
    row("stream not a boolean",
        request(R"([{"role":"user","content":"x"}])", R"({"stream":"yes"})"),
        "stream: expected boolean, got string");
}

void TestAnthropicRequest::rejects()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, message);
    auto got = toOpenAIRequest(body, {});
    QVERIFY2(!got.ok(), got.ok() ? compact(*got).constData() : "");
    QCOMPARE(got.error().kind, qp::Error::Kind::InvalidRequest);
    QCOMPARE(got.error().message, message);
}

void TestAnthropicRequest::schemaCleaning_data()
{
    QTest::addColumn<QJsonObject>("schema");
    QTest::addColumn<bool>("strict");
    QTest::addColumn<QJsonObject>("want");

    const QJsonObject schema = J(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object", "title": "Args", "additionalProperties": false,
        "properties": {
            "title": {"type": "string", "title": "T", "default": "x"},
            "url": {"type": "string", "format": "uri"},
            "when": {"type": "string", "format": "date-time"},
            "mail": {"type": "string", "format": "email", "examples": ["a@b"]},
            "tags": {"type": "array", "items": {"type": "string", "format": "uri", "title": "tag"}},
            "either": {"anyOf": [{"type": "string", "format": "uri"}, {"$ref": "#/$defs/N"}]},
            "map": {"type": "object", "additionalProperties": {"type": "string", "default": "d"}}
        },
        "$defs": {"N": {"type": "number", "title": "N", "$schema": "x"}}
    })");
    QTest::newRow("default cleaning removes $schema and uri formats everywhere")
        << schema << false << J(R"({
        "type": "object", "title": "Args", "additionalProperties": false,
        "properties": {
            "title": {"type": "string", "title": "T", "default": "x"},
            "url": {"type": "string"},
            "when": {"type": "string", "format": "date-time"},
            "mail": {"type": "string", "format": "email", "examples": ["a@b"]},
            "tags": {"type": "array", "items": {"type": "string", "title": "tag"}},
            "either": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/N"}]},
            "map": {"type": "object", "additionalProperties": {"type": "string", "default": "d"}}
        },
        "$defs": {"N": {"type": "number", "title": "N"}}
    })");
    QTest::newRow("strict cleaning keeps a property named title") << schema << true << J(R"({
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "url": {"type": "string"},
            "when": {"type": "string", "format": "date-time"},
            "mail": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "either": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/N"}]},
            "map": {"type": "object"}
        },
        "$defs": {"N": {"type": "number"}}
    })");
}

void TestAnthropicRequest::schemaCleaning()
{
    QFETCH(QJsonObject, schema);
    QFETCH(bool, strict);
    QFETCH(QJsonObject, want);
    QCOMPARE(compact(cleanToolSchema(schema, strict)), compact(want));

    // The same cleaning is applied through toOpenAIRequest.
    QJsonObject body = request(R"([{"role":"user","content":"x"}])");
    body.insert(QLatin1String("tools"),
                QJsonArray{QJsonObject{{QLatin1String("name"), QLatin1String("T")},
                                       {QLatin1String("input_schema"), schema}}});
    auto got = toOpenAIRequest(body, RequestOptions{strict});
    QVERIFY(got.ok());
    const QJsonObject params = got->value(QLatin1String("tools"))
                                   .toArray()
                                   .at(0)
                                   .toObject()
                                   .value(QLatin1String("function"))
                                   .toObject()
                                   .value(QLatin1String("parameters"))
                                   .toObject();
    QCOMPARE(compact(params), compact(want));
}

void TestAnthropicRequest::detectsImages_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<bool>("images");
    QTest::newRow("text only") << request(R"([{"role":"user","content":"x"}])") << false;
    QTest::newRow("image block")
        << request(
               R"([{"role":"user","content":[{"type":"image","source":{"type":"url","url":"u"}}]}])")
        << true;
    QTest::newRow("image inside tool_result")
        << request(R"([{"role":"user","content":[{"type":"tool_result","tool_use_id":"a",
                       "content":[{"type":"image","source":{"type":"url","url":"u"}}]}]}])")
        << true;
    QTest::newRow("image only in an old turn still counts")
        << request(
               R"([{"role":"user","content":[{"type":"image","source":{"type":"url","url":"u"}}]},
                       {"role":"assistant","content":"seen"},{"role":"user","content":"ok"}])")
        << true;
}

void TestAnthropicRequest::detectsImages()
{
    QFETCH(QJsonObject, body);
    QFETCH(bool, images);
    QCOMPARE(requestHasImages(body), images);
}

void TestAnthropicRequest::detectsThinking_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<bool>("enabled");
    QTest::newRow("absent") << J("{}") << false;
    QTest::newRow("enabled") << J(R"({"thinking":{"type":"enabled","budget_tokens":2048}})")
                             << true;
    QTest::newRow("disabled") << J(R"({"thinking":{"type":"disabled"}})") << false;
    QTest::newRow("adaptive") << J(R"({"thinking":{"type":"adaptive"}})") << true;
}

void TestAnthropicRequest::detectsThinking()
{
    QFETCH(QJsonObject, body);
    QFETCH(bool, enabled);
    QCOMPARE(thinkingEnabled(body), enabled);
}

QTEST_GUILESS_MAIN(TestAnthropicRequest)
#include "tst_anthropicrequest.moc"
