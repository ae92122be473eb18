// Whole-request token counts: the rendering follows Qwen3's chat template, and every part of a
// request (system, messages, tool calls and results, tools, images) adds to the count.

#include "tokenizer/qwentokenizer.h"
#include "tokenizer/tokencount.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace qp;

class TestTokenCount : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void simpleOpenAIMatchesTemplateText();
    void simpleAnthropicMatchesTemplateText();
    void toolsBlockFollowsTemplate();
    void bothDialectsAgree();
    void anthropicPartsAddTokens_data();
    void anthropicPartsAddTokens();
    void openAIPartsAddTokens_data();
    void openAIPartsAddTokens();
    void systemBlocksEqualSystemString();
    void earlierThinkingIsDropped();
    void currentTurnThinkingCounts();
    void templateJsonMatchesPythonDumps_data();
    void templateJsonMatchesPythonDumps();
    void emptyBodyCountsGenerationPrompt();
};

namespace {

QJsonObject parse(const char *json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

int qwenCount(const QString &text)
{
    return QwenTokenizer::shared().count(text);
}

const char kAnthropicBase[] = R"({
  "model": "claude-sonnet-4",
  "system": "You are a coding assistant.",
  "messages": [
    {"role": "user", "content": "List the files in the current directory."},
    {"role": "assistant", "content": [
      {"type": "text", "text": "I will run ls."},
      {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls -la"}}
    ]},
    {"role": "user", "content": [
      {"type": "tool_result", "tool_use_id": "toolu_1", "content": "README.md\nsrc\ntests"}
    ]}
  ],
  "tools": [
    {"name": "Bash", "description": "Run a shell command",
     "input_schema": {"type": "object", "properties": {"command": {"type": "string"}},
                      "required": ["command"]}}
  ]
})";

const char kOpenAIBase[] = R"({
  "model": "qwen3-coder-plus",
  "messages": [
    {"role": "system", "content": "You are a coding assistant."},
    {"role": "user", "content": "List the files in the current directory."},
    {"role": "assistant", "content": "I will run ls.", "tool_calls": [
      {"id": "call_1", "type": "function",
       "function": {"name": "Bash", "arguments": "{\"command\":\"ls -la\"}"}}
    ]},
    {"role": "tool", "tool_call_id": "call_1", "content": "README.md\nsrc\ntests"}
  ],
  "tools": [
    {"type": "function", "function": {"name": "Bash", "description": "Run a shell command",
     "parameters": {"type": "object", "properties": {"command": {"type": "string"}},
                    "required": ["command"]}}}
  ]
})";

} // namespace

void TestTokenCount::initTestCase()
{
    QVERIFY(QwenTokenizer::shared().loaded());
}

void TestTokenCount::simpleOpenAIMatchesTemplateText()
{
    const QJsonObject body = parse(
        R"({"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}]})");
    const QString expected = QStringLiteral("<|im_start|>system\nBe brief.<|im_end|>\n"
                                            "<|im_start|>user\nHello<|im_end|>\n"
                                            "<|im_start|>assistant\n");
    QCOMPARE(renderOpenAIPrompt(body).text, expected);
    QCOMPARE(countOpenAIInputTokens(body), qwenCount(expected));
    // Counted by the reference JS tokenizer: 4 framing tokens per message (<|im_start|>, role,
    // "\n", <|im_end|>) plus "\n" between messages, 3 for the generation prompt.
    QCOMPARE(countOpenAIInputTokens(body), 17);
}

void TestTokenCount::simpleAnthropicMatchesTemplateText()
{
    const QJsonObject body = parse(
        R"({"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"Hello"}]}]})");
    const QString expected = QStringLiteral("<|im_start|>system\nBe brief.<|im_end|>\n"
                                            "<|im_start|>user\nHello<|im_end|>\n"
                                            "<|im_start|>assistant\n");
    QCOMPARE(renderAnthropicPrompt(body).text, expected);
    QCOMPARE(countAnthropicInputTokens(body), qwenCount(expected));
}

