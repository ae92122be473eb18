// A full disk must cost no data: every file we replace (secrets, qwen-code's shared credentials,
// settings) is left as it was when the new one cannot be written, and usage waits in memory until
// the database takes it. Files meet a full disk through DiskFull (RLIMIT_FSIZE, EFBIG like
// ENOSPC); the database through SQLite's own max_page_count, which fails writes with SQLITE_FULL.
#include "auth/qwencredentials.h"
#include "auth/sharedfilesource.h"
#include "common/atomicfile.h"
#include "common/clock.h"
#include "common/storagehealth.h"
#include "diskfull.h"
#include "secrets/filesecretstore.h"
#include "settings/settings.h"
#include "usage/sqliteusagestore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp;
using qp::test::DiskFull;

namespace {

QByteArray contents(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writePlain(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

QwenCredentials creds(const QString &tag)
{
    QwenCredentials c;
    c.accessToken = u"access-"_s + tag;
    c.refreshToken = u"refresh-"_s + tag;
    c.resourceUrl = u"portal.qwen.ai"_s;
    c.expiryDateMs = 1700000000000;
    return c;
}

} // namespace

class TestDiskFull : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        if (!DiskFull::supported())
            QSKIP("needs RLIMIT_FSIZE (POSIX)");
        QVERIFY(!storagehealth::degraded());
    }
    void cleanup() { QVERIFY(!storagehealth::degraded()); }

