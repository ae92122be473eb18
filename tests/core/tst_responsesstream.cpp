// Upstream chat chunks -> normaliser -> Responses events, as the relay runs them. Every stream is
// checked by the invariant checker; the items the terminal event holds are compared with what a
// client must end up with (item ids, random, left out), and whole answers must give the same
// response object as the equivalent stream.

#include "protocol/jsonbytes.h"
#include "protocol/openaistream.h"
#include "protocol/responsesstream.h"
#include "protocol/responsesstreamchecker.h"
#include "testjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QtTest>

using namespace qp;
using namespace qp::responses;
using namespace Qt::StringLiterals;
using qp::test::compact;
using qp::test::J;

namespace {
QByteArray chunk(const QByteArray &delta, const QByteArray &finish = "null")
{
    const QJsonObject d = QJsonDocument::fromJson(delta).object();
    const QJsonValue f = finish == "null"
                             ? QJsonValue()
                             : QJsonValue(QString::fromUtf8(finish.mid(1, finish.size() - 2)));
    return compactJson(QJsonObject{
        {u"id"_s, u"c1"_s},
        {u"object"_s, u"chat.completion.chunk"_s},
        {u"model"_s, u"qwen3-coder-plus"_s},
        {u"choices"_s,
         QJsonArray{QJsonObject{{u"index"_s, 0}, {u"delta"_s, d}, {u"finish_reason"_s, f}}}}});
}
const QByteArray kUsage =
    R"({"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}}})";

ResponseInfo info(bool summary = true)
{
    ResponseInfo i;
    i.model = u"gpt-5-codex"_s;
    i.reasoningSummary = summary;
    i.tools.custom.insert(u"apply_patch"_s);
    i.tools.namespaced.insert(u"fs__read"_s, ToolTable::Namespaced{u"fs"_s, u"read"_s});
    return i;
}

// The relay's path: normaliser, then encoder.
QByteArray run(const QList<QByteArray> &chunks, StreamEncoder &enc,
               const std::optional<Error> &failAtEnd = {})
{
    OpenAIStreamNormalizer norm(true, true);
    QByteArray out = enc.begin();
    for (const QByteArray &c : chunks) {
        const auto step = norm.onEvent(c);
        for (const QByteArray &p : step.out)
            out += enc.onChunk(QJsonDocument::fromJson(p).object());
        if (step.error)
            return out + enc.fail(*step.error);
    }
    if (failAtEnd)
        return out + enc.fail(*failAtEnd);
    for (const QByteArray &p : norm.finish())
        out += enc.onChunk(QJsonDocument::fromJson(p).object());
    return out + enc.finish();
}

// Item ids are random: left out; generated call ids become <generated>.
QJsonArray stable(const QJsonArray &items)
{
    static const QRegularExpression generated(u"^call_[0-9a-zA-Z]{20,}$"_s);
    QJsonArray out;
    for (const QJsonValue &v : items) {
        QJsonObject o = v.toObject();
        o.remove(u"id"_s);
        if (generated.match(o.value(u"call_id"_s).toString()).hasMatch())
            o.insert(u"call_id"_s, u"<generated>"_s);
        out.append(o);
    }
    return out;
}
} // namespace

