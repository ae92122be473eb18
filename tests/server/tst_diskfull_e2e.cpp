// Issue 18 §8 "Disk full", the way users met it: a request through the running proxy needs a
// token refresh while the disk is full. The refresh must not truncate the credentials (qwen-code's
// shared ~/.qwen/oauth_creds.json, or our secrets file holding every stored account): the old file
// stays whole, the request is served with the new token from memory, one log line says what
// happened (without the token), /health says "storage": "degraded". When the disk has room again
// the new token is written without another request, /health says "ok", and a restart finds the
// account logged in (the upstream's refresh tokens work once, so losing the new one would mean a
// new login).
#include "accounts/account.h"
#include "accounts/accountstore.h"
#include "accounts/storedcredentialsource.h"
#include "auth/tokenmanager.h"
#include "diskfull.h"
#include "proxyharness.h"
#include "secrets/filesecretstore.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {

QJsonObject chatBody()
{
    return QJsonObject{
        {u"model"_s, u"qwen3-coder-plus"_s},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}}}};
}

QByteArray contents(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Every log line of the test, to check what the proxy said and that no token is in it.
QMutex g_mutex;
QStringList g_lines;
QtMessageHandler g_previous = nullptr;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        const QMutexLocker lock(&g_mutex);
        g_lines.append(message);
    }
    if (g_previous)
        g_previous(type, context, message);
}

QStringList linesContaining(const QString &text)
{
    const QMutexLocker lock(&g_mutex);
    return g_lines.filter(text);
}

const QHash<QString, QString> kEnv{{u"QP_TOKEN_SAVE_RETRY_MS"_s, u"20"_s}};

} // namespace

