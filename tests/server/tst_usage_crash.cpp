// The real server killed (SIGKILL) while it serves and writes usage: the database must open
// intact, and what it holds must be whole batches. SqliteUsageStore::write() puts a batch's daily
// rows, its request log rows and its quota minutes in one transaction, so every request is in all
// three tables or in none.
#include "fakeupstream.h"

#include <QtGlobal>
#include <QtTest>

#ifdef Q_OS_UNIX
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <csignal>
#include <sys/types.h>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {
QString binary()
{
    return QStringLiteral(QP_BINARY_DIR) + u"/src/cli/qwen-proxy"_s;
}

QJsonObject completion(int prompt, int out)
{
    return QJsonObject{
        {u"id"_s, u"chatcmpl-k"_s},
        {u"object"_s, u"chat.completion"_s},
        {u"model"_s, u"m"_s},
        {u"choices"_s,
         QJsonArray{QJsonObject{
             {u"index"_s, 0},
             {u"finish_reason"_s, u"stop"_s},
             {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u"ok"_s}}}}}},
        {u"usage"_s, QJsonObject{{u"prompt_tokens"_s, prompt}, {u"completion_tokens"_s, out}}}};
}
} // namespace

class TestUsageCrash : public QObject
{
    Q_OBJECT
    QTemporaryDir home;

private Q_SLOTS:
    void sigkillMidLoadLeavesWholeBatches()
    {
        QVERIFY2(QFileInfo(binary()).isExecutable(), qPrintable(binary()));
        FakeUpstream upstream;
        int served = 0;
        upstream.on("/v1/chat/completions", [&](const qp::http::HttpRequest &req,
                                                qp::http::ResponseWriter *w) {
            ++served;
            const bool stream =
                QJsonDocument::fromJson(req.body).object().value(u"stream"_s).toBool();
            if (served % 23 == 0) {
                w->sendJson(400, QJsonObject{{u"error"_s, QJsonObject{{u"message"_s, u"bad"_s}}}});
            } else if (stream) {
                upstream.runSse(
                    w,
                    {{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"ok"_s}}, u"stop"_s)},
                     {0, FakeUpstream::usageChunk(7, 3)},
                     {0, "[DONE]"}},
                    false);
            } else {
                w->sendJson(200, completion(11, 4));
            }
        });

        QProcessEnvironment env;
        // A UTF-8 locale, as a user's shell has: Qt 6.8 warns on stderr without one.
        env.insert(u"LANG"_s, u"C.UTF-8"_s);
        env.insert(u"HOME"_s, home.path());
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"QWEN_HOME"_s, home.filePath(u"qwen"_s));
        env.insert(u"QP_SECRET_STORE"_s, u"file"_s);
        env.insert(u"LOG_LEVEL"_s, u"warn"_s);
        env.insert(u"OPENAI_BASE_URL"_s, upstream.baseUrl());
        env.insert(u"OPENAI_API_KEY"_s, u"k-crash-0123456789"_s);
        env.insert(u"REQUEST_LOG_PER_SECOND"_s, u"0"_s); // the log must match the totals row for row
        const QString dataDir = home.filePath(u"data"_s);
        QProcess server;
        server.setProcessEnvironment(env);
        server.start(binary(), {u"serve"_s, u"--data-dir"_s, dataDir, u"--port"_s, u"0"_s});
        QVERIFY(server.waitForStarted(5000));
        QByteArray banner;
        QElapsedTimer t;
        t.start();
        const QRegularExpression portRe(u"OpenAI base URL http://127\\.0\\.0\\.1:(\\d+)/v1"_s);
        QRegularExpressionMatch m;
        while (!(m = portRe.match(QString::fromUtf8(banner))).hasMatch() && t.elapsed() < 10000 &&
               server.state() == QProcess::Running) {
            server.waitForReadyRead(200);
            banner += server.readAllStandardOutput();
        }
        QVERIFY2(m.hasMatch(), banner.constData());
        const QUrl url(u"http://127.0.0.1:%1/v1/chat/completions"_s.arg(m.captured(1)));

        // Keep 16 requests in flight until the kill; each answer sends the next.
        QNetworkAccessManager nam;
        int answered = 0, sent = 0;
        bool killed = false;
        std::function<void()> send = [&] {
            if (killed)
                return;
            QNetworkRequest req(url);
            req.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
            QJsonObject body{
                {u"model"_s, u"m"_s},
                {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                       {u"content"_s, u"n%1"_s.arg(sent)}}}}};
            if (sent % 4 == 1)
                body.insert(u"stream"_s, true);
            ++sent;
            QNetworkReply *reply = nam.post(req, QJsonDocument(body).toJson());
            connect(reply, &QNetworkReply::finished, this, [&, reply] {
                reply->deleteLater();
                if (reply->error() == QNetworkReply::NoError ||
                    reply->error() == QNetworkReply::ProtocolInvalidOperationError)
                    ++answered;
                send();
            });
        };
        for (int i = 0; i < 16; ++i)
            send();
        // Past the first flushes (one a second), with requests still arriving.
        QTRY_VERIFY_WITH_TIMEOUT(answered >= 300, 30000);
        QTest::qWait(1300);
        QVERIFY(server.state() == QProcess::Running);
        ::kill(pid_t(server.processId()), SIGKILL);
        killed = true;
        QVERIFY(server.waitForFinished(5000));
        QCOMPARE(server.exitStatus(), QProcess::CrashExit);
        QTest::qWait(50); // the connections' errors, before the manager goes

        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"crash"_s);
            db.setDatabaseName(dataDir + u"/qwen-proxy.sqlite"_s);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"PRAGMA integrity_check"_s) && q.next());
            QCOMPARE(q.value(0).toString(), u"ok"_s);

            QVERIFY(q.exec(u"SELECT COUNT(*), SUM(status BETWEEN 200 AND 399), "
                           u"SUM(status >= 400 AND status != 499), SUM(input_tokens), "
                           u"SUM(output_tokens) FROM request_log"_s) &&
                    q.next());
            const qint64 logged = q.value(0).toLongLong();
            const qint64 ok = q.value(1).toLongLong();
            const qint64 errors = q.value(2).toLongLong();
            const qint64 in = q.value(3).toLongLong();
            const qint64 out = q.value(4).toLongLong();
            QVERIFY2(logged > 0, "nothing was flushed before the kill");
            QVERIFY(logged <= served);
            QVERIFY(errors > 0);

            QVERIFY(q.exec(u"SELECT SUM(requests), SUM(successes), SUM(errors), "
                           u"SUM(input_tokens), SUM(output_tokens) FROM usage_daily"_s) &&
                    q.next());
            QCOMPARE(q.value(0).toLongLong(), logged);
            QCOMPARE(q.value(1).toLongLong(), ok);
            QCOMPARE(q.value(2).toLongLong(), errors);
            QCOMPARE(q.value(3).toLongLong(), in);
            QCOMPARE(q.value(4).toLongLong(), out);

            // The pool counts what the upstream served (its successes), with their tokens.
            QVERIFY(q.exec(u"SELECT SUM(requests), SUM(tokens) FROM quota_minutes"_s) && q.next());
            QCOMPARE(q.value(0).toLongLong(), ok);
            QCOMPARE(q.value(1).toLongLong(), in + out);
        }
        QSqlDatabase::removeDatabase(u"crash"_s);
    }
};

QTEST_GUILESS_MAIN(TestUsageCrash)
#else
class TestUsageCrash : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sigkillMidLoadLeavesWholeBatches() { QSKIP("SIGKILL is POSIX"); }
};
QTEST_GUILESS_MAIN(TestUsageCrash)
#endif
#include "tst_usage_crash.moc"
