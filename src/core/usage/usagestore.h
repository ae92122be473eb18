#pragma once
// Where finished requests go: aggregates per account, model and UTC day (kept for good), a
// bounded request log, and the quota minute buckets the account pool meters windows from.
//
// Writes are batched: record() and addQuotaUse() only touch memory, and a backend writes what is
// pending in one transaction at most once per flush interval, on flush() and on destruction. Reads
// flush first, so what was recorded is visible at once. An interface so that a PostgreSQL backend
// can later share usage across replicas; SqliteUsageStore is the one backend today.

#include "common/error.h"
#include "usage/usagerecord.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QString>
#include <optional>

namespace qp {

class Settings;

// Counters for a set of finished requests. Requests the client abandoned (status 499) are neither
// successes nor errors: requests - successes - errors of them.
struct UsageTotals {
    qint64 requests = 0;
    qint64 successes = 0; // what the daily quota counts
    qint64 errors = 0;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cachedTokens = 0;

    void add(const UsageRecord &r);
    UsageTotals &operator+=(const UsageTotals &o);
    bool operator==(const UsageTotals &) const = default;
};

// One row of usage: an account on a UTC day, for one model or (model empty) all of them. Usage
// recorded before per-model counting (schema 1) has model "".
struct DailyUsage {
    QString accountId;
    QString model;
    QDate day;
    UsageTotals totals;
};

struct RequestLogQuery {
    int limit = 100;
    QString accountId;   // empty: every account
    int statusClass = 0; // 2, 3, 4 or 5 keeps only 2xx, 3xx, 4xx or 5xx answers; 0 keeps all
};

struct UsageStoreOptions {
    int flushIntervalMs = 1000;
    // The request log keeps rows for retentionDays or the newest maxRows, whichever is fewer.
    int retentionDays = 7;
    int maxRows = 100000;
    // Successful requests logged per second at most (0: all). Errors are always logged and the
    // aggregates always count everything: the cap only keeps a flood (thousands of requests a
    // second) from spending the event loop on log rows nobody reads one by one.
    int logSuccessesPerSecond = 100;
    // A month of quota windows, plus a day so a monthly window never reads a pruned minute.
    int quotaBucketDays = 32;

    static UsageStoreOptions fromSettings(const Settings &s);
};

class UsageStore
{
public:
    virtual ~UsageStore() = default;

    // Batched writes (see above). A record with atMs 0 is stamped with the store's clock; one that
    // no account served is counted under account "".
    virtual void record(const UsageRecord &record) = 0;
    // Adds to the account's bucket for that minute (minuteMs is rounded down to the minute); a
    // bucket without an account is ignored.
    virtual void addQuotaUse(const QuotaBucket &bucket) = 0;
    // Writes everything pending now. On failure the batch stays pending for the next flush.
    virtual std::optional<Error> flush() = 0;
    virtual bool hasPending() const = 0;

    // Rows for the last `days` UTC days (today included), newest day first, then by account and
    // model. An empty accountId means every account; perModel false sums an account's models.
    virtual Result<QList<DailyUsage>> dailyUsage(int days, const QString &accountId = {},
                                                 bool perModel = true) = 0;
    // Totals for the last `days` UTC days, today included; kLifetime counts every day kept.
    static constexpr int kLifetime = 0;
    virtual Result<QHash<QString, UsageTotals>> totalsByAccount(int days) = 0;
    virtual Result<UsageTotals> totals(const QString &accountId, int days) = 0;
    // Successful requests on the current UTC day: what Qwen's daily quota counts.
    Result<qint64> requestsToday(const QString &accountId);

    // Newest first.
    virtual Result<QList<UsageRecord>> requestLog(const RequestLogQuery &query) = 0;
    // The account's buckets whose minute starts at or after `sinceMs`, oldest first.
    virtual Result<QList<QuotaBucket>> quotaBuckets(const QString &accountId, qint64 sinceMs) = 0;
};

} // namespace qp
