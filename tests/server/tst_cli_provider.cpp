// `qwen-proxy provider ...` as a user runs it: the real binary, the key on standard input, a
// fake provider in this process (issue 15 §3, §8).
#include "fakeupstream.h"
#include "programrun.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {
QString binary()
{
    return QStringLiteral(QP_BINARY_DIR "/src/cli/qwen-proxy");
}
using Run = qp::test::ProgramRun;
} // namespace

class TestCliProvider : public QObject
{
    Q_OBJECT
    QTemporaryDir m_home;
    FakeUpstream m_fake;

    // Runs the binary while this process's event loop keeps serving the fake.
    Run run(const QStringList &args, const QByteArray &stdinBytes = {})
    {
        QProcessEnvironment env;
        env.insert(u"LANG"_s, u"C.UTF-8"_s);
        env.insert(u"HOME"_s, m_home.path());
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"QP_SECRET_STORE"_s, u"file"_s);
        env.insert(u"QWEN_CODE_AUTH_USE"_s, u"false"_s);
        env.insert(u"QWEN_HOME"_s, m_home.filePath(u"qwen"_s));
        return qp::test::runProgram(binary(),
                                    args + QStringList{u"--data-dir"_s, m_home.filePath(u"data"_s)},
                                    env, stdinBytes);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        m_fake.on("/v1/chat/completions", [](const qp::http::HttpRequest &req,
                                             qp::http::ResponseWriter *w) {
            if (req.header("authorization") != "Bearer sk-sp-goodkey") {
                w->sendJson(
                    401, QJsonObject{{u"error"_s, QJsonObject{{u"message"_s, u"Incorrect API key "
                                                                             u"provided."_s},
                                                              {u"code"_s, u"invalid_api_key"_s}}}});
                return;
            }
            w->sendJson(200,
                        QJsonObject{{u"choices"_s,
                                     QJsonArray{QJsonObject{
                                         {u"index"_s, 0},
                                         {u"finish_reason"_s, u"stop"_s},
                                         {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s},
                                                                    {u"content"_s, u"OK"_s}}}}}}});
        });
        m_fake.on("/v1/models", [](const qp::http::HttpRequest &, qp::http::ResponseWriter *w) {
            QJsonArray data;
            for (const char *id : {"qwen3.7-plus", "text-embedding-v4", "qwen3-coder-plus",
                                   "qwen3-tts-flash", "gte-rerank-v2"})
                data.append(QJsonObject{{u"id"_s, QString::fromLatin1(id)}});
            w->sendJson(200, QJsonObject{{u"object"_s, u"list"_s}, {u"data"_s, data}});
        });
    }

    void addTestListModelsRemove()
    {
        Run r = run({u"provider"_s, u"add"_s, u"cp"_s, u"--preset"_s, u"coding-plan-intl"_s,
                     u"--base-url"_s, m_fake.baseUrl()},
                    "sk-sp-goodkey\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(u"Added provider cp"_s));

        r = run({u"provider"_s, u"test"_s, u"cp"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains(u"cp: OK in "_s) && r.out.contains(u"answered: OK"_s),
                 qPrintable(r.out));
        // The tiny request: the plan's default model, thinking off, a handful of tokens.
        const QJsonObject sent = m_fake.requestsTo("/v1/chat/completions").last().json();
        QCOMPARE(sent.value(u"model"_s).toString(), u"qwen3-coder-plus"_s);
        QVERIFY(sent.value(u"max_tokens"_s).toInt() <= 64);

        r = run({u"provider"_s, u"models"_s, u"cp"_s});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.split(u'\n', Qt::SkipEmptyParts),
                 (QStringList{u"qwen3.7-plus"_s, u"qwen3-coder-plus"_s}));

        r = run({u"provider"_s, u"list"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(u"cp "_s) && r.out.contains(u"coding-plan-intl"_s) &&
                     r.out.contains(m_fake.baseUrl()),
                 qPrintable(r.out));

        // The key is in no file but the secret store's own, and in no output.
        QDirIterator it(m_home.filePath(u"data"_s), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (path.endsWith(u"secrets.json"_s))
                continue;
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains("goodkey"), qPrintable(path));
        }
        QVERIFY(!r.out.contains(u"goodkey"_s));

        r = run({u"provider"_s, u"remove"_s, u"cp"_s});
        QCOMPARE(r.exitCode, 0);
        r = run({u"provider"_s, u"test"_s, u"cp"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(u"no provider"_s));
    }

    // A header whose value is a secret: named on the command line (`--header Name`), its value
    // read from standard input after the key, so `ps` never shows it.
    void aSecretHeaderComesFromStandardInput()
    {
        Run r = run({u"provider"_s, u"add"_s, u"hdr"_s, u"--preset"_s, u"custom"_s, u"--base-url"_s,
                     m_fake.baseUrl(), u"--model"_s, u"qwen3-coder-plus"_s, u"--header"_s,
                     u"X-Secret-Token"_s, u"--header"_s, u"X-Plain: visible"_s},
                    "sk-sp-goodkey\nheader-secret-0123\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = run({u"provider"_s, u"test"_s, u"hdr"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto sent = m_fake.requestsTo("/v1/chat/completions").constLast();
        QCOMPARE(sent.header("x-secret-token"), QByteArray("header-secret-0123"));
        QCOMPARE(sent.header("x-plain"), QByteArray("visible"));

        // No value on standard input: refused, nothing stored.
        r = run({u"provider"_s, u"add"_s, u"hdr2"_s, u"--preset"_s, u"custom"_s, u"--base-url"_s,
                 m_fake.baseUrl(), u"--model"_s, u"m"_s, u"--header"_s, u"X-Secret-Token"_s},
                "sk-sp-goodkey\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"no value for header X-Secret-Token"_s), qPrintable(r.err));
        r = run({u"provider"_s, u"list"_s});
        QVERIFY(!r.out.contains(u"hdr2"_s));
        QCOMPARE(run({u"provider"_s, u"remove"_s, u"hdr"_s}).exitCode, 0);
    }

    void aWrongKeyIsReportedInPlainWords()
    {
        Run r = run({u"provider"_s, u"add"_s, u"wrong"_s, u"--preset"_s, u"coding-plan-intl"_s,
                     u"--base-url"_s, m_fake.baseUrl()},
                    "sk-sp-notthekey\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = run({u"provider"_s, u"test"_s, u"wrong"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"FAILED"_s) && r.err.contains(u"Incorrect API key"_s),
                 qPrintable(r.err));
        QVERIFY(!r.err.contains(u"notthekey"_s));
    }

    void anUnreachableHostIsReported()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close(); // nothing listens there now
        Run r = run({u"provider"_s, u"add"_s, u"down"_s, u"--preset"_s, u"vllm"_s, u"--base-url"_s,
                     u"http://127.0.0.1:%1/v1"_s.arg(port), u"--model"_s, u"m1"_s},
                    "\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = run({u"provider"_s, u"test"_s, u"down"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"cannot reach"_s) || r.err.contains(u"refused"_s),
                 qPrintable(r.err));
    }

    void keysNeverComeFromArgvAndWrongShapesAreRefused()
    {
        Run r = run({u"provider"_s, u"add"_s, u"x"_s, u"--preset"_s, u"coding-plan-intl"_s,
                     u"--api-key"_s, u"sk-sp-abc"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(u"unknown option --api-key"_s));
        // A pay-as-you-go key on the Coding Plan preset: refused before anything is stored.
        r = run({u"provider"_s, u"add"_s, u"x"_s, u"--preset"_s, u"coding-plan-intl"_s},
                "sk-0123456789\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"sk-sp-"_s), qPrintable(r.err));
        r = run({u"provider"_s, u"add"_s, u"y"_s, u"--preset"_s, u"modelstudio-us"_s},
                "sk-sp-0123456789\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"another plan"_s), qPrintable(r.err));
        r = run({u"provider"_s, u"add"_s, u"z"_s, u"--preset"_s, u"no-such-preset"_s}, "k\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(u"unknown preset"_s));
        r = run({u"provider"_s, u"list"_s});
        for (const QString &line : r.out.split(u'\n'))
            QVERIFY2(!line.startsWith(u"x "_s) && !line.startsWith(u"y "_s), qPrintable(line));
    }
};

QTEST_MAIN(TestCliProvider)
#include "tst_cli_provider.moc"
