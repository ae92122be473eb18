// OpenAI chat completion -> Anthropic message (qwen-protocol.md §D.3) and the error body.

#include "protocol/anthropicresponse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
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

// Generated ids are random; the expectation writes them as "toolu_*" / "msg_*".
QJsonObject maskGeneratedIds(QJsonObject message, const QJsonObject &want)
{
    if (want.value(QLatin1String("id")).toString() == QLatin1String("msg_*") &&
        QRegularExpression(QStringLiteral("^msg_[0-9A-Za-z]{24}$"))
            .match(message.value(QLatin1String("id")).toString())
            .hasMatch())
        message.insert(QLatin1String("id"), QLatin1String("msg_*"));
    QJsonArray content = message.value(QLatin1String("content")).toArray();
    const QJsonArray wantContent = want.value(QLatin1String("content")).toArray();
    for (qsizetype i = 0; i < content.size() && i < wantContent.size(); ++i) {
        QJsonObject block = content.at(i).toObject();
        if (wantContent.at(i).toObject().value(QLatin1String("id")).toString() ==
                QLatin1String("toolu_*") &&
            QRegularExpression(QStringLiteral("^toolu_[0-9A-Za-z]{24}$"))
                .match(block.value(QLatin1String("id")).toString())
                .hasMatch()) {
            block.insert(QLatin1String("id"), QLatin1String("toolu_*"));
            content[i] = block;
        }
    }
    message.insert(QLatin1String("content"), content);
    return message;
}

// An OpenAI response with the given message, finish_reason and usage.
QJsonObject openai(const char *message, const char *finish = "\"stop\"",
                   const char *usage = R"({"prompt_tokens":10,"completion_tokens":3})",
                   const char *id = "\"chatcmpl-abc\"")
{
    const QByteArray json =
        QByteArray("{\"id\":") + id +
        ",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":" + message +
        ",\"finish_reason\":" + finish + "}],\"usage\":" + usage + "}";
    return J(json.constData());
}

// The Anthropic message expected for openai(): content, stop reason and usage vary.
QJsonObject anthropic(const char *content, const char *stopReason = "end_turn",
                      const char *usage = R"({"input_tokens":10,"output_tokens":3,
                          "cache_read_input_tokens":0,"cache_creation_input_tokens":0})",
                      const char *id = "msg_abc")
{
    QJsonObject o{{QLatin1String("id"), QLatin1String(id)},
                  {QLatin1String("type"), QLatin1String("message")},
                  {QLatin1String("role"), QLatin1String("assistant")},
                  {QLatin1String("model"), QLatin1String("claude-sonnet-4-5")},
                  {QLatin1String("stop_reason"), QLatin1String(stopReason)},
                  {QLatin1String("stop_sequence"), QJsonValue::Null},
                  {QLatin1String("usage"), J(usage)}};
    o.insert(QLatin1String("content"), QJsonDocument::fromJson(QByteArray(content)).array());
    return o;
}

} // namespace

class TestAnthropicResponse : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void maps_data();
    void maps();
    void errorTypes_data();
    void errorTypes();
    void errorBodyShape();
};

