// prepareChatBody reports whether the upstream body differs from the client's; when it does not,
// the relay forwards the client's own bytes, so a wrong "unchanged" would lose an edit.
#include "protocol/jsonbytes.h"
#include "protocol/openaichat.h"
#include "upstream/upstream.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp;

class TestOpenAIChat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void changedFlag_data();
    void changedFlag();
    void memberEdits_data();
    void memberEdits();
    void compactJsonIsQtsBytes_data();
    void compactJsonIsQtsBytes();
};

void TestOpenAIChat::changedFlag_data()
{
    QTest::addColumn<QByteArray>("client");
    QTest::addColumn<bool>("qwen");
    QTest::addColumn<bool>("changed");
    QTest::addColumn<QByteArray>("expected"); // the body sent upstream, compact JSON

    const QByteArray msgs = R"("messages":[{"role":"user","content":"hi"}])";
    auto row = [&](const char *name, QByteArray client, bool qwen, bool changed,
                   QByteArray expected = {}) {
        if (expected.isEmpty())
            expected = client;
        QTest::newRow(name) << client << qwen << changed << expected;
    };
    row("nothing to do", "{\"model\":\"qwen3-coder-plus\",\"max_tokens\":256," + msgs + "}", true,
        false);
    row("model mapped", "{\"model\":\"gpt-4o\"," + msgs + "}", true, true,
        "{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"qwen3-coder-plus\"}");
    row("max_tokens clamped", "{\"model\":\"qwen3-coder-plus\",\"max_tokens\":999999," + msgs + "}",
        true, true,
        "{\"max_tokens\":65536,\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],"
        "\"model\":\"qwen3-coder-plus\"}");
    row("max_tokens at the cap",
        "{\"model\":\"qwen3-coder-plus\",\"max_tokens\":65536," + msgs + "}", true, false);
    row("stream gets include_usage",
        "{\"model\":\"qwen3-coder-plus\",\"stream\":true," + msgs + "}", true, true,
        "{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"qwen3-coder-plus\","
        "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    row("stream already asks for usage",
        "{\"model\":\"qwen3-coder-plus\",\"stream\":true,\"stream_options\":{\"include_usage\":"
        "true}," +
            msgs + "}",
        true, false);
    row("stream_options dropped without stream",
        "{\"model\":\"qwen3-coder-plus\",\"stream_options\":{\"include_usage\":true}," + msgs + "}",
        true, true,
        "{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"qwen3-coder-plus\"}");
    row("empty tools dropped",
        "{\"model\":\"qwen3-coder-plus\",\"tools\":[],\"tool_choice\":\"auto\"," + msgs + "}", true,
        true,
        "{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"qwen3-coder-plus\"}");
    row("reasoning effort for Qwen",
        "{\"model\":\"qwen3-coder-plus\",\"reasoning\":{\"effort\":\"none\"}," + msgs + "}", true,
        true,
        "{\"enable_thinking\":false,\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],"
        "\"model\":\"qwen3-coder-plus\",\"reasoning\":{\"effort\":\"none\"}}");
    row("Qwen-only field kept for Qwen",
        "{\"model\":\"qwen3-coder-plus\",\"enable_thinking\":true," + msgs + "}", true, false);
    row("Qwen-only field dropped elsewhere",
        "{\"model\":\"qwen3-coder-plus\",\"enable_thinking\":true," + msgs + "}", false, true,
        "{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"qwen3-coder-plus\"}");
}

