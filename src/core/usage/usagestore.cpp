#include "usage/usagestore.h"

#include "settings/settings.h"

namespace qp {

UsageStoreOptions UsageStoreOptions::fromSettings(const Settings &s)
{
    UsageStoreOptions o;
    o.logSuccessesPerSecond = int(s.integer(u"request_log_per_second"));
    o.retentionDays = int(s.integer(u"request_log_days"));
    o.maxRows = int(s.integer(u"request_log_rows"));
    return o;
}

void UsageTotals::add(const UsageRecord &r)
{
    ++requests;
    if (r.ok())
        ++successes;
    else if (r.status != 499) // the client left: nobody's failure
        ++errors;
    inputTokens += r.inputTokens;
    outputTokens += r.outputTokens;
    cachedTokens += r.cachedTokens;
}

UsageTotals &UsageTotals::operator+=(const UsageTotals &o)
{
    requests += o.requests;
    successes += o.successes;
    errors += o.errors;
    inputTokens += o.inputTokens;
    outputTokens += o.outputTokens;
    cachedTokens += o.cachedTokens;
    return *this;
}

Result<qint64> UsageStore::requestsToday(const QString &accountId)
{
    auto t = totals(accountId, 1);
    if (!t)
        return t.error();
    return t->successes;
}

} // namespace qp