void TestAnthropicResponse::maps_data()
{
    QTest::addColumn<QJsonObject>("input");
    QTest::addColumn<bool>("thinking");
    QTest::addColumn<QJsonObject>("want");

    auto row = [](const char *name, const QJsonObject &in, bool thinking, const QJsonObject &want) {
        QTest::newRow(name) << in << thinking << want;
    };
    row("plain text", openai(R"({"role":"assistant","content":"Hello"})"), false,
        anthropic(R"([{"type":"text","text":"Hello"}])"));
    row("reasoning shown when thinking enabled",
        openai(R"({"role":"assistant","content":"4","reasoning_content":"2+2"})"), true,
        anthropic(
            R"([{"type":"thinking","thinking":"2+2","signature":""},{"type":"text","text":"4"}])"));
    row("thinking disabled drops reasoning",
        openai(R"({"role":"assistant","content":"4","reasoning_content":"2+2"})"), false,
        anthropic(R"([{"type":"text","text":"4"}])"));
    row("leaked think tags become thinking",
        openai(R"({"role":"assistant","content":"<think>\nplan\n</think>\n\nAnswer"})"), true,
        anthropic(
            R"([{"type":"thinking","thinking":"plan","signature":""},{"type":"text","text":"Answer"}])"));
    row("leaked closing think tag only",
        openai(R"({"role":"assistant","content":"plan</think>Answer"})"), true,
        anthropic(
            R"([{"type":"thinking","thinking":"plan","signature":""},{"type":"text","text":"Answer"}])"));
    row("leaked think dropped when thinking disabled",
        openai(R"({"role":"assistant","content":"<think>plan</think>Answer"})"), false,
        anthropic(R"([{"type":"text","text":"Answer"}])"));
    row("think tag in the middle of text is content",
        openai(R"({"role":"assistant","content":"Use <think> tags like <think>x</think>."})"), true,
        anthropic(R"([{"type":"text","text":"Use <think> tags like <think>x</think>."}])"));
    row("stray im_end removed", openai(R"({"role":"assistant","content":"Done.<|im_end|>"})"),
        false, anthropic(R"([{"type":"text","text":"Done."}])"));
    row("content as text parts",
        openai(
            R"({"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]})"),
        false, anthropic(R"([{"type":"text","text":"ab"}])"));
    row("null content gives empty content", openai(R"({"role":"assistant","content":null})"), false,
        anthropic("[]"));
    row("tool call with finish stop still means tool_use",
        openai(R"({"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function",
                  "function":{"name":"Bash","arguments":"{\"command\":\"ls\"}"}}]})"),
        false,
        anthropic(R"([{"type":"tool_use","id":"call_1","name":"Bash","input":{"command":"ls"}}])",
                  "tool_use"));
    row("text then parallel tool calls",
        openai(R"({"role":"assistant","content":"Reading both.","tool_calls":[
                  {"id":"a","type":"function","function":{"name":"Read","arguments":"{\"file_path\":\"/a\"}"}},
                  {"id":"b","type":"function","function":{"name":"Read","arguments":"{\"file_path\":\"/b\"}"}}]})",
               "\"tool_calls\""),
        false,
        anthropic(R"([{"type":"text","text":"Reading both."},
                      {"type":"tool_use","id":"a","name":"Read","input":{"file_path":"/a"}},
                      {"type":"tool_use","id":"b","name":"Read","input":{"file_path":"/b"}}])",
                  "tool_use"));
    row("single-quoted tool args repaired",
        openai(R"({"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function",
                  "function":{"name":"Grep","arguments":"{'pattern': 'TODO', 'multiline': False}"}}]})",
               "\"tool_calls\""),
        false,
        anthropic(
            R"([{"type":"tool_use","id":"c","name":"Grep","input":{"pattern":"TODO","multiline":false}}])",
            "tool_use"));
    row("hopeless tool args become empty object",
        openai(R"({"role":"assistant","tool_calls":[{"id":"c","type":"function",
                  "function":{"name":"Grep","arguments":"I will grep"}}]})",
               "\"tool_calls\""),
        false, anthropic(R"([{"type":"tool_use","id":"c","name":"Grep","input":{}}])", "tool_use"));
    row("empty tool args are an empty object",
        openai(R"({"role":"assistant","tool_calls":[{"id":"c","type":"function",
                  "function":{"name":"TodoRead","arguments":""}}]})",
               "\"tool_calls\""),
        false,
        anthropic(R"([{"type":"tool_use","id":"c","name":"TodoRead","input":{}}])", "tool_use"));
    row("tool call without id gets a toolu id",
        openai(R"({"role":"assistant","tool_calls":[{"type":"function",
                  "function":{"name":"LS","arguments":"{}"}}]})",
               "\"tool_calls\""),
        false,
        anthropic(R"([{"type":"tool_use","id":"toolu_*","name":"LS","input":{}}])", "tool_use"));
    row("tool call without name dropped",
        openai(R"({"role":"assistant","content":"ok","tool_calls":[{"id":"x","type":"function",
                  "function":{"arguments":"{}"}}]})",
               "\"tool_calls\""),
        false, anthropic(R"([{"type":"text","text":"ok"}])", "end_turn"));
    row("length means max_tokens",
        openai(R"({"role":"assistant","content":"trunc"})", "\"length\""), false,
        anthropic(R"([{"type":"text","text":"trunc"}])", "max_tokens"));
    row("content_filter means refusal",
        openai(R"({"role":"assistant","content":""})", "\"content_filter\""), false,
        anthropic("[]", "refusal"));
    row("null finish_reason means end_turn",
        openai(R"({"role":"assistant","content":"x"})", "null"), false,
        anthropic(R"([{"type":"text","text":"x"}])", "end_turn"));
    row("cached tokens subtracted from input",
        openai(
            R"({"role":"assistant","content":"x"})", "\"stop\"",
            R"({"prompt_tokens":100,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":60}})"),
        false,
        anthropic(
            R"([{"type":"text","text":"x"}])", "end_turn",
            R"({"input_tokens":40,"output_tokens":5,"cache_read_input_tokens":60,"cache_creation_input_tokens":0})"));
    row("cache creation tokens reported",
        openai(R"({"role":"assistant","content":"x"})", "\"stop\"",
               R"({"prompt_tokens":100,"completion_tokens":5,
                   "prompt_tokens_details":{"cached_tokens":10,"cache_creation_input_tokens":30}})"),
        false,
        anthropic(
            R"([{"type":"text","text":"x"}])", "end_turn",
            R"({"input_tokens":60,"output_tokens":5,"cache_read_input_tokens":10,"cache_creation_input_tokens":30})"));
    row("cache creation buckets summed",
        openai(R"({"role":"assistant","content":"x"})", "\"stop\"",
               R"({"prompt_tokens":100,"completion_tokens":5,
                   "cache_creation":{"ephemeral_5m_input_tokens":20,"ephemeral_1h_input_tokens":5}})"),
        false,
        anthropic(
            R"([{"type":"text","text":"x"}])", "end_turn",
            R"({"input_tokens":75,"output_tokens":5,"cache_read_input_tokens":0,"cache_creation_input_tokens":25})"));
    row("missing usage is zeros",
        openai(R"({"role":"assistant","content":"x"})", "\"stop\"", "null"), false,
        anthropic(
            R"([{"type":"text","text":"x"}])", "end_turn",
            R"({"input_tokens":0,"output_tokens":0,"cache_read_input_tokens":0,"cache_creation_input_tokens":0})"));
    row("id without chatcmpl prefix kept",
        openai(R"({"role":"assistant","content":"x"})", "\"stop\"",
               R"({"prompt_tokens":10,"completion_tokens":3})", "\"abc123\""),
        false,
        anthropic(
            R"([{"type":"text","text":"x"}])", "end_turn",
            R"({"input_tokens":10,"output_tokens":3,"cache_read_input_tokens":0,"cache_creation_input_tokens":0})",
            "msg_abc123"));
    row("missing id gets a random msg id",
        openai(R"({"role":"assistant","content":"x"})", "\"stop\"",
               R"({"prompt_tokens":10,"completion_tokens":3})", "null"),
        false,
        anthropic(
            R"([{"type":"text","text":"x"}])", "end_turn",
            R"({"input_tokens":10,"output_tokens":3,"cache_read_input_tokens":0,"cache_creation_input_tokens":0})",
            "msg_*"));
}

