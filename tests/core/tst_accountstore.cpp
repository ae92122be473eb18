// AccountStore: schema and migrations, file modes, CRUD, the single default (usage: see
// tst_usagestore).
#include "accounts/accountstore.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace qp;

class TestAccountStore : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    int m_n = 0;

    QString freshPath()
    {
        return m_tmp.filePath(QStringLiteral("d%1/qwen-proxy.sqlite").arg(++m_n));
    }

    static Account acc(const QString &id, qint64 createdMs)
    {
        Account a;
        a.id = id;
        a.createdAt = QDateTime::fromMSecsSinceEpoch(createdMs, QTimeZone::utc());
        return a;
    }

private slots:
    void createsWithModesWalAndSchema()
    {
        const QString path = freshPath();
        auto store = AccountStore::open(path);
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        QCOMPARE((*store)->schemaVersion(), AccountStore::kSchemaVersion);
        QCOMPARE(QFile::permissions(path) & 0x0077, QFileDevice::Permissions());
        QCOMPARE(QFile::permissions(QFileInfo(path).absolutePath()) & 0x0077,
                 QFileDevice::Permissions());
        auto first = (*store)->add(acc(QStringLiteral("a"), 1));
        QVERIFY2(first, qPrintable(first ? QString() : first.error().message));
        QVERIFY(QFile::exists(path + QStringLiteral("-wal"))); // WAL mode is on
        QCOMPARE(QFile::permissions(path + QStringLiteral("-wal")) & 0x0077,
                 QFileDevice::Permissions());
    }

    void reopenKeepsDataAndDoesNotRemigrate()
    {
        const QString path = freshPath();
        {
            auto s = AccountStore::open(path);
            QVERIFY(s);
            QVERIFY((*s)->add(acc(QStringLiteral("keep"), 5)));
        }
        auto s = AccountStore::open(path);
        QVERIFY(s);
        QCOMPARE((*s)->get(QStringLiteral("keep"))->createdAt.toMSecsSinceEpoch(), 5);
        QCOMPARE((*s)->schemaVersion(), AccountStore::kSchemaVersion);
    }

    void refusesNewerSchema()
    {
        const QString path = freshPath();
        {
            QVERIFY(AccountStore::open(path));
        }
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("poke"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("UPDATE schema_version SET version = 99")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("poke"));
        auto s = AccountStore::open(path);
        QVERIFY(!s);
        QVERIFY(s.error().message.contains(QStringLiteral("newer version")));
    }

    void twoInstancesOneFile()
    {
        // CLI and server open the same database: separate connections, shared data.
        const QString path = freshPath();
        auto a = AccountStore::open(path);
        auto b = AccountStore::open(path);
        QVERIFY(a && b);
        QVERIFY((*a)->add(acc(QStringLiteral("x"), 1)));
        QVERIFY((*b)->contains(QStringLiteral("x")));
    }

    void crud()
    {
        auto s = AccountStore::open(freshPath());
        QVERIFY(s);
        AccountStore &st = **s;
        Account a = acc(QStringLiteral("work"), 1000);
        a.label = QStringLiteral("Work");
        a.resourceUrl = QStringLiteral("portal.qwen.ai");
        auto added = st.add(a);
        QVERIFY(added);
        QVERIFY(added->isDefault); // first account
        QCOMPARE(added->provider, QStringLiteral("qwen-oauth"));

        QVERIFY(!st.add(a)); // duplicate id
        Account bad = acc(QStringLiteral("has space"), 1);
        auto rejected = st.add(bad);
        QVERIFY(!rejected);
        QCOMPARE(rejected.error().kind, Error::Kind::InvalidRequest);

        QVERIFY(!st.setLabel(QStringLiteral("work"), QStringLiteral("Work 2")));
        QVERIFY(!st.setStatus(QStringLiteral("work"), AccountStatus::NeedsLogin,
                              QStringLiteral("refresh token dead")));
        QVERIFY(!st.setResourceUrl(QStringLiteral("work"), QStringLiteral("other.qwen.ai")));
        const QDateTime used = QDateTime::fromMSecsSinceEpoch(123456789, QTimeZone::utc());
        QVERIFY(!st.touch(QStringLiteral("work"), used));
        const Account got = st.get(QStringLiteral("work")).value();
        QCOMPARE(got.label, QStringLiteral("Work 2"));
        QCOMPARE(got.status, AccountStatus::NeedsLogin);
        QCOMPARE(got.statusReason, QStringLiteral("refresh token dead"));
        QCOMPARE(got.resourceUrl, QStringLiteral("other.qwen.ai"));
        QCOMPARE(got.lastUsedAt, used);
        QCOMPARE(got.createdAt.toMSecsSinceEpoch(), 1000);

        QCOMPARE(st.setLabel(QStringLiteral("nope"), QString())->kind, Error::Kind::NotFound);
        QCOMPARE(st.get(QStringLiteral("nope")).error().kind, Error::Kind::NotFound);
        QCOMPARE(st.remove(QStringLiteral("nope"))->kind, Error::Kind::NotFound);
        QVERIFY(!st.remove(QStringLiteral("work")));
        QVERIFY(st.list()->isEmpty());
        QVERIFY(st.defaultAccountId().isEmpty());
    }

    void exactlyOneDefault()
    {
        auto s = AccountStore::open(freshPath());
        QVERIFY(s);
        AccountStore &st = **s;
        QVERIFY(st.add(acc(QStringLiteral("a"), 1)));
        QVERIFY(st.add(acc(QStringLiteral("b"), 2)));
        QVERIFY(st.add(acc(QStringLiteral("c"), 3)));
        QCOMPARE(st.defaultAccountId(), QStringLiteral("a"));
        QVERIFY(!st.setDefault(QStringLiteral("c")));
        QCOMPARE(st.defaultAccountId(), QStringLiteral("c"));
        QCOMPARE(st.setDefault(QStringLiteral("zzz"))->kind, Error::Kind::NotFound);
        QCOMPARE(st.defaultAccountId(), QStringLiteral("c")); // unchanged after a failed switch
        Account d = acc(QStringLiteral("d"), 4);
        d.isDefault = true;
        QVERIFY(st.add(d));
        QCOMPARE(st.defaultAccountId(), QStringLiteral("d"));
        // Removing the default promotes the oldest remaining account.
        QVERIFY(!st.remove(QStringLiteral("d")));
        QCOMPARE(st.defaultAccountId(), QStringLiteral("a"));
        int defaults = 0;
        const auto all = st.list().value();
        for (const Account &a : all)
            defaults += a.isDefault;
        QCOMPARE(defaults, 1);
        QCOMPARE(all.first().id, QStringLiteral("a")); // oldest first
    }

    void statusStrings_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("status");
        QTest::newRow("active") << "active" << int(AccountStatus::Active);
        QTest::newRow("needs_login") << "needs_login" << int(AccountStatus::NeedsLogin);
        QTest::newRow("discontinued") << "discontinued" << int(AccountStatus::Discontinued);
        QTest::newRow("disabled") << "disabled" << int(AccountStatus::Disabled);
    }
    void statusStrings()
    {
        QFETCH(QString, text);
        QFETCH(int, status);
        QCOMPARE(int(accountStatusFromString(text)), status);
        QCOMPARE(accountStatusToString(AccountStatus(status)), text);
        QCOMPARE(accountStatusFromString(QStringLiteral("from-the-future")),
                 AccountStatus::Disabled);
    }

    void ids_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("valid");
        QTest::newRow("simple") << "work" << true;
        QTest::newRow("seed style") << "acc_1.backup-2" << true;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("space") << "a b" << false;
        QTest::newRow("slash") << "a/b" << false;
        QTest::newRow("leading dot") << ".hidden" << false;
        QTest::newRow("65 chars") << QString(65, QLatin1Char('x')) << false;
    }
    void ids()
    {
        QFETCH(QString, id);
        QFETCH(bool, valid);
        QCOMPARE(Account::isValidId(id), valid);
    }
};

QTEST_GUILESS_MAIN(TestAccountStore)
#include "tst_accountstore.moc"
