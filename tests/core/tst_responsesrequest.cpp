// Responses request -> chat request (docs/responses-api.md "Request mapping"): one row per case,
// named after it; the expected chat messages (or the error's param) are written out in full.

#include "protocol/responsesrequest.h"
#include "testjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace qp::responses;
using namespace Qt::StringLiterals;
using qp::test::compact;
using qp::test::J;

namespace {
QJsonObject request(const QByteArray &input, const QByteArray &extra = "{}")
{
    QJsonObject o = J(extra).toObject();
    o.insert(u"model"_s, u"gpt-5-codex"_s);
    o.insert(u"input"_s, J("[" + input + "]").toArray().first());
    return o;
}
} // namespace

class TestResponsesRequest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void messages_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("extra");
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("string input") << QByteArray("\"hi\"") << QByteArray("{}")
                                      << QByteArray(R"([{"role":"user","content":"hi"}])");
        QTest::newRow("items without type")
            << QByteArray(
                   R"([{"role":"user","content":"a"},{"role":"assistant","content":[{"type":"output_text","text":"b"}]}])")
            << QByteArray("{}")
            << QByteArray(R"([{"role":"user","content":"a"},{"role":"assistant","content":"b"}])");
        QTest::newRow("instructions and leading system/developer merged")
            << QByteArray(
                   R"([{"type":"message","role":"developer","content":[{"type":"input_text","text":"dev"}]},{"role":"system","content":"sys"},{"role":"user","content":"u"}])")
            << QByteArray(R"({"instructions":"inst"})")
            << QByteArray(
                   R"([{"role":"system","content":"inst\n\ndev\n\nsys"},{"role":"user","content":"u"}])");
        QTest::newRow("later developer message becomes user text")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"role":"developer","content":"note"}])")
            << QByteArray("{}")
            << QByteArray(R"([{"role":"user","content":"u"},{"role":"user","content":"note"}])");
        QTest::newRow("assistant text with its calls")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"let me look"}]},{"type":"reasoning","summary":[]},{"type":"function_call","call_id":"c1","name":"ls","arguments":"{}"},{"type":"function_call","call_id":"c2","name":"cat","arguments":"{\u0022f\u0022:1}"},{"type":"function_call_output","call_id":"c1","output":"a"},{"type":"function_call_output","call_id":"c2","output":"b"}])")
            << QByteArray("{}")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"role":"assistant","content":"let me look","tool_calls":[{"id":"c1","type":"function","function":{"name":"ls","arguments":"{}"}},{"id":"c2","type":"function","function":{"name":"cat","arguments":"{\u0022f\u0022:1}"}}]},{"role":"tool","tool_call_id":"c1","content":"a"},{"role":"tool","tool_call_id":"c2","content":"b"}])");
        QTest::newRow("user note between call and output")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"type":"function_call","call_id":"c1","name":"ls","arguments":""},{"role":"user","content":"note"},{"type":"function_call_output","call_id":"c1","output":"a"}])")
            << QByteArray("{}")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"ls","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"a"},{"role":"user","content":"note"}])");
        QTest::newRow("call without output gets a placeholder")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"type":"function_call","call_id":"c1","name":"ls","arguments":"{}"},{"role":"user","content":"next"}])")
            << QByteArray("{}")
            << QByteArray(
                   R"j([{"role":"user","content":"u"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"ls","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"(no output: the call was not run)"},{"role":"user","content":"next"}])j");
        QTest::newRow("output parts with an image follow as a user message")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"type":"function_call","call_id":"c1","name":"shot","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":[{"type":"input_text","text":"done"},{"type":"input_image","image_url":"data:image/png;base64,AA"}]}])")
            << QByteArray("{}")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"shot","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"done"},{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA"}}]}])");
        QTest::newRow("stringified parts output")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"type":"function_call","call_id":"c1","name":"ls","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":"[{\u0022type\u0022:\u0022input_text\u0022,\u0022text\u0022:\u0022x\u0022}]"}])")
            << QByteArray("{}")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"ls","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"x"}])");
        QTest::newRow("reasoning, web_search_call, compaction and unknown items dropped")
            << QByteArray(
                   R"([{"type":"reasoning","summary":[{"type":"summary_text","text":"t"}],"encrypted_content":"x"},{"role":"user","content":"u"},{"type":"web_search_call","id":"ws"},{"type":"compaction","encrypted_content":"y"},{"type":"something_new"}])")
            << QByteArray("{}") << QByteArray(R"([{"role":"user","content":"u"}])");
        QTest::newRow("input_image becomes an image part")
            << QByteArray(
                   R"([{"role":"user","content":[{"type":"input_text","text":"what"},{"type":"input_image","image_url":"https:\/\/x\/y.png","detail":"high"}]}])")
            << QByteArray("{}")
            << QByteArray(
                   R"([{"role":"user","content":[{"type":"text","text":"what"},{"type":"image_url","image_url":{"url":"https:\/\/x\/y.png","detail":"high"}}]}])");
        QTest::newRow("custom tool call round trip")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"type":"custom_tool_call","call_id":"c1","name":"apply_patch","input":"*** Begin"},{"type":"custom_tool_call_output","call_id":"c1","output":"ok"}])")
            << QByteArray("{}")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"apply_patch","arguments":"{\u0022input\u0022:\u0022*** Begin\u0022}"}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}])");
        QTest::newRow("namespaced call flattened")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"type":"function_call","call_id":"c1","namespace":"fs","name":"read","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":"ok"}])")
            << QByteArray("{}")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"fs__read","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}])");
        QTest::newRow("output without its call becomes a user note")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"type":"function_call_output","call_id":"gone","output":"x"}])")
            << QByteArray("{}")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"role":"user","content":"Output of tool call gone:\nx"}])");
        QTest::newRow("text after a call's output starts a new turn")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"type":"function_call","call_id":"c1","name":"a","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":"1"},{"role":"assistant","content":"mid"},{"type":"function_call","call_id":"c2","name":"b","arguments":"{}"},{"type":"function_call_output","call_id":"c2","output":"2"}])")
            << QByteArray("{}")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"a","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"1"},{"role":"assistant","content":"mid","tool_calls":[{"id":"c2","type":"function","function":{"name":"b","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c2","content":"2"}])");
    }
    void messages()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, extra);
        QFETCH(QByteArray, expected);
        const auto t = toChatRequest(request(input, extra));
        QVERIFY2(t.ok(), t.ok() ? "" : qPrintable(t.error().message));
        QCOMPARE(compact(t->chat.value(u"messages"_s)), compact(J(expected)));
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("extra");
        QTest::addColumn<QString>("param");
        QTest::newRow("image by file_id")
            << QByteArray(
                   R"([{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}])")
            << QByteArray("{}") << u"input[0].content[0].file_id"_s;
        QTest::newRow("input_file")
            << QByteArray(R"([{"role":"user","content":[{"type":"input_file","file_data":"x"}]}])")
            << QByteArray("{}") << u"input[0].content[0]"_s;
        QTest::newRow("call without call_id")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"type":"function_call","name":"a","arguments":"{}"}])")
            << QByteArray("{}") << u"input[1].call_id"_s;
        QTest::newRow("output without call_id")
            << QByteArray(
                   R"([{"role":"user","content":"u"},{"type":"function_call_output","output":"x"}])")
            << QByteArray("{}") << u"input[1].call_id"_s;
        QTest::newRow("unknown role") << QByteArray(R"([{"role":"robot","content":"u"}])")
                                      << QByteArray("{}") << u"input[0].role"_s;
        QTest::newRow("item not an object")
            << QByteArray(R"(["u"])") << QByteArray("{}") << u"input[0]"_s;
        QTest::newRow("background")
            << QByteArray("\"u\"") << QByteArray(R"({"background":true})") << u"background"_s;
        QTest::newRow("conversation")
            << QByteArray("\"u\"") << QByteArray(R"({"conversation":"conv_1"})")
            << u"conversation"_s;
        QTest::newRow("prompt") << QByteArray("\"u\"") << QByteArray(R"({"prompt":{"id":"p"}})")
                                << u"prompt"_s;
        QTest::newRow("unresolved item_reference")
            << QByteArray(R"([{"type":"item_reference","id":"msg_1"}])") << QByteArray("{}")
            << u"input[0].id"_s;
        QTest::newRow("input not a list") << QByteArray("3") << QByteArray("{}") << u"input"_s;
    }
    void errors()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, extra);
        QFETCH(QString, param);
        const auto t = toChatRequest(request(input, extra));
        QVERIFY(!t.ok());
        QCOMPARE(t.error().kind, qp::Error::Kind::InvalidRequest);
        QCOMPARE(t.error().param, param);
    }

    void fields_data()
    {
        QTest::addColumn<QByteArray>("extra");
        QTest::addColumn<QByteArray>("expected"); // the chat body without model and messages
        QTest::newRow("hosted tools dropped, none left: no tools, no tool_choice")
            << QByteArray(
                   R"({"tools":[{"type":"web_search"},{"type":"local_shell"}],"tool_choice":"auto","parallel_tool_calls":true})")
            << QByteArray("{}");
        QTest::newRow("function tool and tool_choice by name")
            << QByteArray(
                   R"({"tools":[{"type":"function","name":"ls","description":"list","parameters":{"type":"object","properties":{"p":{"type":"string"}},"additionalProperties":false},"strict":true},{"type":"web_search"}],"tool_choice":{"type":"function","name":"ls"},"parallel_tool_calls":false})")
            << QByteArray(
                   R"({"parallel_tool_calls":false,"tool_choice":{"function":{"name":"ls"},"type":"function"},"tools":[{"function":{"description":"list","name":"ls","parameters":{"additionalProperties":false,"properties":{"p":{"type":"string"}},"type":"object"}},"type":"function"}]})");
        QTest::newRow("tool_choice naming a dropped tool becomes auto")
            << QByteArray(
                   R"({"tools":[{"type":"function","name":"ls"},{"type":"web_search"}],"tool_choice":{"type":"web_search"}})")
            << QByteArray(
                   R"({"tool_choice":"auto","tools":[{"function":{"name":"ls","parameters":{"properties":{},"type":"object"}},"type":"function"}]})");
        QTest::newRow("custom tool becomes a function with one string input")
            << QByteArray(
                   R"({"tools":[{"type":"custom","name":"apply_patch","description":"patch"}]})")
            << QByteArray(
                   R"({"tools":[{"function":{"description":"patch","name":"apply_patch","parameters":{"properties":{"input":{"type":"string"}},"required":["input"],"type":"object"}},"type":"function"}]})");
        QTest::newRow("namespace tools flatten unless prefixed")
            << QByteArray(
                   R"({"tools":[{"type":"namespace","name":"fs","tools":[{"type":"function","name":"read"},{"type":"function","name":"fs__write"},{"type":"function","name":"mcp__x"}]}]})")
            << QByteArray(
                   R"({"tools":[{"function":{"name":"fs__read","parameters":{"properties":{},"type":"object"}},"type":"function"},{"function":{"name":"fs__write","parameters":{"properties":{},"type":"object"}},"type":"function"},{"function":{"name":"mcp__x","parameters":{"properties":{},"type":"object"}},"type":"function"}]})");
        QTest::newRow("reasoning effort minimal is off")
            << QByteArray(R"({"reasoning":{"effort":"minimal","summary":"auto"}})")
            << QByteArray(R"({"reasoning":{"effort":"none"}})");
        QTest::newRow("reasoning effort high passes")
            << QByteArray(R"({"reasoning":{"effort":"high"}})")
            << QByteArray(R"({"reasoning":{"effort":"high"}})");
        QTest::newRow("max_output_tokens, temperature, top_p, stream")
            << QByteArray(
                   R"({"max_output_tokens":100,"temperature":0,"top_p":0.5,"stream":true,"store":false,"include":["reasoning.encrypted_content"],"prompt_cache_key":"k"})")
            << QByteArray(R"({"max_tokens":100,"stream":true,"temperature":0,"top_p":0.5})");
        QTest::newRow("text.format json_schema")
            << QByteArray(
                   R"({"text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true}}})")
            << QByteArray(
                   R"({"response_format":{"json_schema":{"name":"out","schema":{"type":"object"},"strict":true},"type":"json_schema"}})");
    }
    void fields()
    {
        QFETCH(QByteArray, extra);
        QFETCH(QByteArray, expected);
        const auto t = toChatRequest(request("\"u\"", extra));
        QVERIFY2(t.ok(), t.ok() ? "" : qPrintable(t.error().message));
        QJsonObject chat = t->chat;
        chat.remove(u"model"_s);
        chat.remove(u"messages"_s);
        QCOMPARE(compact(chat), compact(J(expected)));
    }

    void toolTable()
    {
        const QByteArray extra =
            R"({"tools":[{"type":"custom","name":"apply_patch"},{"type":"namespace","name":"fs","tools":[{"type":"function","name":"read"}]}],"reasoning":{"summary":"auto"}})";
        const auto t = toChatRequest(request("\"u\"", extra));
        QVERIFY(t.ok());
        QVERIFY(t->tools.custom.contains(u"apply_patch"_s));
        QCOMPARE(t->tools.namespaced.value(u"fs__read"_s).ns, u"fs"_s);
        QCOMPARE(t->tools.namespaced.value(u"fs__read"_s).name, u"read"_s);
        QVERIFY(t->reasoningSummary);
        // Split back only through the table: a name that merely looks namespaced is not split.
        QVERIFY(!t->tools.namespaced.contains(u"other__tool"_s));
    }

    void images()
    {
        QVERIFY(requestHasImages(request(
            R"([{"role":"user","content":[{"type":"input_image","image_url":"data:x"}]}])")));
        QVERIFY(requestHasImages(request(
            R"([{"type":"function_call_output","call_id":"c","output":[{"type":"input_image","image_url":"data:x"}]}])")));
        QVERIFY(!requestHasImages(request("\"u\"")));
    }
};

QTEST_GUILESS_MAIN(TestResponsesRequest)
#include "tst_responsesrequest.moc"
