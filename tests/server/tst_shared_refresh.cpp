// Two qwen-proxy processes (or a proxy and the qwen CLI) share qwen-code's oauth_creds.json.
// Qwen's refresh tokens work once: if both refreshed, one would burn the other's token. With
// qwen-code's lock-file protocol exactly one refreshes, the other re-reads the file, and both
// end up with the one valid token (qwen-protocol.md §A.6).
#include "auth/qwencredentials.h"
#include "auth/sharedfilesource.h"
#include "fakeupstream.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

class TestSharedRefresh : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void twoProcessesRefreshOnce()
    {
        QTemporaryDir dir;
        FakeUpstream upstream;
        upstream.serveRotatingTokens(u"old-access-0001"_s, u"old-refresh-0001"_s, 400);
        const QString qwenHome = dir.filePath(u"qwen"_s);
        qp::QwenCredentials c;
        c.accessToken = u"old-access-0001"_s;
        c.refreshToken = u"old-refresh-0001"_s;
        c.resourceUrl = u"http://127.0.0.1:%1"_s.arg(upstream.port());
        c.expiryDateMs = QDateTime::currentMSecsSinceEpoch() - 1000; // expired: both must refresh
        QVERIFY(!qp::SharedFileSource(qwenHome).save(c));

        QList<QProcess *> procs;
        QList<quint16> ports;
        for (int i = 0; i < 2; ++i) {
            auto *p = new QProcess(this);
            QProcessEnvironment e;
            e.insert(u"HOME"_s, dir.path());
            e.insert(u"QWEN_HOME"_s, qwenHome);
            e.insert(u"QP_SECRET_STORE"_s, u"file"_s);
            e.insert(u"QWEN_TOKEN_ENDPOINT"_s,
                     u"http://127.0.0.1:%1/api/v1/oauth2/token"_s.arg(upstream.port()));
            p->setProcessEnvironment(e);
#ifdef Q_OS_LINUX
            // A test that fails or crashes half-way must not leave its servers running.
            p->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#endif
            p->start(QStringLiteral(QP_BINARY_DIR) + u"/src/cli/qwen-proxy"_s,
                     {u"serve"_s, u"--port"_s, u"0"_s, u"--data-dir"_s,
                      dir.filePath(u"data%1"_s.arg(i))});
            QVERIFY(p->waitForStarted(5000));
            QByteArray out;
            QTRY_VERIFY_WITH_TIMEOUT((out += p->readAllStandardOutput()).contains('\n'), 10000);
            const auto m =
                QRegularExpression(u"127\\.0\\.0\\.1:(\\d+)/v1"_s).match(QString::fromUtf8(out));
            QVERIFY2(m.hasMatch(), out.constData());
            ports.append(quint16(m.captured(1).toUInt()));
            procs.append(p);
        }
        QNetworkAccessManager nam;
        QList<QNetworkReply *> replies;
        const QByteArray body =
            QJsonDocument(
                QJsonObject{{u"model"_s, u"qwen3-coder-plus"_s},
                            {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                   {u"content"_s, u"hi"_s}}}}})
                .toJson();
        for (quint16 port : ports) {
            QNetworkRequest req(QUrl(u"http://127.0.0.1:%1/v1/chat/completions"_s.arg(port)));
            req.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
            replies.append(nam.post(req, body));
        }
        int finished = 0;
        for (auto *r : replies)
            connect(r, &QNetworkReply::finished, this, [&] { ++finished; });
        QTRY_COMPARE_WITH_TIMEOUT(finished, 2, 20000);
        for (auto *r : replies)
            QCOMPARE(r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(upstream.refreshCount(), 1); // one refresh, not two racing ones
        // The shared file holds the one valid pair; the lock file is gone.
        auto now = qp::SharedFileSource(qwenHome).load();
        QVERIFY(now);
        QCOMPARE(now->refreshToken, upstream.currentRefreshToken());
        QCOMPARE(now->accessToken, upstream.currentAccessToken());
        QVERIFY(!QFile::exists(qwenHome + u"/oauth_creds.lock"_s));
        for (auto *p : procs) {
            p->terminate();
            QVERIFY(p->waitForFinished(10000));
            QCOMPARE(p->exitCode(), 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestSharedRefresh)
#include "tst_shared_refresh.moc"
