// The real `qwen-proxy` binary: start-up line, flags vs environment, port in use, invalid
// settings, graceful shutdown on SIGTERM with a stream still open, and a low descriptor limit.
#include "fakeupstream.h"
#include "rawhttp.h"

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
#include <sys/resource.h>

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

    // CPU seconds the process has used (user + system), from /proc.
    static double cpuSeconds(qint64 pid)
    {
        QFile f(u"/proc/%1/stat"_s.arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        const QByteArray stat = f.readAll();
        // Fields after the command name, which is in parentheses and may hold spaces.
        const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        return (fields.value(11).toDouble() + fields.value(12).toDouble()) /
               double(sysconf(_SC_CLK_TCK));
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

    // Issue 18 §8: under a low open-file limit, streams (a client and an upstream socket each)
    // plus a flood of idle local connections made accept() fail with EMFILE; Qt 6.4 retried it
    // at 100 % CPU and /health could not get in for minutes.
    void aLowDescriptorLimitNeitherSpinsNorLocksOutHealth()
    {
        FakeUpstream upstream;
        upstream.replyHang(); // every stream holds its upstream socket
        QProcess p;
        p.setChildProcessModifier([] {
            const rlimit low{128, 128};
            ::setrlimit(RLIMIT_NOFILE, &low);
        });
        const quint16 port = startServe(p, {u"--port"_s, u"0"_s},
                                        env({{u"OPENAI_BASE_URL"_s, upstream.baseUrl()},
                                             {u"OPENAI_API_KEY"_s, u"k-0123456789"_s}}));
        QVERIFY(port > 0);
        const QByteArray chat =
            R"({"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]})";
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        auto open = [&](const QByteArray &send) {
            auto s = std::make_unique<QTcpSocket>();
            s->connectToHost(QHostAddress::LocalHost, port);
            if (!send.isEmpty())
                s->write(send);
            sockets.push_back(std::move(s));
        };
        for (int i = 0; i < 20; ++i)
            open("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                 "Content-Type: application/json\r\nContent-Length: " +
                 QByteArray::number(chat.size()) + "\r\n\r\n" + chat);
        QTRY_COMPARE_WITH_TIMEOUT(upstream.count("/v1/chat/completions"), 20, 10000);
        for (int i = 0; i < 100; ++i)
            open({}); // idle connections, more than the descriptors left
        for (auto &s : sockets)
            QVERIFY(s->state() == QAbstractSocket::ConnectedState || s->waitForConnected(3000));

        // A second of the flood: the server must be waiting, not retrying accept().
        const double before = cpuSeconds(p.processId());
        QElapsedTimer wall;
        wall.start();
        QTest::qWait(1000);
        const double used = cpuSeconds(p.processId()) - before;
        QVERIFY2(used >= 0 && used < 0.5 * double(wall.elapsed()) / 1000,
                 qPrintable(u"%1 s of CPU in %2 ms"_s.arg(used).arg(wall.elapsed())));

        // The user's own /health gets in: idle connections make room as they age.
        QElapsedTimer t;
        t.start();
        const QByteArray health = rawExchange(QHostAddress::LocalHost, port,
                                              "GET /health HTTP/1.1\r\nHost: localhost\r\n"
                                              "Connection: close\r\n\r\n",
                                              {}, {}, 15000);
        QVERIFY2(health.startsWith("HTTP/1.1 200"),
                 QByteArray(health.left(200) + "\nserver: " + p.readAllStandardError().right(2000))
                     .constData());
        qInfo() << "/health answered after" << t.elapsed() << "ms";
        sockets.clear(); // the streams end, so SIGTERM has nothing to wait for
        p.terminate();
        QVERIFY(p.waitForFinished(10000));
    }
};

QTEST_GUILESS_MAIN(TestCliServe)
#include "tst_cli_serve.moc"