class TestResponsesStream : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void items_data()
    {
        QTest::addColumn<QList<QByteArray>>("chunks");
        QTest::addColumn<bool>("summary");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QByteArray>("expected");

        const QByteArray msg =
            R"({"type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"%1","annotations":[],"logprobs":[]}]})";
        const auto message = [&](const char *t) { return QByteArray(msg).replace("%1", t); };

        QTest::newRow("text") << QList<QByteArray>{chunk(R"({"role":"assistant","content":"Hel"})"),
                                                   chunk(R"({"content":"lo"})"),
                                                   chunk("{}", R"("stop")"), kUsage}
                              << true << u"completed"_s << "[" + message("Hello") + "]";
        QTest::newRow("reasoning with a summary requested")
            << QList<QByteArray>{chunk(R"({"reasoning_content":"think"})"),
                                 chunk(R"({"reasoning_content":"ing"})"),
                                 chunk(R"({"content":"ok"})"), chunk("{}", R"("stop")")}
            << true << u"completed"_s
            << "[" +
                   QByteArray(
                       R"({"type":"reasoning","summary":[{"type":"summary_text","text":"thinking"}]})") +
                   "," + message("ok") + "]";
        QTest::newRow("reasoning without a summary requested is not shown")
            << QList<QByteArray>{chunk(R"({"reasoning_content":"think"})"),
                                 chunk(R"({"content":"ok"})"), chunk("{}", R"("stop")")}
            << false << u"completed"_s << "[" + message("ok") + "]";
        QTest::newRow("one call in fragments")
            << QList<
                   QByteArray>{chunk(
                                   R"({"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"ls","arguments":"\u007b\u0022p\u0022:"}}]})"),
                               chunk(
                                   R"({"tool_calls":[{"index":0,"function":{"arguments":"\u0022/\u0022\u007d"}}]})"),
                               chunk("{}", R"("tool_calls")")}
            << true << u"completed"_s
            << QByteArray(
                   R"([{"type":"function_call","status":"completed","call_id":"call_1","name":"ls","arguments":"{\u0022p\u0022:\u0022/\u0022}"}])");
        QTest::newRow("name after the arguments")
            << QList<
                   QByteArray>{chunk(
                                   R"({"tool_calls":[{"index":0,"function":{"arguments":"{\u0022a\u0022:1}"}}]})"),
                               chunk(
                                   R"({"tool_calls":[{"index":0,"id":"call_9","function":{"name":"ls"}}]})"),
                               chunk("{}", R"("tool_calls")")}
            << true << u"completed"_s
            << QByteArray(
                   R"([{"type":"function_call","status":"completed","call_id":"call_9","name":"ls","arguments":"{\u0022a\u0022:1}"}])");
        QTest::newRow("parallel calls interleaved")
            << QList<
                   QByteArray>{chunk(
                                   R"({"tool_calls":[{"index":0,"id":"call_a","function":{"name":"a","arguments":"\u007b\u0022x\u0022:"}}]})"),
                               chunk(
                                   R"({"tool_calls":[{"index":1,"id":"call_b","function":{"name":"b","arguments":"{\u0022y\u0022:2}"}}]})"),
                               chunk(
                                   R"({"tool_calls":[{"index":0,"function":{"arguments":"1\u007d"}}]})"),
                               chunk("{}", R"("tool_calls")")}
            << true << u"completed"_s
            << QByteArray(
                   R"([{"type":"function_call","status":"completed","call_id":"call_a","name":"a","arguments":"{\u0022x\u0022:1}"},{"type":"function_call","status":"completed","call_id":"call_b","name":"b","arguments":"{\u0022y\u0022:2}"}])");
        QTest::newRow("text after a call")
            << QList<
                   QByteArray>{chunk(R"({"content":"first"})"),
                               chunk(
                                   R"({"tool_calls":[{"index":0,"id":"call_1","function":{"name":"ls","arguments":"{}"}}]})"),
                               chunk(R"({"content":"after"})"), chunk("{}", R"("tool_calls")")}
            << true << u"completed"_s
            << "[" + message("first") +
                   R"(,{"type":"function_call","status":"completed","call_id":"call_1","name":"ls","arguments":"{}"},)" +
                   message("after") + "]";
        QTest::newRow("missing id and empty arguments")
            << QList<
                   QByteArray>{chunk(
                                   R"({"tool_calls":[{"index":0,"function":{"name":"now","arguments":""}}]})"),
                               chunk("{}", R"("tool_calls")")}
            << true << u"completed"_s
            << QByteArray(
                   R"([{"type":"function_call","status":"completed","call_id":"<generated>","name":"now","arguments":"{}"}])");
        QTest::newRow("invalid JSON repaired")
            << QList<
                   QByteArray>{chunk(
                                   R"({"tool_calls":[{"index":0,"id":"call_1","function":{"name":"ls","arguments":"{'p': '/tmp'}"}}]})"),
                               chunk("{}", R"("tool_calls")")}
            << true << u"completed"_s
            << QByteArray(
                   R"([{"type":"function_call","status":"completed","call_id":"call_1","name":"ls","arguments":"{\u0022p\u0022:\u0022/tmp\u0022}"}])");
        QTest::newRow("custom tool call")
            << QList<
                   QByteArray>{chunk(
                                   R"({"tool_calls":[{"index":0,"id":"call_1","function":{"name":"apply_patch","arguments":"{\u0022input\u0022:\u0022*** Begin\u0022}"}}]})"),
                               chunk("{}", R"("tool_calls")")}
            << true << u"completed"_s
            << QByteArray(
                   R"([{"type":"custom_tool_call","status":"completed","call_id":"call_1","name":"apply_patch","input":"*** Begin"}])");
        QTest::newRow("namespaced call split back")
            << QList<
                   QByteArray>{chunk(
                                   R"({"tool_calls":[{"index":0,"id":"call_1","function":{"name":"fs__read","arguments":"{}"}}]})"),
                               chunk("{}", R"("tool_calls")")}
            << true << u"completed"_s
            << QByteArray(
                   R"([{"type":"function_call","status":"completed","call_id":"call_1","name":"read","arguments":"{}","namespace":"fs"}])");
        QTest::newRow("length is incomplete")
            << QList<QByteArray>{chunk(R"({"content":"cut"})"), chunk("{}", R"("length")")} << true
            << u"incomplete"_s << "[" + message("cut") + "]";
        QTest::newRow("reasoning leaked into content as think tags")
            << QList<QByteArray>{chunk(R"({"content":"<thi"})"),
                                 chunk(R"({"content":"nk>plan</th"})"),
                                 chunk(R"({"content":"ink>\n\nanswer"})"), chunk("{}", R"("stop")")}
            << true << u"completed"_s
            << R"([{"type":"reasoning","summary":[{"type":"summary_text","text":"plan"}]},)" +
                   message("answer") + "]";
        QTest::newRow("blanks before a call make no message")
            << QList<
                   QByteArray>{chunk(R"({"content":"\n\n"})"),
                               chunk(
                                   R"({"tool_calls":[{"index":0,"id":"call_1","function":{"name":"ls","arguments":"{}"}}]})"),
                               chunk("{}", R"("tool_calls")")}
            << true << u"completed"_s
            << QByteArray(
                   R"([{"type":"function_call","status":"completed","call_id":"call_1","name":"ls","arguments":"{}"}])");
        QTest::newRow("blank content makes no message")
            << QList<QByteArray>{chunk(R"({"role":"assistant","content":""})"),
                                 chunk("{}", R"("stop")")}
            << true << u"completed"_s << QByteArray("[]");
        (void)message;
    }
    void items()
    {
        QFETCH(QList<QByteArray>, chunks);
        QFETCH(bool, summary);
        QFETCH(QString, status);
        QFETCH(QByteArray, expected);
        StreamEncoder enc(info(summary));
        const QByteArray sse = run(chunks, enc);
        const CheckedStream checked = checkResponsesStream(sse);
        QVERIFY2(checked.problems.isEmpty(),
                 qPrintable(checked.problems.join(u"\n"_s) + u"\n"_s + QString::fromUtf8(sse)));
        QCOMPARE(checked.terminal.value(u"status"_s).toString(), status);
        QCOMPARE(compact(stable(checked.terminal.value(u"output"_s).toArray())),
                 compact(J(expected)));
        if (status == u"incomplete")
            QCOMPARE(checked.terminal.value(u"incomplete_details"_s)
                         .toObject()
                         .value(u"reason"_s)
                         .toString(),
                     u"max_output_tokens"_s);
        QCOMPARE(checked.terminal, enc.response());
    }

    // Arguments are shown as they come (Codex gives up after 300 s without an event).
    void argumentsStreamLive_data()
    {
        QTest::addColumn<QList<QByteArray>>("chunks");
        QTest::addColumn<QString>("deltaType");
        QTest::addColumn<int>("deltas");
        QTest::addColumn<QString>("done");
        QTest::newRow("function call in three fragments")
            << QList<
                   QByteArray>{chunk(
                                   R"({"tool_calls":[{"index":0,"id":"call_1","function":{"name":"ls","arguments":"\u007b\u0022p\u0022:"}}]})"),
                               chunk(
                                   R"({"tool_calls":[{"index":0,"function":{"arguments":"\u0022/tm"}}]})"),
                               chunk(
                                   R"({"tool_calls":[{"index":0,"function":{"arguments":"p\u0022\u007d"}}]})"),
                               chunk("{}", R"("tool_calls")")}
            << u"response.function_call_arguments.delta"_s << 3 << u"{\"p\":\"/tmp\"}"_s;
        QTest::newRow("custom tool input decoded as it comes")
            << QList<
                   QByteArray>{chunk(
                                   R"({"tool_calls":[{"index":0,"id":"call_1","function":{"name":"apply_patch","arguments":"\u007b\u0022input\u0022: \u0022*** Begin\\"}}]})"),
                               chunk(
                                   R"({"tool_calls":[{"index":0,"function":{"arguments":"n+x\u0022\u007d"}}]})"),
                               chunk("{}", R"("tool_calls")")}
            << u"response.custom_tool_call_input.delta"_s << 2 << u"*** Begin\n+x"_s;
        QTest::newRow("repaired after streaming")
            << QList<
                   QByteArray>{chunk(
                                   R"({"tool_calls":[{"index":0,"id":"call_1","function":{"name":"ls","arguments":"\u007b'p': "}}]})"),
                               chunk(
                                   R"({"tool_calls":[{"index":0,"function":{"arguments":"'/tmp'\u007d"}}]})"),
                               chunk("{}", R"("tool_calls")")}
            << u"response.function_call_arguments.delta"_s << 1 << u"{\"p\":\"/tmp\"}"_s;
    }
    void argumentsStreamLive()
    {
        QFETCH(QList<QByteArray>, chunks);
        QFETCH(QString, deltaType);
        QFETCH(int, deltas);
        QFETCH(QString, done);
        StreamEncoder enc(info());
        const QByteArray sse = run(chunks, enc);
        const CheckedStream checked = checkResponsesStream(sse);
        QVERIFY2(checked.problems.isEmpty(),
                 qPrintable(checked.problems.join(u"\n"_s) + u"\n"_s + QString::fromUtf8(sse)));
        int n = 0;
        for (const QJsonObject &e : checked.events)
            n += e.value(u"type"_s).toString() == deltaType;
        QCOMPARE(n, deltas);
        const QJsonObject item = checked.terminal.value(u"output"_s).toArray().first().toObject();
        QCOMPARE(item.value(item.contains(u"input"_s) ? u"input"_s : u"arguments"_s).toString(),
                 done);
    }

    void usage()
    {
        StreamEncoder with(info());
        auto checked = checkResponsesStream(
            run({chunk(R"({"content":"a"})"), chunk("{}", R"("stop")"), kUsage}, with));
        QVERIFY(checked.problems.isEmpty());
        QCOMPARE(
            compact(checked.terminal.value(u"usage"_s)),
            QByteArray(
                R"({"input_tokens":10,"input_tokens_details":{"cached_tokens":4},"output_tokens":5,"output_tokens_details":{"reasoning_tokens":2},"total_tokens":15})"));
        // Without the upstream's usage: null, never a partial object.
        StreamEncoder without(info());
        checked = checkResponsesStream(
            run({chunk(R"({"content":"a"})"), chunk("{}", R"("stop")")}, without));
        QVERIFY(checked.problems.isEmpty());
        QVERIFY(checked.terminal.value(u"usage"_s).isNull());
    }

    void failures_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("code");
        QTest::newRow("rate limited")
            << int(Error::Kind::RateLimited) << u"slow down"_s << u"rate_limit_exceeded"_s;
        QTest::newRow("rate limited, another wording of the delay")
            << int(Error::Kind::RateLimited) << u"Try again in 20 seconds"_s
            << u"rate_limit_exceeded"_s;
        QTest::newRow("quota") << int(Error::Kind::Quota) << u"Free allocated quota exceeded."_s
                               << u"insufficient_quota"_s;
        QTest::newRow("context length")
            << int(Error::Kind::InvalidRequest)
            << u"Range of input length should be ... maximum context length"_s
            << u"context_length_exceeded"_s;
        QTest::newRow("other") << int(Error::Kind::UpstreamUnavailable) << u"reset"_s
                               << u"server_error"_s;
    }
    void failures()
    {
        QFETCH(int, kind);
        QFETCH(QString, message);
        QFETCH(QString, code);
        StreamEncoder enc(info());
        Error e = Error::make(Error::Kind(kind), message);
        e.retryAfterSeconds = 7;
        const QByteArray sse = run(
            {chunk(R"({"content":"partial"})"),
             chunk(
                 R"({"tool_calls":[{"index":0,"id":"call_1","function":{"name":"ls","arguments":"\u007b\u0022a\u0022"}}]})")},
            enc, e);
        const CheckedStream checked = checkResponsesStream(sse);
        QVERIFY2(checked.problems.isEmpty(),
                 qPrintable(checked.problems.join(u"\n"_s) + u"\n"_s + QString::fromUtf8(sse)));
        QCOMPARE(checked.terminalType, u"response.failed"_s);
        const QJsonObject err = checked.terminal.value(u"error"_s).toObject();
        QCOMPARE(err.value(u"code"_s).toString(), code);
        if (code == u"rate_limit_exceeded")
            // Codex's own pattern, which it reads to wait before retrying.
            QVERIFY(QRegularExpression(u"Please try again in \\d+(\\.\\d+)?(s|ms)"_s)
                        .match(err.value(u"message"_s).toString())
                        .hasMatch());
        // The partial text was closed as an item; the call that was open is closed as incomplete
        // with {}: every added item gets its done event.
        const QJsonArray out = checked.terminal.value(u"output"_s).toArray();
        QCOMPARE(out.size(), 2);
        QCOMPARE(out.at(0).toObject().value(u"status"_s).toString(), u"completed"_s);
        QCOMPARE(out.at(1).toObject().value(u"status"_s).toString(), u"incomplete"_s);
        QCOMPARE(out.at(1).toObject().value(u"arguments"_s).toString(), u"{}"_s);
    }

    void inBandErrorFails()
    {
        StreamEncoder enc(info());
        const QByteArray sse = run(
            {chunk(R"({"content":"Throttling: TPM limit reached"})", R"("error_finish")")}, enc);
        const CheckedStream checked = checkResponsesStream(sse);
        QVERIFY2(checked.problems.isEmpty(), qPrintable(checked.problems.join(u"\n"_s)));
        QCOMPARE(checked.terminalType, u"response.failed"_s);
    }

    void streamEqualsWhole_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("finish");
        QTest::newRow("text") << QByteArray(R"({"role":"assistant","content":"Hello there"})")
                              << u"stop"_s;
        QTest::newRow("reasoning and text")
            << QByteArray(R"({"role":"assistant","reasoning_content":"hm","content":"yes"})")
            << u"stop"_s;
        QTest::newRow("text and two calls")
            << QByteArray(
                   R"({"role":"assistant","content":"look","tool_calls":[{"id":"call_1","type":"function","function":{"name":"a","arguments":"{\u0022x\u0022:1}"}},{"id":"call_2","type":"function","function":{"name":"fs__read","arguments":""}}]})")
            << u"tool_calls"_s;
        QTest::newRow("length") << QByteArray(R"({"role":"assistant","content":"cu"})")
                                << u"length"_s;
        QTest::newRow("leaked think tags")
            << QByteArray(R"({"role":"assistant","content":"<think>hm</think>\n\nok"})")
            << u"stop"_s;
    }
    void streamEqualsWhole()
    {
        QFETCH(QByteArray, message);
        QFETCH(QString, finish);
        const QJsonObject m = J(message).toObject();
        const QJsonObject usage = J(kUsage).toObject().value(u"usage"_s).toObject();
        const QJsonObject completion{
            {u"id"_s, u"c1"_s},
            {u"object"_s, u"chat.completion"_s},
            {u"choices"_s, QJsonArray{QJsonObject{
                               {u"index"_s, 0}, {u"message"_s, m}, {u"finish_reason"_s, finish}}}},
            {u"usage"_s, usage}};
        ResponseInfo i = info();
        i.id = u"resp_fixed"_s;
        i.createdAt = 1;
        const QJsonObject whole = fromChatCompletion(completion, i);

        // The same answer as a stream: text in two pieces, each call in two.
        QList<QByteArray> chunks;
        if (m.contains(u"reasoning_content"_s))
            chunks << chunk(
                compact(QJsonObject{{u"reasoning_content"_s, m.value(u"reasoning_content"_s)}}));
        const QString text = m.value(u"content"_s).toString();
        chunks << chunk(compact(QJsonObject{{u"content"_s, text.left(2)}}))
               << chunk(compact(QJsonObject{{u"content"_s, text.mid(2)}}));
        const QJsonArray calls = m.value(u"tool_calls"_s).toArray();
        for (qsizetype k = 0; k < calls.size(); ++k) {
            const QJsonObject c = calls.at(k).toObject();
            const QString args = c.value(u"function"_s).toObject().value(u"arguments"_s).toString();
            chunks << chunk(compact(QJsonObject{
                          {u"tool_calls"_s,
                           QJsonArray{QJsonObject{
                               {u"index"_s, int(k)},
                               {u"id"_s, c.value(u"id"_s)},
                               {u"function"_s,
                                QJsonObject{
                                    {u"name"_s, c.value(u"function"_s).toObject().value(u"name"_s)},
                                    {u"arguments"_s, args.left(3)}}}}}}}))
                   << chunk(compact(QJsonObject{
                          {u"tool_calls"_s,
                           QJsonArray{QJsonObject{
                               {u"index"_s, int(k)},
                               {u"function"_s, QJsonObject{{u"arguments"_s, args.mid(3)}}}}}}}));
        }
        chunks << chunk("{}", "\"" + finish.toUtf8() + "\"") << kUsage;
        StreamEncoder enc(i);
        const CheckedStream checked = checkResponsesStream(run(chunks, enc));
        QVERIFY2(checked.problems.isEmpty(), qPrintable(checked.problems.join(u"\n"_s)));
        QJsonObject a = checked.terminal, b = whole;
        a.insert(u"output"_s, stable(a.value(u"output"_s).toArray()));
        b.insert(u"output"_s, stable(b.value(u"output"_s).toArray()));
        QCOMPARE(compact(a), compact(b));
        QVERIFY(!b.value(u"output"_s).toArray().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestResponsesStream)
#include "tst_responsesstream.moc"
