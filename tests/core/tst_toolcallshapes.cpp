// Every irregular tool-call delta shape of the Qwen protocol notes (docs/quirks.md "Tool-call
// deltas"), through both streaming paths: OpenAI -> OpenAI (OpenAIStreamNormalizer) and OpenAI ->
// Anthropic (StreamTranslator). For each call a client must end with exactly one id, one name and
// arguments that parse as a JSON object, however the upstream shaped the deltas.
#include "protocol/anthropicstream.h"
#include "protocol/anthropicstreamchecker.h"
#include "protocol/openaistream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp;

namespace {
QByteArray chunk(const QJsonObject &delta, const QJsonValue &finish = QJsonValue::Null)
{
    return QJsonDocument(
               QJsonObject{{u"id"_s, u"chatcmpl-1"_s},
                           {u"object"_s, u"chat.completion.chunk"_s},
                           {u"created"_s, 1},
                           {u"model"_s, u"qwen3-coder-plus"_s},
                           {u"choices"_s, QJsonArray{QJsonObject{{u"index"_s, 0},
                                                                 {u"delta"_s, delta},
                                                                 {u"finish_reason"_s, finish}}}}})
        .toJson(QJsonDocument::Compact);
}

// One tool_calls entry: pass QJsonValue() (undefined) for fields the shape leaves out.
QByteArray tc(const QJsonValue &index, const QJsonValue &id, const QJsonValue &name,
              const QJsonValue &args)
{
    QJsonObject call;
    if (!index.isUndefined())
        call.insert(u"index"_s, index);
    if (!id.isUndefined()) {
        call.insert(u"id"_s, id);
        call.insert(u"type"_s, u"function"_s);
    }
    QJsonObject fn;
    if (!name.isUndefined())
        fn.insert(u"name"_s, name);
    if (!args.isUndefined())
        fn.insert(u"arguments"_s, args);
    call.insert(u"function"_s, fn);
    return chunk(QJsonObject{{u"tool_calls"_s, QJsonArray{call}}});
}

const QJsonValue none = QJsonValue(QJsonValue::Undefined);

QByteArray finishChunk(const QString &reason = u"tool_calls"_s)
{
    return chunk(QJsonObject{}, reason);
}

QByteArray usageChunk()
{
    const QJsonObject usage{
        {u"prompt_tokens"_s, 11}, {u"completion_tokens"_s, 7}, {u"total_tokens"_s, 18}};
    const QJsonObject o{{u"id"_s, u"chatcmpl-1"_s},
                        {u"object"_s, u"chat.completion.chunk"_s},
                        {u"choices"_s, QJsonArray()},
                        {u"usage"_s, usage}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

struct ClientCall {
    QStringList ids;   // every non-empty id the client saw for this index
    QStringList names; // every non-empty name
    QString arguments; // concatenated
};

// What an OpenAI SDK accumulates from the chunks we send.
struct OpenAIClientView {
    QMap<int, ClientCall> calls;
    QString content;
    QStringList finishReasons;
    int usageChunks = 0;
    bool parsedAll = true;
};

OpenAIClientView runOpenAI(const QList<QByteArray> &events, bool forwardUsage = false)
{
    OpenAIStreamNormalizer n(forwardUsage);
    QList<QByteArray> out;
    for (const QByteArray &e : events) {
        const auto step = n.onEvent(e);
        out += step.out;
        if (step.done)
            break;
    }
    out += n.finish();
    OpenAIClientView v;
    for (const QByteArray &p : std::as_const(out)) {
        QJsonParseError err{};
        const QJsonObject o = QJsonDocument::fromJson(p, &err).object();
        if (err.error != QJsonParseError::NoError) {
            v.parsedAll = false;
            continue;
        }
        if (o.value(u"usage"_s).isObject())
            ++v.usageChunks;
        for (const auto &chV : o.value(u"choices"_s).toArray()) {
            const QJsonObject ch = chV.toObject();
            const QJsonObject d = ch.value(u"delta"_s).toObject();
            v.content += d.value(u"content"_s).toString();
            if (ch.value(u"finish_reason"_s).isString())
                v.finishReasons << ch.value(u"finish_reason"_s).toString();
            for (const auto &tV : d.value(u"tool_calls"_s).toArray()) {
                const QJsonObject t = tV.toObject();
                ClientCall &c = v.calls[t.value(u"index"_s).toInt(-1)];
                if (!t.value(u"id"_s).toString().isEmpty())
                    c.ids << t.value(u"id"_s).toString();
                const QJsonObject fn = t.value(u"function"_s).toObject();
                if (!fn.value(u"name"_s).toString().isEmpty())
                    c.names << fn.value(u"name"_s).toString();
                c.arguments += fn.value(u"arguments"_s).toString();
            }
        }
    }
    return v;
}

QJsonObject parsedArgs(const QString &args)
{
    QJsonParseError err{};
    const QJsonDocument d = QJsonDocument::fromJson(args.toUtf8(), &err);
    return err.error == QJsonParseError::NoError && d.isObject() ? d.object()
                                                                 : QJsonObject{{u"!"_s, args}};
}

QByteArray runAnthropic(const QList<QByteArray> &events)
{
    anthropic::StreamTranslator t(u"claude-sonnet-4-5"_s, false, 10);
    QByteArray out = t.begin();
    for (const QByteArray &e : events)
        out += t.onChunk(QJsonDocument::fromJson(e).object());
    out += t.finish();
    return out;
}

struct Expected {
    QString id; // empty: any (made up by us), but exactly one
    QString name;
    QJsonObject input;
};
} // namespace

Q_DECLARE_METATYPE(Expected)

class TestToolCallShapes : public QObject
{
    Q_OBJECT
    static void shapes()
    {
        QTest::addColumn<QList<QByteArray>>("events");
        QTest::addColumn<QList<Expected>>("expected");
        const QJsonObject args{{u"path"_s, u"a.txt"_s}};
        const Expected read{u"call_1"_s, u"read"_s, args};

        QTest::newRow("regular fragments")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, u""_s),
                                 tc(0, none, none, u"{\"path\":"_s),
                                 tc(0, none, none, u"\"a.txt\"}"_s), finishChunk()}
            << QList<Expected>{read};
        QTest::newRow("no index, no id on continuations")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, u"{\"path\""_s),
                                 tc(none, none, none, u":\"a.txt\"}"_s), finishChunk()}
            << QList<Expected>{read};
        QTest::newRow("completed call replayed in full (same id)")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, u""_s),
                                 tc(0, none, none, u"{\"path\":"_s),
                                 tc(0, none, none, u"\"a.txt\"}"_s),
                                 tc(0, u"call_1"_s, u"read"_s, u"{\"path\":\"a.txt\"}"_s),
                                 finishChunk()}
            << QList<Expected>{read};
        QTest::newRow("replay on another index, id only")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, u"{\"path\":"_s),
                                 tc(0, none, none, u"\"a.txt\"}"_s),
                                 tc(1, u"call_1"_s, none, u"{\"path\":\"a.txt\"}"_s), finishChunk()}
            << QList<Expected>{read};
        QTest::newRow("replay in the finish chunk")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, u"{\"path\":"_s),
                                 tc(0, none, none, u"\"a.txt\"}"_s),
                                 chunk(
                                     QJsonObject{
                                         {u"tool_calls"_s,
                                          QJsonArray{QJsonObject{
                                              {u"index"_s, 0},
                                              {u"id"_s, u"call_1"_s},
                                              {u"function"_s,
                                               QJsonObject{{u"name"_s, u"read"_s},
                                                           {u"arguments"_s,
                                                            u"{\"path\":\"a.txt\"}"_s}}}}}}},
                                     u"tool_calls"_s)}
            << QList<Expected>{read};
        QTest::newRow("index reuse: new id on a taken index")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, u"{\"path\":\"a.txt\"}"_s),
                                 tc(0, u"call_2"_s, u"ls"_s, u"{\"dir\":"_s),
                                 tc(0, none, none, u"\".\"}"_s), finishChunk()}
            << QList<Expected>{read, {u"call_2"_s, u"ls"_s, {{u"dir"_s, u"."_s}}}};
        QTest::newRow("index reuse without ids: a name starts the next call")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, u"{\"path\":\"a.txt\"}"_s),
                                 tc(0, none, u"ls"_s, u"{\"dir\":\".\"}"_s), finishChunk()}
            << QList<Expected>{read, {QString(), u"ls"_s, {{u"dir"_s, u"."_s}}}};
        QTest::newRow("name-only delta, then arguments")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, none),
                                 tc(0, none, none, u"{\"path\":\"a.txt\"}"_s), finishChunk()}
            << QList<Expected>{read};
        QTest::newRow("name and id after the arguments")
            << QList<QByteArray>{tc(0, none, none, u"{\"path\":"_s),
                                 tc(0, none, none, u"\"a.txt\"}"_s),
                                 tc(0, u"call_1"_s, u"read"_s, u""_s), finishChunk()}
            << QList<Expected>{read};
        QTest::newRow("id after the name")
            << QList<QByteArray>{tc(0, none, u"read"_s, u"{\"path\":"_s),
                                 tc(0, u"call_1"_s, none, u"\"a.txt\"}"_s),
                                 tc(0, u"call_1"_s, u"read"_s, u"{\"path\":\"a.txt\"}"_s),
                                 finishChunk()}
            << QList<Expected>{{QString(), u"read"_s, args}};
        QTest::newRow("no-arg tool, empty arguments")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"now"_s, u""_s), finishChunk()}
            << QList<Expected>{{u"call_1"_s, u"now"_s, {}}};
        QTest::newRow("no-arg tool, arguments absent")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"now"_s, none), finishChunk()}
            << QList<Expected>{{u"call_1"_s, u"now"_s, {}}};
        QTest::newRow("arguments as an object")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, args), finishChunk()}
            << QList<Expected>{read};
        QTest::newRow("qwen3-coder single quotes")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, u"{'path': "_s),
                                 tc(0, none, none, u"'a.txt'}"_s), finishChunk()}
            << QList<Expected>{read};
        QTest::newRow("two calls interleaved")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, u"{\"path\":"_s),
                                 tc(1, u"call_2"_s, u"ls"_s, u"{\"dir\":"_s),
                                 tc(0, none, none, u"\"a.txt\"}"_s), tc(1, none, none, u"\".\"}"_s),
                                 finishChunk()}
            << QList<Expected>{read, {u"call_2"_s, u"ls"_s, {{u"dir"_s, u"."_s}}}};
        QTest::newRow("duplicate finish chunks, usage trailing")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, u"{\"path\":\"a.txt\"}"_s),
                                 finishChunk(), finishChunk(u"stop"_s), usageChunk()}
            << QList<Expected>{read};
        QTest::newRow("braces inside strings")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"write"_s, u"{\"text\":\"}{\\\"\"}"_s),
                                 finishChunk()}
            << QList<Expected>{{u"call_1"_s, u"write"_s, {{u"text"_s, u"}{\""_s}}}};
        QTest::newRow("no finish chunk at all")
            << QList<QByteArray>{tc(0, u"call_1"_s, u"read"_s, u"{\"path\":"_s),
                                 tc(0, none, none, u"\"a.txt\"}"_s)}
            << QList<Expected>{read};
    }