class TestDiskFullE2E : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        if (!DiskFull::supported())
            QSKIP("needs RLIMIT_FSIZE (POSIX)");
        {
            const QMutexLocker lock(&g_mutex);
            g_lines.clear();
        }
        g_previous = qInstallMessageHandler(capture);
    }
    void cleanup() { qInstallMessageHandler(g_previous); }

    void sharedCredentialsSurviveARefreshOnAFullDisk()
    {
        ProxyHarness h;
        h.upstream().serveRotatingTokens(u"access-0"_s, u"refresh-0"_s, 0);
        h.writeQwenCredentials(u"access-0"_s, QDateTime::currentMSecsSinceEpoch() - 1000,
                               u"refresh-0"_s);
        QString error;
        QVERIFY2(h.start(kEnv, &error), qPrintable(error));
        const QString file = h.qwenHome() + u"/oauth_creds.json"_s;
        const QByteArray before = contents(file);
        QVERIFY(before.contains("refresh-0"));
        QCOMPARE(h.get(u"/health"_s).json().value(u"storage"_s).toString(), u"ok"_s);

        {
            DiskFull full;
            // The token has expired: this request refreshes it, and is served.
            QCOMPARE(h.postJson(u"/v1/chat/completions"_s, chatBody()).status, 200);
            const QString access = h.upstream().currentAccessToken();
            const QString refresh = h.upstream().currentRefreshToken();
            QVERIFY(access != u"access-0"_s);
            QCOMPARE(contents(file), before); // not truncated, not half-written
            // From memory: the next request needs no second refresh.
            QCOMPARE(h.postJson(u"/v1/chat/completions"_s, chatBody()).status, 200);
            QCOMPARE(h.runtime().tokens().refreshCount(), 1);

            const QJsonObject health = h.get(u"/health"_s).json();
            QCOMPARE(health.value(u"storage"_s).toString(), u"degraded"_s);
            const QString problems = QString::fromUtf8(
                QJsonDocument(health.value(u"storage_problems"_s).toArray()).toJson());
            QVERIFY2(problems.contains(u"default"_s), qPrintable(problems));
            QVERIFY(!problems.contains(access) && !problems.contains(refresh));

            // Retries run meanwhile (every 20 ms here); the log says it once.
            QTRY_VERIFY(h.runtime().tokens().unsavedAccounts() == QStringList{u"default"_s});
            const QStringList said = linesContaining(u"could not be stored"_s);
            QCOMPARE(said.size(), 1);
            QVERIFY2(said.first().contains(u"default"_s), qPrintable(said.first()));
            QCOMPARE(contents(file), before);
            for (const QString &line : linesContaining(access) + linesContaining(refresh))
                QFAIL(qPrintable(u"a token in the log: "_s + line));
        }

        // Room again: the retry stores the new token without another request.
        QTRY_VERIFY(contents(file).contains(h.upstream().currentRefreshToken().toUtf8()));
        QTRY_VERIFY(h.runtime().tokens().unsavedAccounts().isEmpty());
        QTRY_COMPARE(h.get(u"/health"_s).json().value(u"storage"_s).toString(), u"ok"_s);
        QCOMPARE(linesContaining(u"is stored now"_s).size(), 1);

        // A restart reads the new token: still logged in, no refresh needed.
        QVERIFY2(h.restart(kEnv, &error), qPrintable(error));
        QCOMPARE(h.postJson(u"/v1/chat/completions"_s, chatBody()).status, 200);
        QCOMPARE(h.runtime().tokens().refreshCount(), 0);

        // The usage database went through failed commits: it is intact.
        h.stop();
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
            db.setDatabaseName(h.dataDir() + u"/data/"_s + qp::AccountStore::defaultFileName());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"PRAGMA integrity_check"_s) && q.next());
            QCOMPARE(q.value(0).toString(), u"ok"_s);
            QVERIFY(q.exec(u"SELECT COUNT(*) FROM request_log"_s) && q.next());
            QCOMPARE(q.value(0).toInt(), 3); // the two requests on the full disk, and this one
        }
        QSqlDatabase::removeDatabase(u"check"_s);
    }

    void storedAccountsSurviveARefreshOnAFullDisk()
    {
        ProxyHarness h;
        QString error;
        QVERIFY2(h.start(kEnv, &error), qPrintable(error));
        // Account "a" holds an access token the upstream no longer takes: its first request
        // forces a refresh with refresh-a.
        QVERIFY2(h.addAccount(u"a"_s, u"stale-access-a"_s, {}, &error), qPrintable(error));
        h.upstream().serveRotatingTokens(u"current-access"_s, u"refresh-a"_s, 0);
        const QString file = h.dataDir() + u"/data/"_s + qp::FileSecretStore::defaultFileName();
        const QByteArray before = contents(file);
        QVERIFY(!before.isEmpty());
        auto stored = [&] {
            auto bytes = qp::FileSecretStore(file).readNow(qp::Account::secretKey(u"a"_s));
            return bytes ? qp::StoredCredentialSource::deserialize(bytes.value())->accessToken
                         : QString();
        };
        QCOMPARE(stored(), u"stale-access-a"_s);

        {
            DiskFull full;
            QCOMPARE(h.postJson(u"/v1/chat/completions"_s, chatBody()).status, 200);
            QVERIFY(h.upstream().currentAccessToken().startsWith(u"rotated-access-"_s));
            QTRY_VERIFY(h.runtime().tokens().unsavedAccounts() == QStringList{u"a"_s});
            QCOMPARE(contents(file), before); // every stored account is still there
            QCOMPARE(stored(), u"stale-access-a"_s);
            QCOMPARE(h.get(u"/health"_s).json().value(u"storage"_s).toString(), u"degraded"_s);
            QCOMPARE(linesContaining(u"could not be stored"_s).size(), 1);
        }

        QTRY_COMPARE(stored(), h.upstream().currentAccessToken());
        QTRY_COMPARE(h.get(u"/health"_s).json().value(u"storage"_s).toString(), u"ok"_s);
        QVERIFY2(h.restart(kEnv, &error), qPrintable(error));
        QCOMPARE(h.postJson(u"/v1/chat/completions"_s, chatBody()).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestDiskFullE2E)
#include "tst_diskfull_e2e.moc"
