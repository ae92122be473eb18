#include "usage/usagestore.h"

namespace qp {

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
