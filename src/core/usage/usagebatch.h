#pragma once
// What a usage store has recorded but not yet written: aggregates keyed like their rows, the
// request log in arrival order and merged quota minute buckets. A plain value so that every
// backend batches the same way.

#include "usage/usagestore.h"

#include <QMap>
#include <tuple>

namespace qp {

struct UsageBatch {
    // (account, model, UTC day as a Julian day number)
    using DayKey = std::tuple<QString, QString, qint64>;
    using MinuteKey = std::pair<QString, qint64>;

    QMap<DayKey, UsageTotals> days;
    QList<UsageRecord> log;
    QMap<MinuteKey, QuotaBucket> buckets;

    // The record must carry its time (atMs). Text longer than its column is cut to fit.
    void add(UsageRecord record, bool logIt = true);
    // Ignores buckets without an account; rounds minuteMs down to its minute.
    void addQuotaUse(QuotaBucket bucket);
    // Drops the oldest log entries beyond `maxRows` (a store that cannot write for a long time
    // must not grow without bound; the aggregates are bounded by their keys).
    void capLog(int maxRows);
    bool isEmpty() const { return days.isEmpty() && log.isEmpty() && buckets.isEmpty(); }

    static QDate utcDay(qint64 ms);
};

} // namespace qp
