// The real `qwen-proxy` binary: start-up line, flags vs environment, port in use, invalid
// settings, and graceful shutdown on SIGTERM with a stream still open.
#include "fakeupstream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {
QString binary()
{
    return QStringLiteral(QP_BINARY_DIR) + u"/src/cli/qwen-proxy"_s;
}
} // namespace

class TestCliServe : public QObject
{
    Q_OBJECT
    QTemporaryDir home;

    QProcessEnvironment env(const QHash<QString, QString> &extra = {})
    {
        QProcessEnvironment e;
        e.insert(u"HOME"_s, home.path());
        e.insert(u"QWEN_HOME"_s, home.filePath(u"qwen"_s));
        e.insert(u"QP_SECRET_STORE"_s, u"file"_s);
        e.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        for (auto it = extra.begin(); it != extra.end(); ++it)
            e.insert(it.key(), it.value());
        return e;
    }
    // Starts serve and returns the port from its start-up line (0 on failure).
    quint16 startServe(QProcess &p, const QStringList &args, const QProcessEnvironment &e)
    {
        p.setProcessEnvironment(e);
        p.start(binary(),
                QStringList{u"serve"_s, u"--data-dir"_s, home.filePath(u"data"_s)} + args);
        if (!p.waitForStarted(5000))
            return 0;
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (!out.contains('\n') && t.elapsed() < 10000 && p.state() == QProcess::Running) {
            p.waitForReadyRead(200);
            out += p.readAllStandardOutput();
        }
        const auto m =
            QRegularExpression(
                u"OpenAI base URL http://127\\.0\\.0\\.1:(\\d+)/v1  Anthropic base URL http://127\\.0\\.0\\.1:(\\d+)"_s)
                .match(QString::fromUtf8(out));
        return m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
    }

private Q_SLOTS:
    void versionAndHelp()
    {
        QProcess p;
        p.start(binary(), {u"version"_s});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().startsWith("qwen-proxy " QP_VERSION));
        p.start(binary(), {u"help"_s});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().contains("qwen-proxy serve"));
        p.start(binary(), {u"frobnicate"_s});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 2);
        p.start(binary(), {u"serve"_s, u"--bogus"_s});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 2);
    }

    void flagBeatsEnvironment()
    {
        QProcess p;
        const quint16 port = startServe(p, {u"--port"_s, u"0"_s}, env({{u"PORT"_s, u"1"_s}}));
        QVERIFY(port > 1);
        p.kill();
        p.waitForFinished();
    }

    void portInUseIsOneClearLine()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        QProcess p;
        p.setProcessEnvironment(env());
        p.start(binary(), {u"serve"_s, u"--data-dir"_s, home.filePath(u"data"_s), u"--port"_s,
                           QString::number(taken.serverPort())});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 1);
        // One error line (log lines from start-up may precede it, depending on the platform).
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QStringList errorLines;
        for (const QString &line : err.split(u'\n'))
            if (line.startsWith(u"qwen-proxy:"_s))
                errorLines.append(line);
        QCOMPARE(errorLines.size(), 1);
        QVERIFY2(errorLines.first().contains(QString::number(taken.serverPort())) &&
                     errorLines.first().contains(u"in use"_s),
                 qPrintable(err));
#ifdef Q_OS_LINUX
        // By whom: this test process holds it (the tray app's case: "by qwen-proxy-tray").
        QVERIFY2(errorLines.first().contains(u"pid %1)"_s.arg(QCoreApplication::applicationPid())),
                 qPrintable(err));
#endif
    }

    void invalidSettingStopsStartup()
    {
        QProcess p;
        p.setProcessEnvironment(env({{u"OPENAI_BASE_URL"_s, u"localhost:11434"_s}}));
        p.start(binary(), {u"serve"_s, u"--data-dir"_s, home.filePath(u"data"_s)});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 1);
        const QString err = QString::fromUtf8(p.readAllStandardError()).trimmed();
        QVERIFY2(err.contains(u"OPENAI_BASE_URL"_s), qPrintable(err));
    }

    void sigtermLetsOpenStreamsFinish()
    {
        FakeUpstream upstream;
        QList<SseStep> steps{{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"a"_s}})}};
        for (int i = 0; i < 5; ++i)
            steps.append({200, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"b"_s}})});
        steps.append({0, FakeUpstream::chunk(QJsonObject{}, u"stop"_s)});
        steps.append({0, "[DONE]"});
        upstream.replySse(steps);
        QProcess p;
        const quint16 port = startServe(p, {u"--port"_s, u"0"_s},
                                        env({{u"OPENAI_BASE_URL"_s, upstream.baseUrl()},
                                             {u"OPENAI_API_KEY"_s, u"k-0123456789"_s}}));
        QVERIFY(port > 0);
        QNetworkAccessManager nam;
        QNetworkRequest req(QUrl(u"http://127.0.0.1:%1/v1/chat/completions"_s.arg(port)));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = nam.post(
            req, QJsonDocument(
                     QJsonObject{{u"model"_s, u"m"_s},
                                 {u"stream"_s, true},
                                 {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                        {u"content"_s, u"x"_s}}}}})
                     .toJson());
        QSignalSpy first(reply, &QNetworkReply::readyRead);
        QVERIFY(first.wait(5000));
        ::kill(pid_t(p.processId()), SIGTERM);
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(10000));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QVERIFY(reply->readAll().contains("[DONE]"));
        // It may already have exited while the event loop ran (then waitForFinished says false).
        if (p.state() != QProcess::NotRunning)
            QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        // New connections are refused once it is gone.
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(!s.waitForConnected(1000));
        delete reply;
    }
};

QTEST_GUILESS_MAIN(TestCliServe)
#include "tst_cli_serve.moc"