void TestOpenAIChat::changedFlag()
{
    QFETCH(QByteArray, client);
    QFETCH(bool, qwen);
    QFETCH(bool, changed);
    QFETCH(QByteArray, expected);
    const QJsonObject in = QJsonDocument::fromJson(client).object();
    QVERIFY(!in.isEmpty());
    bool touched = !changed;
    Upstream u;
    u.auth = qwen ? Upstream::Auth::QwenOAuth : Upstream::Auth::ApiKey;
    QuirkSet q = quirksFor(u, u"qwen3-coder-plus"_s);
    q.maxTokensCap = 65536;
    QStringList keys;
    const QJsonObject out =
        prepareChatBody(in, ChatPrepareOptions{u"qwen3-coder-plus"_s, q}, &touched, &keys);
    QCOMPARE(touched, changed);
    QCOMPARE(keys.isEmpty(), !changed);
    QCOMPARE(QJsonDocument(out).toJson(QJsonDocument::Compact),
             QJsonDocument::fromJson(expected).toJson(QJsonDocument::Compact));
    // The relay edits only the touched members in the client's bytes: the same body.
    const auto edited = withTopLevelMembers(client, out, keys);
    QVERIFY(edited);
    QJsonParseError err{};
    QCOMPARE(QJsonDocument::fromJson(*edited, &err).object(), out);
    QCOMPARE(err.error, QJsonParseError::NoError);
}

// withTopLevelMembers on layouts the chat rows do not have: the result must parse to `to`, keep
// the untouched members' own bytes, or give up (nullopt) where it cannot be sure.
void TestOpenAIChat::memberEdits_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("to");       // the whole object after the edits
    QTest::addColumn<QStringList>("keys");    // the members edited
    QTest::addColumn<QByteArray>("verbatim"); // must still be in the result ("" = nullopt expected)

    const QByteArray pretty = "{\n  \"temperature\": 0.70,\n  \"model\" : \"a\",\n"
                              "  \"seed\": 12345678901234567890,\n  \"stream\": true\n}\n";
    QTest::newRow("replace in the middle")
        << pretty
        << QByteArray(
               R"({"temperature":0.7,"model":"b","seed":12345678901234567890,"stream":true})")
        << QStringList{u"model"_s} << QByteArray("\"seed\": 12345678901234567890");
    QTest::newRow("remove the first")
        << pretty << QByteArray(R"({"model":"a","seed":12345678901234567890,"stream":true})")
        << QStringList{u"temperature"_s} << QByteArray("\"seed\": 12345678901234567890");
    QTest::newRow("remove the last")
        << pretty << QByteArray(R"({"temperature":0.7,"model":"a","seed":12345678901234567890})")
        << QStringList{u"stream"_s} << QByteArray("\"temperature\": 0.70");
    QTest::newRow("remove all but one") << pretty << QByteArray(R"({"seed":12345678901234567890})")
                                        << QStringList{u"temperature"_s, u"model"_s, u"stream"_s}
                                        << QByteArray("\"seed\": 12345678901234567890");
    QTest::newRow("remove every member")
        << QByteArray(R"({"a":1,"b":[1,{"c":"}"}]})") << QByteArray("{}")
        << QStringList{u"a"_s, u"b"_s} << QByteArray("{");
    QTest::newRow("append and replace")
        << pretty
        << QByteArray(
               R"({"temperature":0.7,"model":"\"q\"\u00e9","seed":12345678901234567890,"stream":true,)"
               R"("stream_options":{"include_usage":true}})")
        << QStringList{u"stream_options"_s, u"model"_s} << QByteArray("\"temperature\": 0.70");
    QTest::newRow("append to an empty object")
        << QByteArray(" { } ") << QByteArray(R"({"x":[1,2]})") << QStringList{u"x"_s}
        << QByteArray("} ");
    QTest::newRow("values with brackets and escapes")
        << QByteArray(R"({"s":"a\"}]{","n":-1.5e3,"o":{"k":["]",{}]},"t":true,"z":null})")
        << QByteArray(R"({"s":"a\"}]{","n":-1500,"o":{"k":["]",{}]},"t":false,"z":null})")
        << QStringList{u"t"_s} << QByteArray(R"("n":-1.5e3,"o":{"k":["]",{}]})");
    QTest::newRow("a string ending in an escaped backslash")
        << QByteArray(R"({"s":"x\\","q":"\\\"","t":true})")
        << QByteArray(R"({"s":"x\\","q":"\\\"","t":false})") << QStringList{u"t"_s}
        << QByteArray(R"({"s":"x\\","q":"\\\"","t":false})");
    QTest::newRow("a touched key twice")
        << QByteArray(R"({"model":"a","model":"b"})") << QByteArray(R"({"model":"c"})")
        << QStringList{u"model"_s} << QByteArray();
    QTest::newRow("an escaped name")
        << QByteArray(R"({"mod\u0065l":"a"})") << QByteArray(R"({"model":"c"})")
        << QStringList{u"model"_s} << QByteArray();
    QTest::newRow("not an object")
        << QByteArray("[1]") << QByteArray("{}") << QStringList{} << QByteArray();
}

