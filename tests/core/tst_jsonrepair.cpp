// repairJsonObject: the argument strings Qwen models really produce, and what must come out.

#include "protocol/jsonrepair.h"

#include <QJsonDocument>
#include <QtTest>

using qp::repairJsonObject;

class TestJsonRepair : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void repairs_data();
    void repairs();
    void hopeless_data();
    void hopeless();
    void truncatedPrefixesNeverCrash();
};

static QJsonObject obj(const char *json)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("bad expected JSON in test: %s", json);
    return doc.object();
}

void TestJsonRepair::repairs_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QJsonObject>("expected");

    auto row = [](const char *name, const char *in, const char *out) {
        QTest::newRow(name) << QString::fromUtf8(in) << obj(out);
    };
    row("valid json is unchanged", R"({"a":1,"b":[true,null],"c":{"d":"x"}})",
        R"({"a":1,"b":[true,null],"c":{"d":"x"}})");
    row("empty string is no-argument call", "", "{}");
    row("whitespace is no-argument call", "  \n\t ", "{}");
    row("single-quoted strings", R"({'command': 'ls -la', 'n': 2})",
        R"({"command":"ls -la","n":2})");
    row("apostrophe inside single-quoted string", R"({'text': 'it's fine'})",
        R"({"text":"it's fine"})");
    row("double quote inside single-quoted string", R"({'q': 'say "hi"'})",
        R"({"q":"say \"hi\""})");
    row("escaped single quote", R"({'q': 'it\'s'})", R"({"q":"it's"})");
    row("trailing comma in object", R"({"a": 1, "b": 2,})", R"({"a":1,"b":2})");
    row("trailing comma in array", R"({"a": [1, 2, ]})", R"({"a":[1,2]})");
    row("doubled comma", R"({"a": 1,, "b": 2})", R"({"a":1,"b":2})");
    row("unquoted keys", R"({command: "ls", timeout_ms: 100})",
        R"({"command":"ls","timeout_ms":100})");
    row("python literals", R"({'a': True, 'b': False, 'c': None})",
        R"({"a":true,"b":false,"c":null})");
    row("truncated inside string", R"({"command": "echo hel)", R"({"command":"echo hel"})");
    row("truncated after comma", R"({"a": 1, )", R"({"a":1})");
    row("truncated after key", R"({"a": 1, "file_path")", R"({"a":1})");
    row("truncated after colon", R"({"a": 1, "b": )", R"({"a":1,"b":null})");
    row("truncated nested", R"({"edits": [{"old": "x", "new": "y"}, {"old": "z")",
        R"({"edits":[{"old":"x","new":"y"},{"old":"z"}]})");
    row("markdown code fence", "```json\n{\"a\": 1}\n```", R"({"a":1})");
    row("code fence without language", "```\n{'a': 1}\n```", R"({"a":1})");
    row("leading prose", R"(Here are the arguments: {"a": 1})", R"({"a":1})");
    row("trailing prose", R"({"a": 1} hope this helps)", R"({"a":1})");
    row("raw newline inside string", "{\"content\": \"line1\nline2\"}",
        R"({"content":"line1\nline2"})");
    row("raw tab inside string", "{\"content\": \"a\tb\"}", R"({"content":"a\tb"})");
    // (Qt's strict parser already accepts "\U" by dropping the backslash, so this goes through
    // the repair path via single quotes.)
    row("invalid escape kept literally", R"({'path': 'C:\Users\x'})", R"({"path":"C:\\Users\\x"})");
    row("unicode escape preserved", R"({"s": "\u00e9t\u00e9",})", R"({"s":"été"})");
    row("missing comma between members", R"({"a": 1 "b": 2})", R"({"a":1,"b":2})");
    row("missing colon", R"({"a" 1})", R"({"a":1})");
    row("unescaped quotes inside double-quoted string", R"({"q": "say "hi" now", "n": 1})",
        R"({"q":"say \"hi\" now","n":1})");
    row("comments", "{\n// the file\n\"a\": 1, /* why */ \"b\": 2}", R"({"a":1,"b":2})");
    row("double-encoded json string", R"("{\"a\": 1}")", R"({"a":1})");
    row("unquoted string value", R"({"mode": fast, "n": 1})", R"({"mode":"fast","n":1})");
    row("numbers with plus and leading dot", R"({"a": +1, "b": .5})", R"({"a":1,"b":0.5})");
    row("mismatched closer closes inner frames", R"({"a": [1, 2})", R"({"a":[1,2]})");
    row("smart quotes",
        "{\xE2\x80\x9C"
        "a\xE2\x80\x9D: \xE2\x80\x9C"
        "b\xE2\x80\x9D}",
        R"({"a":"b"})");
    row("nested python dict", R"({'edits': [{'old': 'a', 'new': None}], 'all': False})",
        R"({"edits":[{"old":"a","new":null}],"all":false})");
    row("non-ascii text", R"({'msg': 'héllo 世界'})", R"({"msg":"héllo 世界"})");
}

void TestJsonRepair::repairs()
{
    QFETCH(QString, input);
    QFETCH(QJsonObject, expected);
    const auto got = repairJsonObject(input);
    QVERIFY2(got.has_value(), qPrintable(QStringLiteral("not repaired: ") + input));
    QCOMPARE(QJsonDocument(*got).toJson(QJsonDocument::Compact),
             QJsonDocument(expected).toJson(QJsonDocument::Compact));
}

void TestJsonRepair::hopeless_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("plain prose") << QStringLiteral("I cannot do that");
    QTest::newRow("array is not an object") << QStringLiteral("[1, 2, 3]");
    QTest::newRow("array of objects is not an object") << QStringLiteral(R"([{"a":1}])");
    QTest::newRow("bare number") << QStringLiteral("42");
    QTest::newRow("json string without object") << QStringLiteral(R"("hello")");
}

void TestJsonRepair::hopeless()
{
    QFETCH(QString, input);
    QVERIFY(!repairJsonObject(input).has_value());
}

// Every prefix of a realistic argument string is what a truncated stream leaves behind; each
// must either repair to an object or be rejected, never crash or loop.
void TestJsonRepair::truncatedPrefixesNeverCrash()
{
    const QString full = QStringLiteral(
        R"({'file_path': '/tmp/a.txt', "edits": [{"old_string": "it's", new_string: "x\ny"}], )"
        R"("replace_all": False, "n": -1.5e3, /* c */ "t": "\u00e9"})");
    int repaired = 0;
    for (qsizetype i = 1; i <= full.size(); ++i) {
        if (repairJsonObject(full.left(i)))
            ++repaired;
    }
    QCOMPARE(repaired, int(full.size())); // every prefix starting with '{' is repairable
    const auto whole = repairJsonObject(full);
    QVERIFY(whole);
    QCOMPARE(whole->value(QLatin1String("file_path")).toString(), QStringLiteral("/tmp/a.txt"));
    QCOMPARE(whole->value(QLatin1String("n")).toDouble(), -1500.0);
    QCOMPARE(whole->value(QLatin1String("replace_all")).toBool(true), false);
}

QTEST_GUILESS_MAIN(TestJsonRepair)
#include "tst_jsonrepair.moc"
