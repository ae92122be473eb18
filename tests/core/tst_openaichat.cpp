// prepareChatBody reports whether the upstream body differs from the client's; when it does not,
// the relay forwards the client's own bytes, so a wrong "unchanged" would lose an edit.
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
    const QJsonObject out =
        prepareChatBody(in, ChatPrepareOptions{u"qwen3-coder-plus"_s, q}, &touched);
    QCOMPARE(touched, changed);
    QCOMPARE(QJsonDocument(out).toJson(QJsonDocument::Compact),
             QJsonDocument::fromJson(expected).toJson(QJsonDocument::Compact));
}

QTEST_GUILESS_MAIN(TestOpenAIChat)
#include "tst_openaichat.moc"