    void atomicWriteLeavesTheOldFileWhole()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"file.json"_s);
        writePlain(path, "old contents\n");
        {
            DiskFull full;
            const auto e = writeFileAtomically(path, "new contents\n");
            QVERIFY(e.has_value());
            QVERIFY2(e->message.contains(path), qPrintable(e->message));
            QVERIFY(!e->message.contains(u"new contents"_s));
        }
        QCOMPARE(contents(path), "old contents\n");
        // Nothing left beside it: the new file was removed.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{u"file.json"_s});
        QVERIFY(storagehealth::degraded());
        QVERIFY(storagehealth::problems().join(u'\n').contains(path));

        // Room again: the next write replaces it, private, and storage is healthy again.
        QVERIFY(!writeFileAtomically(path, "new contents\n"));
        QCOMPARE(contents(path), "new contents\n");
        const QFileDevice::Permissions mode = QFile::permissions(path);
        QVERIFY(mode.testFlag(QFileDevice::ReadOwner) && mode.testFlag(QFileDevice::WriteOwner));
        QVERIFY(!(mode & (QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                          QFileDevice::ReadOther | QFileDevice::WriteOther)));
        QVERIFY(!storagehealth::degraded());
    }

    // A crash between creating the new file and the rename leaves it behind; the next write
    // of the same file removes it once it is old enough not to be another writer's.
    void atomicWriteRemovesOldLeftovers()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"settings.json"_s);
        writePlain(path, "old");
        const QString old = dir.filePath(u".settings.json.tmp-00000000deadbeef"_s);
        const QString young = dir.filePath(u".settings.json.tmp-00000000cafef00d"_s);
        const QString other = dir.filePath(u".other.json.tmp-00000000deadbeef"_s);
        for (const QString &p : {old, young, other}) {
            writePlain(p, "partial");
            QFile f(p);
            QVERIFY(f.open(QIODevice::ReadWrite));
            const QDateTime when = QDateTime::currentDateTimeUtc().addSecs(
                p == young ? -60 : -kLeftoverAgeSeconds - 60);
            QVERIFY(f.setFileTime(when, QFileDevice::FileModificationTime));
        }
        QVERIFY(!writeFileAtomically(path, "new"));
        QCOMPARE(contents(path), "new");
        QVERIFY(!QFile::exists(old));
        QVERIFY(QFile::exists(young)); // maybe another process's write in progress
        QVERIFY(QFile::exists(other)); // another file's
    }

    void atomicWriteFollowsSymbolicLinks()
    {
        QTemporaryDir dir;
        const QString real = dir.filePath(u"real.json"_s);
        const QString link = dir.filePath(u"link.json"_s);
        writePlain(real, "old");
        QVERIFY(QFile::link(real, link));
        QVERIFY(!writeFileAtomically(link, "new"));
        QVERIFY(QFileInfo(link).isSymLink());
        QCOMPARE(contents(real), "new");
    }

    void secretStoreKeepsEveryAccount()
    {
        QTemporaryDir dir;
        FileSecretStore store(dir.filePath(u"secrets.json"_s));
        QVERIFY(!store.writeNow(u"account/a"_s, QByteArray("token-a")));
        QVERIFY(!store.writeNow(u"account/b"_s, QByteArray("token-b")));
        const QByteArray before = contents(store.filePath());
        {
            DiskFull full;
            QVERIFY(store.writeNow(u"account/a"_s, QByteArray("token-a2")).has_value());
        }
        QCOMPARE(contents(store.filePath()), before);
        QCOMPARE(store.readNow(u"account/a"_s).value(), "token-a");
        QCOMPARE(store.readNow(u"account/b"_s).value(), "token-b");
        QVERIFY(!store.writeNow(u"account/a"_s, QByteArray("token-a2")));
        QCOMPARE(store.readNow(u"account/a"_s).value(), "token-a2");
    }

    void sharedCredentialsFileIsKept()
    {
        QTemporaryDir dir;
        SharedFileSource source(dir.filePath(u"qwen"_s));
        QVERIFY(!source.save(creds(u"1"_s)));
        const QByteArray before = contents(source.path());
        {
            DiskFull full;
            QVERIFY(source.save(creds(u"2"_s)).has_value());
        }
        QCOMPARE(contents(source.path()), before);
        QCOMPARE(source.load()->refreshToken, u"refresh-1"_s);
        QVERIFY(!source.save(creds(u"2"_s)));
        QCOMPARE(source.load()->refreshToken, u"refresh-2"_s);
    }

    void sharedLockIsReleasedWhenItsTokenCannotBeWritten()
    {
        // The lock file is created but stays empty: unlocking must still remove it, or every
        // refresh would wait for it to go stale.
        QTemporaryDir dir;
        SharedFileSource source(dir.filePath(u"qwen"_s));
        DiskFull full;
        QVERIFY(source.tryLockOnce());
        QVERIFY(QFile::exists(source.lockPath()));
        source.unlockAfterRefresh();
        QVERIFY(!QFile::exists(source.lockPath()));
    }

    void settingsFileIsKept()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(u"config.json"_s);
        Settings s;
        QVERIFY(!s.load(file, QProcessEnvironment(), {}));
        QVERIFY(!s.set(u"default_model"_s, u"first"_s));
        QVERIFY(!s.save());
        const QByteArray before = contents(file);
        QVERIFY(!s.set(u"default_model"_s, u"second"_s));
        {
            DiskFull full;
            QVERIFY(s.save().has_value());
        }
        QCOMPARE(contents(file), before);
        QVERIFY(!s.save());
        QCOMPARE(QJsonDocument::fromJson(contents(file)).object().value(u"default_model"_s),
                 u"second"_s);
    }

    void usageWaitsWhileTheDatabaseIsFull()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"qwen-proxy.sqlite"_s);
        FakeClock clock(1760000000000);
        auto opened = SqliteUsageStore::open(path, clock);
        QVERIFY(opened.ok());
        auto &store = *opened.value();
        // The store's own connection: max_page_count holds for the connection that sets it.
        QString connection;
        for (const QString &name : QSqlDatabase::connectionNames())
            if (name.startsWith(u"qp.usage."_s))
                connection = name;
        QVERIFY(!connection.isEmpty());
        QSqlQuery q(QSqlDatabase::database(connection));
        QVERIFY(q.exec(u"PRAGMA page_count"_s) && q.next());
        const qint64 pages = q.value(0).toLongLong();
        QVERIFY(q.exec(u"PRAGMA max_page_count = %1"_s.arg(pages)));

        constexpr int kRecords = 300;
        for (int i = 0; i < kRecords; ++i) {
            UsageRecord r;
            r.atMs = clock.nowMs() + i;
            r.accountId = u"a"_s;
            r.model = u"qwen3-coder-plus"_s;
            r.client = QString(200, u'x'); // rows big enough to need new pages
            r.status = 500;                // errors: every one goes to the log
            r.inputTokens = 10;
            store.record(r);
        }
        const auto failed = store.flush();
        QVERIFY(failed.has_value());
        QVERIFY2(failed->message.contains(u"full"_s), qPrintable(failed->message));
        QVERIFY(store.hasPending());
        QVERIFY(storagehealth::degraded());
        QVERIFY(storagehealth::problems().join(u'\n').contains(u"usage database"_s));

        // Room again: everything recorded meanwhile is written, once.
        QVERIFY(q.exec(u"PRAGMA max_page_count = 1073741823"_s));
        QVERIFY(!store.flush());
        QVERIFY(!storagehealth::degraded());
        RequestLogQuery all;
        all.limit = 10 * kRecords;
        QCOMPARE(store.requestLog(all)->size(), kRecords);
        QCOMPARE(store.totals(u"a"_s, UsageStore::kLifetime)->requests, kRecords);
        QCOMPARE(store.totals(u"a"_s, UsageStore::kLifetime)->inputTokens, 10 * kRecords);
        QVERIFY(q.exec(u"PRAGMA integrity_check"_s) && q.next());
        QCOMPARE(q.value(0).toString(), u"ok"_s);
    }
};

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_diskfull.moc"
