// SqliteUsageStore: exact aggregates, UTC days, the request log and its retention, quota minute
// buckets, batching and flushing, migration from schema 1, and a writer killed mid-flush.
#include "accounts/accountstore.h"
#include "usage/sqliteusagestore.h"

#include <QDateTime>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest>
#include <map>
#include <tuple>

#ifdef Q_OS_UNIX
#include <time.h>
#endif

using namespace qp;

namespace {

constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kDay = 24 * 60 * kMinute;

qint64 utcMs(int y, int m, int d, int h = 0, int min = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min, s, ms), QTimeZone::utc()).toMSecsSinceEpoch();
}

RequestLogQuery logQuery(int limit, const QString &accountId = {}, int statusClass = 0)
{
    RequestLogQuery q;
    q.limit = limit;
    q.accountId = accountId;
    q.statusClass = statusClass;
    return q;
}

UsageRecord rec(qint64 atMs, const QString &account, const QString &model, int status,
                qint64 in = 0, qint64 out = 0, qint64 cached = 0)
{
    UsageRecord r;
    r.atMs = atMs;
    r.accountId = account;
    r.model = model;
    r.status = status;
    r.inputTokens = in;
    r.outputTokens = out;
    r.cachedTokens = cached;
    return r;
}

// A plain connection of the test's own, to look at the file the way another process would.
class RawDb
{
public:
    explicit RawDb(const QString &path) : m_name(QStringLiteral("raw.") + QString::number(++s_n))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        m_ok = db.open();
    }
    ~RawDb()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool ok() const { return m_ok; }
    // The first column of the first row, or an invalid QVariant.
    QVariant scalar(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        if (!q.exec(sql) || !q.next())
            return {};
        return q.value(0);
    }
    // The detail column of EXPLAIN QUERY PLAN, one step a line.
    QString planOf(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        QString out;
        if (!q.exec(sql))
            return q.lastError().text();
        while (q.next())
            out += q.value(3).toString() + u'\n';
        return out;
    }
    bool exec(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        return q.exec(sql);
    }

private:
    static inline int s_n = 0;
    QString m_name;
    bool m_ok = false;
};

} // namespace

class TestUsageStore : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    int m_n = 0;

    QString freshPath()
    {
        return m_tmp.filePath(QStringLiteral("d%1/qwen-proxy.sqlite").arg(++m_n));
    }

    static std::unique_ptr<SqliteUsageStore> open(const QString &path, Clock &clock,
                                                  UsageStoreOptions options = {})
    {
        auto s = SqliteUsageStore::open(path, clock, options);
        if (!s) {
            qWarning() << s.error().message;
            return nullptr;
        }
        return std::move(s.value());
    }