private Q_SLOTS:
    void openAI_data() { shapes(); }
    void openAI()
    {
        QFETCH(QList<QByteArray>, events);
        QFETCH(QList<Expected>, expected);
        const OpenAIClientView v = runOpenAI(events);
        QVERIFY(v.parsedAll);
        QCOMPARE(v.calls.size(), expected.size());
        QCOMPARE(v.finishReasons, QStringList{u"tool_calls"_s});
        int i = 0;
        for (auto it = v.calls.cbegin(); it != v.calls.cend(); ++it, ++i) {
            QCOMPARE(it.key(), i); // indexes 0..n-1
            const ClientCall &c = it.value();
            QCOMPARE(c.ids.size(), 1);
            if (!expected[i].id.isEmpty())
                QCOMPARE(c.ids.first(), expected[i].id);
            QCOMPARE(c.names, QStringList{expected[i].name});
            QCOMPARE(parsedArgs(c.arguments), expected[i].input);
        }
    }

    void anthropic_data() { shapes(); }
    void anthropic()
    {
        QFETCH(QList<QByteArray>, events);
        QFETCH(QList<Expected>, expected);
        const QByteArray sse = runAnthropic(events);
        const QStringList problems = anthropic::checkAnthropicStream(sse);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        const QJsonObject msg = anthropic::accumulateAnthropicStream(sse);
        QJsonArray tools;
        for (const auto &b : msg.value(u"content"_s).toArray())
            if (b.toObject().value(u"type"_s).toString() == u"tool_use")
                tools.append(b);
        QCOMPARE(tools.size(), expected.size());
        for (qsizetype i = 0; i < tools.size(); ++i) {
            const QJsonObject b = tools.at(i).toObject();
            if (!expected[i].id.isEmpty())
                QCOMPARE(b.value(u"id"_s).toString(), expected[i].id);
            QVERIFY(!b.value(u"id"_s).toString().isEmpty());
            QCOMPARE(b.value(u"name"_s).toString(), expected[i].name);
            QCOMPARE(b.value(u"input"_s).toObject(), expected[i].input);
        }
        QCOMPARE(msg.value(u"stop_reason"_s).toString(), u"tool_use"_s);
    }

    void imEndStrippedAndFinishOnce()
    {
        const OpenAIClientView v = runOpenAI(
            {chunk(QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u"Hi"_s}}),
             chunk(QJsonObject{{u"content"_s, u" there<|im_end|>"_s}}), finishChunk(u"stop"_s),
             finishChunk(u"stop"_s), chunk(QJsonObject{{u"content"_s, u"late"_s}}), usageChunk()},
            true);
        QCOMPARE(v.content, u"Hi there"_s);
        QCOMPARE(v.finishReasons, QStringList{u"stop"_s});
        QCOMPARE(v.usageChunks, 1);
    }

    void usageHiddenUnlessAsked()
    {
        OpenAIStreamNormalizer n(false);
        QList<QByteArray> out;
        for (const QByteArray &e : {finishChunk(u"stop"_s), usageChunk()})
            out += n.onEvent(e).out;
        QCOMPARE(out.size(), 1);
        QVERIFY(!out.first().contains("usage"));
        QVERIFY(n.usage().known);
        QCOMPARE(n.usage().completionTokens, 7);
    }
};

QTEST_GUILESS_MAIN(TestToolCallShapes)
#include "tst_toolcallshapes.moc"
