#include "report.h"

#include "console.h"
#include "pool/accountpool.h"
#include "usage/usagestore.h"

#include <QDateTime>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace qp::cli {

namespace {
// The same history Runtime::restoreQuota gives the pool: the store keeps 32 days of minutes, one
// more than the longest window can reach back.
constexpr qint64 kQuotaHistoryMs = 32LL * 24 * 3600 * 1000;

} // namespace

QString poolStateOf(AccountStatus status)
{
    return accountStateName(accountStateFor(status));
}

Result<QList<QuotaMeter::WindowUse>> storedWindows(UsageStore &usage, const QString &accountId,
                                                   const QuotaPlan &plan, qint64 nowMs)
{
    if (plan.isUnlimited())
        return QList<QuotaMeter::WindowUse>{};
    auto buckets = usage.quotaBuckets(accountId, nowMs - kQuotaHistoryMs);
    if (!buckets)
        return buckets.error();
    QuotaMeter meter(plan);
    meter.restore(buckets.value());
    return meter.windows(nowMs);
}

QString windowSummary(const QList<QuotaMeter::WindowUse> &windows)
{
    QStringList parts;
    for (const auto &w : windows) {
        QStringList used;
        if (w.limit.maxRequests > 0)
            used << compactCount(w.usedRequests) + u'/' + compactCount(w.limit.maxRequests);
        if (w.limit.maxTokens > 0)
            used << compactCount(w.usedTokens) + u'/' + compactCount(w.limit.maxTokens) + u" tok"_s;
        parts << w.limit.windowName() + u' ' + used.join(u", "_s);
    }
    return parts.isEmpty() ? u"-"_s : parts.join(u", "_s);
}

QString utcMinute(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(u"yyyy-MM-dd HH:mm"_s);
}

void printTable(const QList<QStringList> &table, const QSet<int> &rightAligned)
{
    QList<qsizetype> widths;
    for (const QStringList &row : table)
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = std::max(widths[i], row.at(i).size());
        }
    for (const QStringList &row : table) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (i > 0)
                line += u"  "_s;
            line += rightAligned.contains(int(i)) ? row.at(i).rightJustified(widths.at(i))
                                                  : row.at(i).leftJustified(widths.at(i));
        }
        while (line.endsWith(u' '))
            line.chop(1);
        console::out(line);
    }
}

} // namespace qp::cli