void TestTokenCount::toolsBlockFollowsTemplate()
{
    const RenderedPrompt p = renderOpenAIPrompt(parse(kOpenAIBase));
    QVERIFY(p.text.startsWith(QStringLiteral(
        "<|im_start|>system\nYou are a coding assistant.\n\n# Tools\n\nYou may call one or more "
        "functions to assist with the user query.")));
    QVERIFY(p.text.contains(QStringLiteral(
        "<tools>\n{\"function\": {\"description\": \"Run a shell command\", \"name\": \"Bash\", "
        "\"parameters\": {\"properties\": {\"command\": {\"type\": \"string\"}}, \"required\": "
        "[\"command\"], \"type\": \"object\"}}, \"type\": \"function\"}\n</tools>")));
    QVERIFY(p.text.contains(QStringLiteral(
        "<|im_start|>assistant\nI will run ls.\n<tool_call>\n{\"name\": \"Bash\", \"arguments\": "
        "{\"command\":\"ls -la\"}}\n</tool_call><|im_end|>\n")));
    QVERIFY(p.text.endsWith(QStringLiteral(
        "<|im_start|>user\n<tool_response>\nREADME.md\nsrc\ntests\n</tool_response><|im_end|>\n"
        "<|im_start|>assistant\n")));
}

void TestTokenCount::bothDialectsAgree()
{
    // The same conversation in both dialects renders to the same Qwen prompt.
    QCOMPARE(renderAnthropicPrompt(parse(kAnthropicBase)).text,
             renderOpenAIPrompt(parse(kOpenAIBase)).text);
    QCOMPARE(countAnthropicInputTokens(parse(kAnthropicBase)),
             countOpenAIInputTokens(parse(kOpenAIBase)));
}

void TestTokenCount::anthropicPartsAddTokens_data()
{
    QTest::addColumn<QString>("path"); // where to append
    QTest::addColumn<QString>("json"); // what to append
    QTest::addColumn<int>("minimumIncrease");

    QTest::newRow("tool") << QStringLiteral("tools")
                          << QStringLiteral(R"({"name":"Read","description":"Read a file",
            "input_schema":{"type":"object","properties":{"path":{"type":"string"}}}})")
                          << 15;
    QTest::newRow("user_text")
        << QStringLiteral("messages")
        << QStringLiteral(R"({"role":"user","content":"And now the tests folder please."})") << 8;
    QTest::newRow("tool_use") << QStringLiteral("messages")
                              << QStringLiteral(
                                     R"({"role":"assistant","content":[{"type":"tool_use",
            "id":"t2","name":"Bash","input":{"command":"ls tests","timeout":120}}]})")
                              << 15;
    QTest::newRow("tool_result_blocks")
        << QStringLiteral("messages")
        << QStringLiteral(R"({"role":"user","content":[{"type":"tool_result",
            "tool_use_id":"t2","content":[{"type":"text","text":"tst_a.cpp tst_b.cpp"}]}]})")
        << 10;
    QTest::newRow("image") << QStringLiteral("messages")
                           << QStringLiteral(R"({"role":"user","content":[{"type":"image",
            "source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]})")
                           << kImageTokenEstimate;
    QTest::newRow("text_document")
        << QStringLiteral("messages")
        << QStringLiteral(R"({"role":"user","content":[{"type":"document",
            "source":{"type":"text","media_type":"text/plain","data":"The quick brown fox jumps."}}]})")
        << 8;
}

void TestTokenCount::anthropicPartsAddTokens()
{
    QFETCH(QString, path);
    QFETCH(QString, json);
    QFETCH(int, minimumIncrease);
    const QJsonObject base = parse(kAnthropicBase);
    QJsonObject grown = base;
    QJsonArray list = grown[path].toArray();
    list.append(QJsonDocument::fromJson(json.toUtf8()).object());
    QVERIFY(!list.last().toObject().isEmpty());
    grown[path] = list;
    const int before = countAnthropicInputTokens(base);
    const int after = countAnthropicInputTokens(grown);
    QVERIFY2(after - before >= minimumIncrease,
             qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
}

void TestTokenCount::openAIPartsAddTokens_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("json");
    QTest::addColumn<int>("minimumIncrease");

    QTest::newRow("tool") << QStringLiteral("tools")
                          << QStringLiteral(R"({"type":"function","function":{"name":"Read",
            "description":"Read a file","parameters":{"type":"object"}}})")
                          << 10;
    QTest::newRow("user_parts")
        << QStringLiteral("messages")
        << QStringLiteral(
               R"({"role":"user","content":[{"type":"text","text":"Now run the tests."}]})")
        << 6;
    QTest::newRow("image_part") << QStringLiteral("messages")
                                << QStringLiteral(R"({"role":"user","content":[{"type":"image_url",
            "image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]})")
                                << kImageTokenEstimate;
    QTest::newRow("tool_calls") << QStringLiteral("messages")
                                << QStringLiteral(
                                       R"({"role":"assistant","content":null,"tool_calls":[
            {"id":"c2","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"make test\"}"}}]})")
                                << 12;
}