void TestOpenAIChat::memberEdits()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, to);
    QFETCH(QStringList, keys);
    QFETCH(QByteArray, verbatim);
    const QJsonObject target = QJsonDocument::fromJson(to).object();
    const auto edited = withTopLevelMembers(json, target, keys);
    if (verbatim.isEmpty()) {
        QVERIFY(!edited);
        return;
    }
    QVERIFY(edited);
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(*edited, &err);
    QVERIFY2(err.error == QJsonParseError::NoError, edited->constData());
    QCOMPARE(doc.object(), target);
    QVERIFY2(edited->contains(verbatim), edited->constData());
}

// compactJson replaces QJsonDocument::toJson(Compact) on hot paths: the bytes must be Qt's.
void TestOpenAIChat::compactJsonIsQtsBytes_data()
{
    QTest::addColumn<QJsonObject>("object");
    const auto parsed = [](const char *json) { return QJsonDocument::fromJson(json).object(); };
    QTest::newRow("empty") << QJsonObject();
    QTest::newRow("scalars") << QJsonObject{{u"t"_s, true},          {u"f"_s, false},
                                            {u"n"_s, QJsonValue::Null}, {u"i"_s, 42},
                                            {u"neg"_s, -7},           {u"s"_s, u"x"_s}};
    QTest::newRow("integers and doubles")
        << QJsonObject{{u"int million"_s, 1000000},
                       {u"double million"_s, 1e6},
                       {u"double 65536"_s, 65536.0},
                       {u"half"_s, 0.5},
                       {u"tiny"_s, 1e-7},
                       {u"minus zero"_s, -0.0},
                       {u"max"_s, 1.7976931348623157e308},
                       {u"int64 max"_s, qint64(9223372036854775807LL)},
                       {u"2^53+1"_s, qint64(9007199254740993LL)},
                       {u"third"_s, 1.0 / 3},
                       {u"nan"_s, qQNaN()},
                       {u"inf"_s, qInf()}};
    QTest::newRow("numbers parsed from text")
        << parsed(R"({"a":1000000,"b":1e6,"c":1.0,"d":12345678901234567890,"e":-0.25,"f":3e-5,"g":0})");
    QTest::newRow("strings")
        << QJsonObject{{u"esc"_s, u"\"\\\n\t\u0001\u007f"_s},
                       {u"utf"_s, QString::fromUtf8("caf\xC3\xA9 \xF0\x9F\x98\x80")},
                       {u"lone"_s, QString(QChar(0xd800))},
                       {u"k\u00e9y \"q\""_s, u""_s}};
    QTest::newRow("nested")
        << parsed(R"({"choices":[{"delta":{},"finish_reason":"stop","index":0}],"created":1754686206,)"
                  R"("id":"chatcmpl-1","model":"qwen3","object":"chat.completion.chunk",)"
                  R"("usage":{"completion_tokens":20,"prompt_tokens":512},"e":[[],{},[{}],null]})");
}

void TestOpenAIChat::compactJsonIsQtsBytes()
{
    QFETCH(QJsonObject, object);
    QCOMPARE(compactJson(object), QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QTEST_GUILESS_MAIN(TestOpenAIChat)
#include "tst_openaichat.moc"
