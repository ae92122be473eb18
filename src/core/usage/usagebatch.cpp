#include "usage/usagebatch.h"

#include <QDateTime>
#include <QTimeZone>

namespace qp {

namespace {
constexpr qint64 kMinuteMs = 60 * 1000;

// Widths of the request_log and usage_daily columns (migration 2): SQLite would store longer
// text, PostgreSQL would refuse the whole batch.
void clip(QString &s, int width)
{
    if (s.size() > width)
        s.truncate(width);
}
} // namespace

QDate UsageBatch::utcDay(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date();
}

void UsageBatch::add(UsageRecord r, bool logIt)
{
    clip(r.accountId, 64);
    clip(r.provider, 32);
    clip(r.dialect, 16);
    clip(r.client, 200);
    clip(r.clientModel, 200);
    clip(r.model, 200);
    clip(r.errorClass, 32);
    days[DayKey{r.accountId, r.model, utcDay(r.atMs).toJulianDay()}].add(r);
    if (logIt)
        log.append(std::move(r));
}

void UsageBatch::addQuotaUse(QuotaBucket b)
{
    if (b.accountId.isEmpty())
        return;
    clip(b.accountId, 64);
    // Floor, not truncation towards zero, so a (test) time before 1970 still lands in its minute.
    b.minuteMs -= ((b.minuteMs % kMinuteMs) + kMinuteMs) % kMinuteMs;
    QuotaBucket &into = buckets[MinuteKey{b.accountId, b.minuteMs}];
    into.accountId = b.accountId;
    into.minuteMs = b.minuteMs;
    into.requests += b.requests;
    into.tokens += b.tokens;
}

void UsageBatch::capLog(int maxRows)
{
    if (log.size() > maxRows)
        log.remove(0, log.size() - qMax(0, maxRows));
}

} // namespace qp