void TestTokenCount::openAIPartsAddTokens()
{
    QFETCH(QString, path);
    QFETCH(QString, json);
    QFETCH(int, minimumIncrease);
    const QJsonObject base = parse(kOpenAIBase);
    QJsonObject grown = base;
    QJsonArray list = grown[path].toArray();
    list.append(QJsonDocument::fromJson(json.toUtf8()).object());
    QVERIFY(!list.last().toObject().isEmpty());
    grown[path] = list;
    const int before = countOpenAIInputTokens(base);
    const int after = countOpenAIInputTokens(grown);
    QVERIFY2(after - before >= minimumIncrease,
             qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
}

void TestTokenCount::systemBlocksEqualSystemString()
{
    QJsonObject asBlocks = parse(kAnthropicBase);
    asBlocks[u"system"] = QJsonArray{
        QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                    {QStringLiteral("text"), QStringLiteral("You are a coding assistant.")}}};
    QCOMPARE(countAnthropicInputTokens(asBlocks), countAnthropicInputTokens(parse(kAnthropicBase)));
}

void TestTokenCount::earlierThinkingIsDropped()
{
    // Thinking from a turn before the latest user query is not sent to the model again.
    const char withThinking[] = R"({"messages":[
      {"role":"user","content":"Hi"},
      {"role":"assistant","content":[{"type":"thinking","thinking":"The user greets me; greet back.","signature":"x"},
                                     {"type":"text","text":"Hello!"}]},
      {"role":"user","content":"How are you?"}]})";
    const char without[] = R"({"messages":[
      {"role":"user","content":"Hi"},
      {"role":"assistant","content":[{"type":"text","text":"Hello!"}]},
      {"role":"user","content":"How are you?"}]})";
    QCOMPARE(countAnthropicInputTokens(parse(withThinking)),
             countAnthropicInputTokens(parse(without)));
}

void TestTokenCount::currentTurnThinkingCounts()
{
    // In the running tool loop (after the last user query) the template keeps the reasoning.
    const char withThinking[] = R"({"messages":[
      {"role":"user","content":"Run ls"},
      {"role":"assistant","content":[{"type":"thinking","thinking":"I should call the Bash tool with ls.","signature":"x"},
                                     {"type":"tool_use","id":"t","name":"Bash","input":{"command":"ls"}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"a b c"}]}]})";
    const RenderedPrompt p = renderAnthropicPrompt(parse(withThinking));
    QVERIFY(p.text.contains(QStringLiteral("<|im_start|>assistant\n<think>\nI should call the Bash "
                                           "tool with ls.\n</think>\n\n<tool_call>")));
}

void TestTokenCount::templateJsonMatchesPythonDumps_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("object") << QStringLiteral(R"({"b":[1,2.5,true,null],"a":"x"})")
                            << QStringLiteral(R"({"a": "x", "b": [1, 2.5, true, null]})");
    QTest::newRow("escapes") << QStringLiteral(R"({"s":"q\"b\\n\n\t\u0001é中"})")
                             << QStringLiteral("{\"s\": \"q\\\"b\\\\n\\n\\t\\u0001é中\"}");
    QTest::newRow("empty") << QStringLiteral(R"({"o":{},"a":[]})")
                           << QStringLiteral(R"({"a": [], "o": {}})");
}

void TestTokenCount::templateJsonMatchesPythonDumps()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    QCOMPARE(templateJson(QJsonDocument::fromJson(json.toUtf8()).object()), expected);
}

void TestTokenCount::emptyBodyCountsGenerationPrompt()
{
    QCOMPARE(renderAnthropicPrompt({}).text, QStringLiteral("<|im_start|>assistant\n"));
    QCOMPARE(countAnthropicInputTokens({}), qwenCount(QStringLiteral("<|im_start|>assistant\n")));
    QCOMPARE(countOpenAIInputTokens({}), countAnthropicInputTokens({}));
}

QTEST_GUILESS_MAIN(TestTokenCount)
#include "tst_tokencount.moc"