private slots:
    void initTestCase()
    {
#ifdef Q_OS_UNIX
        // UTC+14: a day computed in local time instead of UTC lands on the wrong date.
        qputenv("TZ", "Pacific/Kiritimati");
        tzset();
#endif
    }

    void aggregatesAreExactAfterManyRecords()
    {
        FakeClock clock(utcMs(2026, 4, 20, 12));
        auto store = open(freshPath(), clock);
        QVERIFY(store);
        const QStringList accounts{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        const QStringList models{QStringLiteral("qwen3-coder-plus"), QStringLiteral("qwen3-max"),
                                 QString()};
        const int statuses[] = {200, 200, 200, 429, 499, 502, 201};
        // Expected values computed here, independently of UsageTotals::add.
        std::map<std::tuple<QString, QString, qint64>, std::array<qint64, 6>> expected;
        for (int i = 0; i < 2000; ++i) {
            const QString &account = accounts.at(i % 3);
            const QString &model = models.at((i / 3) % 3);
            const int status = statuses[i % 7];
            const qint64 at = clock.nowMs() - (i % 5) * kDay - (i % 97) * kMinute;
            store->record(rec(at, account, model, status, i, 2 * i, i % 11));
            auto &e = expected[{account, model, UsageBatch::utcDay(at).toJulianDay()}];
            e[0] += 1;
            e[1] += status < 400 ? 1 : 0;
            e[2] += status >= 400 && status != 499 ? 1 : 0;
            e[3] += i;
            e[4] += 2 * i;
            e[5] += i % 11;
            if (i % 331 == 0) // flushes in between: the upserts must add, not overwrite
                QVERIFY(!store->flush());
        }
        QVERIFY(!store->flush());

        const QList<DailyUsage> rows = store->dailyUsage(5).value();
        QCOMPARE(rows.size(), int(expected.size()));
        std::map<QString, std::array<qint64, 6>> perAccount;
        for (const DailyUsage &row : rows) {
            const auto it = expected.find({row.accountId, row.model, row.day.toJulianDay()});
            QVERIFY2(it != expected.end(), qPrintable(row.accountId + u' ' + row.model));
            const auto &e = it->second;
            const UsageTotals &t = row.totals;
            QCOMPARE((std::array<qint64, 6>{t.requests, t.successes, t.errors, t.inputTokens,
                                            t.outputTokens, t.cachedTokens}),
                     e);
            for (int k = 0; k < 6; ++k)
                perAccount[row.accountId][k] += e[k];
        }
        // Newest day first.
        for (qsizetype i = 1; i < rows.size(); ++i)
            QVERIFY(rows.at(i - 1).day >= rows.at(i).day);

        const auto byAccount = store->totalsByAccount(UsageStore::kLifetime).value();
        QCOMPARE(byAccount.size(), 3);
        for (const QString &account : accounts) {
            const UsageTotals t = byAccount.value(account);
            const auto &e = perAccount[account];
            QCOMPARE((std::array<qint64, 6>{t.requests, t.successes, t.errors, t.inputTokens,
                                            t.outputTokens, t.cachedTokens}),
                     e);
            QCOMPARE(store->totals(account, UsageStore::kLifetime).value(), t);
        }
        qint64 all = 0;
        for (const auto &[account, e] : perAccount)
            all += e[0];
        QCOMPARE(all, 2000);

        // Per account, models summed; and a window of days.
        const QList<DailyUsage> summed = store->dailyUsage(5, QStringLiteral("a"), false).value();
        QCOMPARE(summed.size(), 5);
        UsageTotals sumA;
        for (const DailyUsage &row : summed) {
            QCOMPARE(row.accountId, QStringLiteral("a"));
            QVERIFY(row.model.isEmpty());
            sumA += row.totals;
        }
        QCOMPARE(sumA, byAccount.value(QStringLiteral("a")));
        const UsageTotals lastTwo = store->totals(QStringLiteral("a"), 2).value();
        UsageTotals expectTwo;
        for (const DailyUsage &row : summed)
            if (row.day >= UsageBatch::utcDay(clock.nowMs()).addDays(-1))
                expectTwo += row.totals;
        QCOMPARE(lastTwo, expectTwo);
        QVERIFY(lastTwo.requests > 0 && lastTwo.requests < sumA.requests);
        // The log holds every request too.
        QCOMPARE(store->requestLog(logQuery(5000)).value().size(), 2000);
    }

    void migratesSchema1KeepingItsUsage()
    {
        // A database as schema 1 wrote it (the statements are copied from the shipped
        // migration), with usage recorded by the old daily_usage code path.
        const QString path = freshPath();
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            for (const char *stmt : {
                     "CREATE TABLE schema_version (version INTEGER NOT NULL)",
                     "INSERT INTO schema_version (version) VALUES (1)",
                     "CREATE TABLE accounts (id VARCHAR(64) NOT NULL PRIMARY KEY, label "
                     "VARCHAR(200) NOT NULL DEFAULT '', provider VARCHAR(32) NOT NULL, "
                     "resource_url VARCHAR(500) NOT NULL DEFAULT '', created_ms BIGINT NOT NULL, "
                     "last_used_ms BIGINT, status VARCHAR(32) NOT NULL DEFAULT 'active', "
                     "status_reason VARCHAR(500) NOT NULL DEFAULT '', is_default SMALLINT NOT "
                     "NULL DEFAULT 0)",
                     "CREATE UNIQUE INDEX accounts_one_default ON accounts (is_default) WHERE "
                     "is_default = 1",
                     "CREATE TABLE daily_usage (account_id VARCHAR(64) NOT NULL, day CHAR(10) NOT "
                     "NULL, requests BIGINT NOT NULL DEFAULT 0, errors BIGINT NOT NULL DEFAULT 0, "
                     "input_tokens BIGINT NOT NULL DEFAULT 0, output_tokens BIGINT NOT NULL "
                     "DEFAULT 0, cached_tokens BIGINT NOT NULL DEFAULT 0, PRIMARY KEY "
                     "(account_id, day))",
                     "INSERT INTO accounts (id, provider, created_ms, is_default) VALUES ('old', "
                     "'qwen-oauth', 1, 1)",
                     "INSERT INTO daily_usage VALUES ('old', '2026-04-14', 7, 2, 700, 70, 7)",
                     "INSERT INTO daily_usage VALUES ('old', '2026-04-15', 1, 0, 10, 1, 0)",
                 })
                QVERIFY2(q.exec(QLatin1String(stmt)), qPrintable(q.lastError().text()));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v1"));

        FakeClock clock(utcMs(2026, 4, 15, 12));
        auto store = open(path, clock);
        QVERIFY(store);
        {
            RawDb raw(path);
            QCOMPARE(raw.scalar(QStringLiteral("SELECT version FROM schema_version")).toInt(),
                     AccountStore::kSchemaVersion);
            QVERIFY(!raw.scalar(QStringLiteral("SELECT COUNT(*) FROM daily_usage")).isValid());
        }
        auto accounts = AccountStore::open(path);
        QVERIFY(accounts);
        QVERIFY((*accounts)->contains(QStringLiteral("old")));
        // Old "requests" were successes; old rows have no model.
        const QList<DailyUsage> rows = store->dailyUsage(2).value();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].accountId, QStringLiteral("old"));
        QCOMPARE(rows[1].model, QString());
        QCOMPARE(rows[1].day, QDate(2026, 4, 14));
        QCOMPARE(rows[1].totals, (UsageTotals{9, 7, 2, 700, 70, 7}));
        QCOMPARE(rows[0].totals, (UsageTotals{1, 1, 0, 10, 1, 0}));
        QCOMPARE(store->requestsToday(QStringLiteral("old")).value(), 1);
        // New usage adds to the day next to the migrated row.
        store->record(rec(clock.nowMs(), QStringLiteral("old"), QStringLiteral("m"), 200));
        QCOMPARE(store->totals(QStringLiteral("old"), 1)->successes, 2);
    }

    void utcDayBoundary()
    {
        const qint64 lastMs = utcMs(2026, 4, 14, 23, 59, 59, 999);
        FakeClock clock(lastMs);
        auto store = open(freshPath(), clock);
        QVERIFY(store);
        store->record(rec(lastMs, QStringLiteral("a"), QStringLiteral("m"), 200));
        store->record(rec(0, QStringLiteral("a"), QStringLiteral("m"), 200)); // stamped: now
        QCOMPARE(store->requestsToday(QStringLiteral("a")).value(), 2);
        clock.advanceMs(1); // 2026-04-15 00:00:00.000 UTC
        QCOMPARE(store->requestsToday(QStringLiteral("a")).value(), 0);
        store->record(rec(clock.nowMs(), QStringLiteral("a"), QStringLiteral("m"), 200));
        QCOMPARE(store->requestsToday(QStringLiteral("a")).value(), 1);

        const QList<DailyUsage> today = store->dailyUsage(1).value();
        QCOMPARE(today.size(), 1);
        QCOMPARE(today.first().day, QDate(2026, 4, 15));
        QCOMPARE(today.first().totals.requests, 1);
        const QList<DailyUsage> two = store->dailyUsage(2).value();
        QCOMPARE(two.size(), 2);
        QCOMPARE(two.at(0).day, QDate(2026, 4, 15));
        QCOMPARE(two.at(1).day, QDate(2026, 4, 14));
        QCOMPARE(two.at(1).totals.requests, 2);
        QCOMPARE(store->totals(QStringLiteral("a"), 1)->requests, 1);
        QCOMPARE(store->totals(QStringLiteral("a"), 2)->requests, 3);
    }

    void requestLogOrderLimitAndFilters()
    {
        FakeClock clock(utcMs(2026, 4, 20, 12));
        auto store = open(freshPath(), clock);
        QVERIFY(store);
        UsageRecord full =
            rec(clock.nowMs() - 5000, QStringLiteral("b"), QStringLiteral("qwen3"), 429, 11, 22, 3);
        full.provider = QStringLiteral("qwen-oauth");
        full.dialect = QStringLiteral("anthropic");
        full.client = QStringLiteral("claude-cli/2.1.197");
        full.clientModel = QStringLiteral("claude-sonnet-4");
        full.errorClass = QStringLiteral("quota");
        full.stream = true;
        full.attempts = 3;
        full.latencyMs = 1234;
        full.firstTokenMs = 456;
        store->record(full);
        // Out of order on purpose, and two in the same millisecond.
        store->record(rec(clock.nowMs() - 1000, QStringLiteral("a"), {}, 200));
        store->record(rec(clock.nowMs() - 9000, QStringLiteral("a"), {}, 500));
        QVERIFY(!store->flush());
        store->record(
            rec(clock.nowMs() - 1000, QStringLiteral("a"), QStringLiteral("second"), 200));
        store->record(rec(clock.nowMs() - 3000, QStringLiteral("b"), {}, 200));

        const QList<UsageRecord> all = store->requestLog(logQuery(100)).value();
        QCOMPARE(all.size(), 5);
        const QList<qint64> at = {all[0].atMs, all[1].atMs, all[2].atMs, all[3].atMs, all[4].atMs};
        const qint64 n = clock.nowMs();
        QCOMPARE(at, (QList<qint64>{n - 1000, n - 1000, n - 3000, n - 5000, n - 9000}));
        QCOMPARE(all[0].model, QStringLiteral("second")); // same ms: the later one first

        const UsageRecord &got = all[3];
        QCOMPARE(got.accountId, full.accountId);
        QCOMPARE(got.provider, full.provider);
        QCOMPARE(got.dialect, full.dialect);
        QCOMPARE(got.client, full.client);
        QCOMPARE(got.clientModel, full.clientModel);
        QCOMPARE(got.model, full.model);
        QCOMPARE(got.status, full.status);
        QCOMPARE(got.errorClass, full.errorClass);
        QCOMPARE(got.stream, true);
        QCOMPARE(got.attempts, 3);
        QCOMPARE(got.latencyMs, 1234);
        QCOMPARE(got.firstTokenMs, 456);
        QCOMPARE(got.inputTokens, 11);
        QCOMPARE(got.outputTokens, 22);
        QCOMPARE(got.cachedTokens, 3);
        QCOMPARE(all[0].firstTokenMs, -1); // "none" survives the round trip

        QCOMPARE(store->requestLog(logQuery(2)).value().size(), 2);
        QCOMPARE(store->requestLog(logQuery(2))->at(1).atMs, n - 1000);
        QVERIFY(store->requestLog(logQuery(0))->isEmpty());

        const QList<UsageRecord> b = store->requestLog(logQuery(10, QStringLiteral("b"))).value();
        QCOMPARE(b.size(), 2);
        QCOMPARE(b[0].atMs, n - 3000);
        QCOMPARE(b[1].atMs, n - 5000);
        const QList<UsageRecord> ok = store->requestLog(logQuery(10, {}, 2)).value();
        QCOMPARE(ok.size(), 3);
        for (const UsageRecord &r : ok)
            QCOMPARE(r.status, 200);
        QCOMPARE(store->requestLog(logQuery(10, {}, 5))->size(), 1);
        QCOMPARE(store->requestLog(logQuery(10, QStringLiteral("a"), 4))->size(), 0);
        QCOMPARE(store->requestLog(logQuery(10, QStringLiteral("b"), 4))->size(), 1);
    }

    void requestLogRetentionByDays()
    {
        const qint64 start = utcMs(2026, 4, 1, 12);
        FakeClock clock(start);
        UsageStoreOptions options;
        options.retentionDays = 7;
        const QString path = freshPath();
        auto store = open(path, clock, options);
        QVERIFY(store);
        for (int d = 0; d < 10; ++d)
            store->record(rec(start + d * kDay, QStringLiteral("a"), {}, 200));
        clock.setMs(start + 9 * kDay);
        QVERIFY(!store->flush());
        // Kept: the last 7 days, the row exactly at the cut included.
        QList<UsageRecord> log = store->requestLog(logQuery(100)).value();
        QCOMPARE(log.size(), 8);
        QCOMPARE(log.last().atMs, start + 2 * kDay);
        // The aggregates are not the log: they keep every day.
        QCOMPARE(store->totals(QStringLiteral("a"), UsageStore::kLifetime)->requests, 10);

        // Reopened later: the first flush prunes what aged out meanwhile (the oldest row is read
        // back from the file), while a store that only reads never deletes anything.
        store.reset();
        clock.advanceMs(5 * kDay);
        store = open(path, clock, options);
        QVERIFY(store);
        QCOMPARE(store->requestLog(logQuery(100))->size(), 8);
        store->record(rec(clock.nowMs(), QStringLiteral("a"), {}, 200));
        QVERIFY(!store->flush());
        log = store->requestLog(logQuery(100)).value();
        QCOMPARE(log.size(), 4);
        QCOMPARE(log.at(1).atMs, start + 9 * kDay);
        QCOMPARE(log.last().atMs, start + 7 * kDay);
    }

    void requestLogRetentionByRows()
    {
        FakeClock clock(utcMs(2026, 4, 20, 12));
        UsageStoreOptions options;
        options.maxRows = 10;
        const QString path = freshPath();
        auto store = open(path, clock, options);
        QVERIFY(store);
        for (int i = 0; i < 25; ++i) {
            store->record(rec(clock.nowMs() + i, QStringLiteral("a"), {}, 200));
            if (i % 4 == 3)
                QVERIFY(!store->flush());
        }
        QList<UsageRecord> log = store->requestLog(logQuery(100)).value();
        QCOMPARE(log.size(), 10);
        QCOMPARE(log.first().atMs, clock.nowMs() + 24);
        QCOMPARE(log.last().atMs, clock.nowMs() + 15);
        QCOMPARE(store->totals(QStringLiteral("a"), 1)->requests, 25);

        // The row count is read back on open: a tighter cap applies at the next flush.
        store.reset();
        options.maxRows = 4;
        store = open(path, clock, options);
        QVERIFY(store);
        store->record(rec(clock.nowMs() + 100, QStringLiteral("a"), {}, 200));
        QVERIFY(!store->flush());
        log = store->requestLog(logQuery(100)).value();
        QCOMPARE(log.size(), 4);
        QCOMPARE(log.first().atMs, clock.nowMs() + 100);
        QCOMPARE(log.last().atMs, clock.nowMs() + 22);
        RawDb raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM request_log")).toInt(), 4);
    }

    void logKeepsErrorsAndCapsSuccessesPerSecond()
    {
        FakeClock clock(utcMs(2026, 4, 20, 12));
        UsageStoreOptions options;
        options.logSuccessesPerSecond = 5;
        auto store = open(freshPath(), clock, options);
        QVERIFY(store);
        // One second: 8 successes and 3 errors; the next second: 2 successes.
        for (int i = 0; i < 8; ++i)
            store->record(rec(clock.nowMs() + i, QStringLiteral("a"), {}, 200, 10, 1));
        for (int i = 0; i < 3; ++i)
            store->record(rec(clock.nowMs() + 100 + i, QStringLiteral("a"), {}, 502));
        for (int i = 0; i < 2; ++i)
            store->record(rec(clock.nowMs() + 1000 + i, QStringLiteral("a"), {}, 200, 10, 1));
        QVERIFY(!store->flush());
        const QList<UsageRecord> log = store->requestLog(logQuery(100)).value();
        QCOMPARE(log.size(), 5 + 3 + 2);
        int errors = 0;
        for (const UsageRecord &r : log)
            errors += r.status == 502;
        QCOMPARE(errors, 3);
        // The totals count every request, logged or not.
        const auto t = store->totals(QStringLiteral("a"), 1).value();
        QCOMPARE(t.requests, 13);
        QCOMPARE(t.inputTokens, 100);
    }

    void pruningUsesIndexes()
    {
        // "Cheap" made checkable: the prune statements walk an index, never the whole table.
        FakeClock clock(utcMs(2026, 4, 20, 12));
        const QString path = freshPath();
        QVERIFY(open(path, clock));
        RawDb raw(path);
        for (const char *sql :
             {"EXPLAIN QUERY PLAN DELETE FROM request_log WHERE at_ms < 5",
              "EXPLAIN QUERY PLAN DELETE FROM request_log WHERE rowid IN (SELECT rowid FROM "
              "request_log ORDER BY at_ms, rowid LIMIT 3)",
              "EXPLAIN QUERY PLAN SELECT at_ms FROM request_log WHERE 1 = 1 AND account_id = 'a' "
              "ORDER BY at_ms DESC, rowid DESC LIMIT 5",
              "EXPLAIN QUERY PLAN DELETE FROM quota_minutes WHERE minute_ms < 5",
              "EXPLAIN QUERY PLAN SELECT MIN(at_ms) FROM request_log",
              "EXPLAIN QUERY PLAN SELECT MIN(minute_ms) FROM quota_minutes"}) {
            const QString detail = raw.planOf(QLatin1String(sql));
            QVERIFY2(detail.contains(QStringLiteral("INDEX")),
                     qPrintable(QLatin1String(sql) + u' ' + detail));
            QVERIFY2(!detail.contains(QStringLiteral("TEMP B-TREE")), qPrintable(detail));
        }
    }

    void quotaBucketsMergeSurviveRestartAndAgeOut()
    {
        const qint64 minute = utcMs(2026, 4, 20, 12, 30);
        FakeClock clock(minute + 45000);
        const QString path = freshPath();
        {
            auto store = open(path, clock);
            QVERIFY(store);
            store->addQuotaUse({QStringLiteral("a"), minute, 1, 100});
            store->addQuotaUse({QStringLiteral("a"), minute + 59999, 2, 50}); // same minute
            store->addQuotaUse({QStringLiteral("a"), minute + kMinute, 1, 7});
            store->addQuotaUse({QStringLiteral("b"), minute, 5, 5});
            store->addQuotaUse({QString(), minute, 5, 5}); // no account: nothing to meter
            QVERIFY(!store->flush());
            store->addQuotaUse({QStringLiteral("a"), minute + 10, 1, 1}); // merges on disk too
        } // destroyed without an explicit flush
        auto store = open(path, clock);
        QVERIFY(store);
        const QList<QuotaBucket> a = store->quotaBuckets(QStringLiteral("a"), minute).value();
        QCOMPARE(a.size(), 2);
        QCOMPARE(a[0].accountId, QStringLiteral("a"));
        QCOMPARE(a[0].minuteMs, minute);
        QCOMPARE(a[0].requests, 4);
        QCOMPARE(a[0].tokens, 151);
        QCOMPARE(a[1].minuteMs, minute + kMinute);
        QCOMPARE(a[1].requests, 1);
        QCOMPARE(store->quotaBuckets(QStringLiteral("a"), minute + 1)->size(), 1);
        QCOMPARE(store->quotaBuckets(QStringLiteral("b"), 0)->size(), 1);
        RawDb raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM quota_minutes")).toInt(), 3);

        // 32 days later the first minutes are gone, the newer ones stay.
        clock.setMs(minute + 32 * kDay + 30000);
        store->addQuotaUse({QStringLiteral("a"), clock.nowMs(), 1, 1});
        QVERIFY(!store->flush());
        const QList<QuotaBucket> left = store->quotaBuckets(QStringLiteral("a"), 0).value();
        QCOMPARE(left.size(), 2);
        QCOMPARE(left[0].minuteMs, minute + kMinute);
        QCOMPARE(store->quotaBuckets(QStringLiteral("b"), 0)->size(), 0);
    }

    void recordOnlyTouchesMemoryUntilFlushed()
    {
        FakeClock clock(utcMs(2026, 4, 20, 12));
        const QString path = freshPath();
        auto store = open(path, clock);
        QVERIFY(store);
        RawDb raw(path);
        QVERIFY(raw.ok());
        store->record(rec(clock.nowMs(), QStringLiteral("a"), QStringLiteral("m"), 200, 1, 2));
        store->addQuotaUse({QStringLiteral("a"), clock.nowMs(), 1, 3});
        QVERIFY(store->hasPending());
        QCoreApplication::processEvents(); // the flush timer is a second away, not due yet
        QVERIFY(store->hasPending());
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM request_log")).toInt(), 0);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM usage_daily")).toInt(), 0);
        QVERIFY(!store->flush());
        QVERIFY(!store->hasPending());
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM request_log")).toInt(), 1);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT SUM(requests) FROM usage_daily")).toInt(), 1);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT SUM(tokens) FROM quota_minutes")).toInt(), 3);
    }

    void timerFlushesOnTheEventLoop()
    {
        FakeClock clock(utcMs(2026, 4, 20, 12));
        const QString path = freshPath();
        UsageStoreOptions options;
        options.flushIntervalMs = 0; // the next event loop pass: no waiting in a test
        auto store = open(path, clock, options);
        QVERIFY(store);
        RawDb raw(path);
        store->record(rec(clock.nowMs(), QStringLiteral("a"), {}, 200));
        QVERIFY(store->hasPending());
        QCoreApplication::processEvents();
        QVERIFY(!store->hasPending());
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM request_log")).toInt(), 1);
    }

    void readsSeePendingRecords()
    {
        FakeClock clock(utcMs(2026, 4, 20, 12));
        auto store = open(freshPath(), clock);
        QVERIFY(store);
        store->record(rec(clock.nowMs(), QStringLiteral("a"), QStringLiteral("m"), 200, 5));
        QCOMPARE(store->totals(QStringLiteral("a"), 1)->inputTokens, 5);
        store->record(rec(clock.nowMs(), QStringLiteral("a"), QStringLiteral("m"), 500));
        QCOMPARE(store->dailyUsage(1).value().first().totals.errors, 1);
        store->record(rec(clock.nowMs() + 1, QStringLiteral("z"), {}, 200));
        QCOMPARE(store->requestLog(logQuery(1))->first().accountId, QStringLiteral("z"));
        QCOMPARE(store->totalsByAccount(1)->value(QStringLiteral("z")).requests, 1);
        QCOMPARE(store->requestsToday(QStringLiteral("z")).value(), 1);
        store->addQuotaUse({QStringLiteral("a"), clock.nowMs(), 1, 9});
        QCOMPARE(store->quotaBuckets(QStringLiteral("a"), 0)->first().tokens, 9);
        QVERIFY(!store->hasPending());
    }

    void countsSurviveRestartAndFileIsIntact()
    {
        FakeClock clock(utcMs(2026, 4, 20, 12));
        const QString path = freshPath();
        {
            auto store = open(path, clock);
            QVERIFY(store);
            for (int i = 0; i < 50; ++i)
                store->record(rec(clock.nowMs(), QStringLiteral("a"), QStringLiteral("m"),
                                  i % 5 ? 200 : 500, 10, 1));
            QVERIFY(store->hasPending());
        } // shutdown: the destructor flushes
        {
            RawDb raw(path);
            QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(),
                     QStringLiteral("ok"));
            QCOMPARE(raw.scalar(QStringLiteral("PRAGMA journal_mode")).toString(),
                     QStringLiteral("wal"));
        }
        auto store = open(path, clock);
        QVERIFY(store);
        const UsageTotals t = store->totals(QStringLiteral("a"), UsageStore::kLifetime).value();
        QCOMPARE(t.requests, 50);
        QCOMPARE(t.successes, 40);
        QCOMPARE(t.errors, 10);
        QCOMPARE(t.inputTokens, 500);
        QCOMPARE(store->requestLog(logQuery(100))->size(), 50);
    }

    void failedFlushKeepsTheBatchAndWritesNothing()
    {
        FakeClock clock(utcMs(2026, 4, 20, 12));
        const QString path = freshPath();
        auto store = open(path, clock);
        QVERIFY(store);
        RawDb raw(path);
        // Breaking the last table of the batch makes the write fail after the first ones.
        QVERIFY(raw.exec(QStringLiteral("ALTER TABLE quota_minutes RENAME TO parked")));
        store->record(rec(clock.nowMs(), QStringLiteral("a"), {}, 200, 3));
        store->addQuotaUse({QStringLiteral("a"), clock.nowMs(), 1, 3});
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot write")));
        QVERIFY(store->flush().has_value());
        QVERIFY(store->hasPending());
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM usage_daily")).toInt(), 0);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM request_log")).toInt(), 0);
        QVERIFY(raw.exec(QStringLiteral("ALTER TABLE parked RENAME TO quota_minutes")));
        QVERIFY(!store->flush());
        QCOMPARE(raw.scalar(QStringLiteral("SELECT SUM(requests) FROM usage_daily")).toInt(), 1);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT SUM(tokens) FROM quota_minutes")).toInt(), 3);
    }

    void accountRemovalClearsItsCounters()
    {
        FakeClock clock(utcMs(2026, 4, 20, 12));
        const QString path = freshPath();
        auto accounts = AccountStore::open(path);
        QVERIFY(accounts);
        Account a;
        a.id = QStringLiteral("gone");
        QVERIFY((*accounts)->add(a));
        auto store = open(path, clock);
        QVERIFY(store);
        store->record(rec(clock.nowMs(), QStringLiteral("gone"), {}, 200));
        store->record(rec(clock.nowMs(), QStringLiteral("kept"), {}, 200));
        store->addQuotaUse({QStringLiteral("gone"), clock.nowMs(), 1, 1});
        QVERIFY(!store->flush());
        QVERIFY(!(*accounts)->remove(QStringLiteral("gone")));
        QCOMPARE(store->totals(QStringLiteral("gone"), 1)->requests, 0);
        QVERIFY(store->quotaBuckets(QStringLiteral("gone"), 0)->isEmpty());
        QCOMPARE(store->totals(QStringLiteral("kept"), 1)->requests, 1);
    }

