#pragma once
// The usage store on the account database (qwen-proxy.sqlite): AccountStore::open creates and
// migrates the file, this store writes the usage tables of migration 2 through a connection of
// its own. Like AccountStore, use it from the thread that opened it (its connection and its
// flush timer live there); the timer needs that thread's event loop.
//
// One process writes usage (the server); others (the CLI) only read, and only a process that
// writes prunes. The request log's row count is kept in memory from that assumption, so pruning
// never counts the table.

#include "common/clock.h"
#include "usage/usagebatch.h"
#include "usage/usagestore.h"

#include <QTimer>
#include <memory>

namespace qp {

class SqliteUsageStore final : public UsageStore
{
public:
    static Result<std::unique_ptr<SqliteUsageStore>>
    open(const QString &dbFilePath, Clock &clock = Clock::system(), UsageStoreOptions options = {});
    // Flushes what is pending: a normal shutdown loses nothing.
    ~SqliteUsageStore() override;
    SqliteUsageStore(const SqliteUsageStore &) = delete;
    SqliteUsageStore &operator=(const SqliteUsageStore &) = delete;

    void record(const UsageRecord &record) override;
    void addQuotaUse(const QuotaBucket &bucket) override;
    std::optional<Error> flush() override;
    bool hasPending() const override { return !m_pending.isEmpty(); }

    Result<QList<DailyUsage>> dailyUsage(int days, const QString &accountId = {},
                                         bool perModel = true) override;
    Result<QHash<QString, UsageTotals>> totalsByAccount(int days) override;
    Result<UsageTotals> totals(const QString &accountId, int days) override;
    // Per client key id, from the request log (so bounded by its retention): the last `days`
    // UTC days, today included. Requests of trusted local callers (no key) are not counted.
    Result<QHash<QString, UsageTotals>> totalsByClientKey(int days);
    Result<QList<UsageRecord>> requestLog(const RequestLogQuery &query) override;
    Result<QList<QuotaBucket>> quotaBuckets(const QString &accountId, qint64 sinceMs) override;

private:
    // Where retention stands: rows in the log and the oldest times, so a flush only deletes
    // when something is due.
    struct Tally {
        qint64 logRows = 0;
        qint64 oldestLogMs = 0;
        qint64 oldestMinuteMs = 0;
    };

    SqliteUsageStore(QString connection, Clock &clock, UsageStoreOptions options);
    std::optional<Error> loadTally();
    std::optional<Error> write(const UsageBatch &batch);
    std::optional<Error> prune(Tally &tally);
    void schedule();
    void flushBeforeRead();
    // How common/storagehealth.h names this store's writes.
    QString healthName() const;
    QString sinceDay(int days) const;

    QString m_connection;
    Clock &m_clock;
    UsageStoreOptions m_options;
    UsageBatch m_pending;
    qint64 m_logSecond = 0; // the second m_loggedThisSecond counts successes for
    int m_loggedThisSecond = 0;
    std::optional<Tally> m_tally; // loaded by the first write
    QTimer m_timer;
    bool m_failing = false;
};

} // namespace qp
