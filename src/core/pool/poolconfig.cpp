#include "pool/poolconfig.h"

#include "settings/settings.h"

using namespace Qt::StringLiterals;

namespace qp {

namespace {
const QList<QPair<PoolStrategy, QString>> &names()
{
    static const QList<QPair<PoolStrategy, QString>> n = {
        {PoolStrategy::RoundRobin, u"round_robin"_s},
        {PoolStrategy::Lru, u"lru"_s},
        {PoolStrategy::LeastUsed, u"least_used"_s},
        {PoolStrategy::MostRemaining, u"most_remaining"_s},
        {PoolStrategy::FillFirst, u"fill_first"_s},
        {PoolStrategy::ResetFirst, u"reset_first"_s},
    };
    return n;
}
} // namespace

QStringList poolStrategyNames()
{
    QStringList out;
    for (const auto &p : names())
        out.append(p.second);
    return out;
}

std::optional<PoolStrategy> poolStrategyFromName(const QString &name)
{
    const QString n = name.trimmed().toLower().replace(u'-', u'_');
    for (const auto &p : names())
        if (p.second == n)
            return p.first;
    return std::nullopt;
}

QString poolStrategyName(PoolStrategy s)
{
    for (const auto &p : names())
        if (p.first == s)
            return p.second;
    return u"round_robin"_s;
}

PoolConfig PoolConfig::fromSettings(const Settings &s)
{
    PoolConfig c;
    c.strategy =
        poolStrategyFromName(s.string(u"pool_strategy")).value_or(PoolStrategy::RoundRobin);
    c.defaultAccount = s.string(u"default_account").trimmed();
    c.reservePercent = int(s.integer(u"quota_reserve_percent"));
    c.maxRetries = int(s.integer(u"upstream_retries"));
    c.retryBackoffMs = int(s.integer(u"retry_backoff_ms"));
    c.maxRetryWaitMs = int(s.integer(u"max_retry_wait_ms"));
    c.failureThreshold = int(s.integer(u"account_failure_threshold"));
    return c;
}

} // namespace qp