#ifdef Q_OS_UNIX
    // A writer killed with SIGKILL while it flushes in a loop: the file must pass the integrity
    // check and hold whole batches only, the same ones in every table. The kill follows the
    // child's "flushing" line after `delayMs` (a bounded wait on the child, which ends early if
    // the flush does), so the rows land it at different points inside a write.
    void killedWriterLeavesConsistentFile_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("delayMs");
        QTest::newRow("40 at once") << 40 << 0;
        QTest::newRow("400 at once") << 400 << 0;
        QTest::newRow("3000 at once") << 3000 << 0;
        QTest::newRow("3000 after 10 ms") << 3000 << 10;
        QTest::newRow("3000 after 30 ms") << 3000 << 30;
    }
    void killedWriterLeavesConsistentFile()
    {
        if (qEnvironmentVariableIsSet("QP_USAGE_WRITER_DB"))
            QSKIP("runs in the parent only");
        QFETCH(int, batch);
        QFETCH(int, delayMs);
        const QString path = freshPath();
        QVERIFY(AccountStore::open(path));
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QP_USAGE_WRITER_DB"), path);
        env.insert(QStringLiteral("QP_USAGE_WRITER_BATCH"), QString::number(batch));
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("writerChild")});
        QVERIFY(child.waitForStarted());
        int flushed = 0;
        QByteArray out;
        while (flushed < 10 || !out.endsWith("flushing\n")) {
            QVERIFY2(child.waitForReadyRead(30000), child.readAllStandardError().constData());
            out += child.readAllStandardOutput();
            flushed = int(out.count("flushed\n"));
        }
        if (delayMs > 0)
            child.waitForReadyRead(delayMs);
        child.kill(); // SIGKILL: no destructor, no final flush
        QVERIFY(child.waitForFinished(30000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        RawDb raw(path);
        QVERIFY(raw.ok());
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(),
                 QStringLiteral("ok"));
        const auto sum = [&](const char *sql) {
            return raw.scalar(QLatin1String(sql)).toLongLong();
        };
        const qint64 logRows = sum("SELECT COUNT(*) FROM request_log");
        QVERIFY(logRows >= qint64(flushed) * batch);
        QCOMPARE(logRows % batch, 0);
        QCOMPARE(sum("SELECT SUM(requests) FROM usage_daily"), logRows);
        QCOMPARE(sum("SELECT SUM(requests) FROM quota_minutes"), logRows);
        QCOMPARE(sum("SELECT SUM(input_tokens) FROM usage_daily"),
                 sum("SELECT SUM(input_tokens) FROM request_log"));
        // And the store opens it and carries on.
        FakeClock clock(QDateTime::currentMSecsSinceEpoch());
        auto store = open(path, clock);
        QVERIFY(store);
        QCOMPARE(store->totals(QStringLiteral("w"), UsageStore::kLifetime)->requests, logRows);
    }

    void writerChild()
    {
        const QString path = qEnvironmentVariable("QP_USAGE_WRITER_DB");
        if (path.isEmpty())
            QSKIP("helper of killedWriterLeavesConsistentFile");
        const int batch = qEnvironmentVariableIntValue("QP_USAGE_WRITER_BATCH");
        UsageStoreOptions options;
        options.flushIntervalMs = 3600 * 1000; // flushed by hand below
        options.logSuccessesPerSecond = 0;     // every record is a log row: the test counts them
        auto store = SqliteUsageStore::open(path, Clock::system(), options);
        QVERIFY(store);
        for (qint64 i = 0;; ++i) {
            for (int k = 0; k < batch; ++k) {
                UsageRecord r = rec(0, QStringLiteral("w"), QStringLiteral("m%1").arg(k % 7), 200,
                                    i * batch + k);
                r.client = QStringLiteral("writer/%1").arg(i);
                (*store)->record(r);
                (*store)->addQuotaUse(
                    {QStringLiteral("w"), QDateTime::currentMSecsSinceEpoch(), 1, 1});
            }
            fputs("flushing\n", stdout);
            fflush(stdout);
            QVERIFY(!(*store)->flush());
            fputs("flushed\n", stdout);
            fflush(stdout);
        }
    }
#endif
};

QTEST_GUILESS_MAIN(TestUsageStore)
#include "tst_usagestore.moc"