void TestAnthropicResponse::maps()
{
    QFETCH(QJsonObject, input);
    QFETCH(bool, thinking);
    QFETCH(QJsonObject, want);
    const QJsonObject got =
        fromOpenAIResponse(input, QStringLiteral("claude-sonnet-4-5"), thinking);
    QCOMPARE(compact(maskGeneratedIds(got, want)), compact(want));
}

void TestAnthropicResponse::errorTypes_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::newRow("400") << 400 << QStringLiteral("invalid_request_error");
    QTest::newRow("401") << 401 << QStringLiteral("authentication_error");
    QTest::newRow("403") << 403 << QStringLiteral("permission_error");
    QTest::newRow("404") << 404 << QStringLiteral("not_found_error");
    QTest::newRow("413") << 413 << QStringLiteral("request_too_large");
    QTest::newRow("429") << 429 << QStringLiteral("rate_limit_error");
    QTest::newRow("500") << 500 << QStringLiteral("api_error");
    QTest::newRow("502") << 502 << QStringLiteral("api_error");
    QTest::newRow("504") << 504 << QStringLiteral("api_error");
    QTest::newRow("529") << 529 << QStringLiteral("overloaded_error");
    QTest::newRow("422 other client error") << 422 << QStringLiteral("invalid_request_error");
}

void TestAnthropicResponse::errorTypes()
{
    QFETCH(int, status);
    QFETCH(QString, type);
    QCOMPARE(errorTypeForStatus(status), type);
}

void TestAnthropicResponse::errorBodyShape()
{
    QCOMPARE(compact(errorBody(QStringLiteral("rate_limit_error"), QStringLiteral("slow down"))),
             QByteArray(
                 R"({"error":{"message":"slow down","type":"rate_limit_error"},"type":"error"})"));
}

QTEST_GUILESS_MAIN(TestAnthropicResponse)
#include "tst_anthropicresponse.moc"
