#include "pool/accountpool.h"

#include "logging/logging.h"

#include <limits>

using namespace Qt::StringLiterals;

namespace qp {

QString accountStateName(AccountState s)
{
    switch (s) {
    case AccountState::Healthy:
        return u"healthy"_s;
    case AccountState::Cooling:
        return u"cooling"_s;
    case AccountState::NeedsLogin:
        return u"needs_login"_s;
    case AccountState::Parked:
        return u"parked"_s;
    case AccountState::Disabled:
        return u"disabled"_s;
    }
    return u"disabled"_s;
}

AccountState accountStateFor(AccountStatus stored)
{
    switch (stored) {
    case AccountStatus::Active:
        return AccountState::Healthy;
    case AccountStatus::NeedsLogin:
        return AccountState::NeedsLogin;
    case AccountStatus::Discontinued:
        return AccountState::Parked;
    case AccountStatus::Disabled:
        return AccountState::Disabled;
    }
    return AccountState::Disabled;
}

QString poolEventName(PoolEvent::Type t)
{
    switch (t) {
    case PoolEvent::Type::Cooled:
        return u"cooled"_s;
    case PoolEvent::Type::Parked:
        return u"parked"_s;
    case PoolEvent::Type::NeedsLogin:
        return u"needs_login"_s;
    case PoolEvent::Type::Recovered:
        return u"recovered"_s;
    case PoolEvent::Type::WindowWarning:
        return u"window_80"_s;
    case PoolEvent::Type::WindowFull:
        return u"window_100"_s;
    case PoolEvent::Type::AllUnusable:
        return u"all_unusable"_s;
    }
    return u"unknown"_s;
}

namespace {
constexpr qint64 kMinuteMs = 60000;
constexpr qint64 kDayMs = 24 * 3600 * 1000LL;
constexpr qint64 kNeedsLoginRecheckMs = 60000;

QString clockUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(u"HH:mm"_s) + u" UTC"_s;
}

int secondsUntil(qint64 whenMs, qint64 now)
{
    return int(std::max<qint64>(1, (whenMs - now + 999) / 1000));
}
} // namespace

struct AccountPool::Account {
    PoolAccountSpec spec;
    QuotaMeter meter;
    AccountState state = AccountState::Healthy;
    QString reason;
    qint64 untilMs = 0;
    int inFlight = 0;
    int consecutiveFailures = 0;
    int failureCooldowns = 0; // cool-downs for failures in a row: each one doubles the next
    qint64 lastUsedMs = 0;
    quint64 lastPick = 0; // the pool's pick sequence: recency without ties on a coarse clock
    Error::Kind coolKind = Error::Kind::Quota; // what a refusal while cooling answers
    QString coolCode;
    qint64 minuteStartMs = 0;
    int minuteCount = 0;

    explicit Account(const PoolAccountSpec &s, int reservePercent)
        : spec(s), meter(s.plan, reservePercent), state(s.initialState), reason(s.stateReason)
    {
        meter.setAccountId(s.id);
    }
};

AccountPool::AccountPool(Clock &clock, PoolConfig config, QObject *parent)
    : QObject(parent), m_clock(clock), m_config(std::move(config))
{}

AccountPool::~AccountPool() = default;

void AccountPool::setConfig(PoolConfig config)
{
    m_config = std::move(config);
    for (auto &a : std::as_const(m_accounts))
        a->meter.setReservePercent(m_config.reservePercent);
}

void AccountPool::setAccounts(const QList<PoolAccountSpec> &accounts)
{
    QHash<QString, std::shared_ptr<Account>> next;
    QStringList order;
    for (const PoolAccountSpec &spec : accounts) {
        if (order.contains(spec.id))
            continue;
        order.append(spec.id);
        auto existing = m_accounts.value(spec.id);
        if (existing) {
            // Same account: keep its state, counters and quota use; take the new settings.
            existing->spec.upstream = spec.upstream;
            existing->spec.provider = spec.provider;
            existing->spec.maxConcurrent = spec.maxConcurrent;
            existing->spec.maxPerMinute = spec.maxPerMinute;
            existing->meter.setPlan(spec.plan);
            existing->spec.plan = spec.plan;
            // The store's verdict wins when it is stronger than ours (a new login clears
            // NeedsLogin; the user disabling it disables it).
            if (spec.initialState != AccountState::Healthy ||
                existing->state == AccountState::NeedsLogin ||
                existing->state == AccountState::Disabled) {
                existing->state = spec.initialState;
                existing->reason = spec.stateReason;
            }
            next.insert(spec.id, existing);
        } else {
            next.insert(spec.id, std::make_shared<Account>(spec, m_config.reservePercent));
        }
    }
    m_accounts = std::move(next);
    m_order = std::move(order);
    if (m_cursor >= m_order.size())
        m_cursor = -1;
}

void AccountPool::restoreQuota(const QString &id, const QList<QuotaBucket> &buckets)
{
    if (Account *a = find(id))
        a->meter.restore(buckets);
}

AccountPool::Account *AccountPool::find(const QString &id) const
{
    auto it = m_accounts.constFind(id);
    return it == m_accounts.cend() ? nullptr : it->get();
}

void AccountPool::refreshState(Account &a, qint64 now)
{
    if (a.state == AccountState::NeedsLogin && a.untilMs > 0 && now >= a.untilMs) {
        // Look again now and then: the user may have logged in with another tool (the qwen CLI
        // shares its file). Asking costs nothing upstream: the token manager remembers a dead
        // refresh token and answers at once.
        a.state = AccountState::Healthy;
        a.untilMs = 0;
        return;
    }
    if (a.state == AccountState::Cooling && now >= a.untilMs) {
        a.state = AccountState::Healthy;
        a.reason.clear();
        a.untilMs = 0;
        // The next real request is the health check: it either serves or cools the account again,
        // with a longer cool-down when failures go on.
        publish(PoolEvent::Type::Recovered, a.spec.id,
                u"account %1 is usable again"_s.arg(a.spec.id), now);
    }
}

QString AccountPool::unavailableReason(Account &a, qint64 now, qint64 *availableAtMs) const
{
    *availableAtMs = 0;
    switch (a.state) {
    case AccountState::Disabled:
        return a.reason.isEmpty() ? u"disabled by the user"_s : u"disabled: "_s + a.reason;
    case AccountState::Parked:
        return u"parked: "_s + a.reason;
    case AccountState::NeedsLogin:
        return u"needs a new login ('qwen-proxy auth add %1')%2"_s.arg(
            a.spec.id, a.reason.isEmpty() ? QString() : u": "_s + a.reason);
    case AccountState::Cooling:
        *availableAtMs = a.untilMs;
        return u"cooling until %1 (%2)"_s.arg(clockUtc(a.untilMs), a.reason);
    case AccountState::Healthy:
        break;
    }
    // Requests in flight are counted when they end; until then they hold their place.
    if (!a.meter.canServe(now, a.inFlight)) {
        const qint64 at = a.meter.availableAtMs(now, a.inFlight);
        if (at == QuotaMeter::kNever)
            return u"its quota reserve takes the whole window"_s;
        *availableAtMs = at;
        return u"quota window full until %1"_s.arg(clockUtc(at));
    }
    if (a.spec.maxConcurrent > 0 && a.inFlight >= a.spec.maxConcurrent) {
        *availableAtMs = now + 1000;
        return u"at its limit of %1 concurrent requests"_s.arg(a.spec.maxConcurrent);
    }
    if (a.spec.maxPerMinute > 0 && now - a.minuteStartMs < kMinuteMs &&
        a.minuteCount >= a.spec.maxPerMinute) {
        *availableAtMs = a.minuteStartMs + kMinuteMs;
        return u"at its limit of %1 requests per minute"_s.arg(a.spec.maxPerMinute);
    }
    return {};
}

Result<Lease> AccountPool::pick(const PickRequest &request)
{
    const qint64 now = m_clock.nowMs();
    if (m_order.isEmpty())
        return Error::make(Error::Kind::NoUpstream,
                           u"no upstream account is configured: log in with 'qwen-proxy auth' or "
                           "set OPENAI_BASE_URL and OPENAI_API_KEY"_s);
    for (const QString &id : std::as_const(m_order))
        refreshState(*find(id), now);

    Account *chosen = nullptr;
    if (!request.pinned.isEmpty()) {
        Account *a = find(request.pinned);
        if (!a)
            return Error::make(Error::Kind::InvalidRequest,
                               u"X-Qwen-Account names an unknown account '%1' (known: %2)"_s.arg(
                                   request.pinned, m_order.join(u", "_s)));
        qint64 at = 0;
        const QString why = unavailableReason(*a, now, &at);
        if (!why.isEmpty() || request.exclude.contains(a->spec.id)) {
            Error e =
                Error::make(Error::Kind::Conflict,
                            u"account '%1' (pinned by X-Qwen-Account) cannot serve now: %2"_s.arg(
                                a->spec.id, why.isEmpty() ? u"it already failed"_s : why));
            if (at > now)
                e.retryAfterSeconds = secondsUntil(at, now);
            return e;
        }
        if (request.openAIChatOnly && a->spec.upstream.api != Upstream::Api::OpenAIChat)
            return Error::make(Error::Kind::Conflict,
                               u"account '%1' (pinned by X-Qwen-Account) serves Anthropic clients "
                               "only"_s.arg(a->spec.id));
        chosen = a;
    } else {
        QList<Account *> eligible;
        bool any = false;
        for (const QString &id : std::as_const(m_order)) {
            Account *a = find(id);
            if (!request.provider.isEmpty() && a->spec.provider != request.provider)
                continue;
            if (request.openAIChatOnly && a->spec.upstream.api != Upstream::Api::OpenAIChat)
                continue;
            any = true;
            qint64 at = 0;
            if (!request.exclude.contains(id) && unavailableReason(*a, now, &at).isEmpty())
                eligible.append(a);
        }
        if (!any && request.openAIChatOnly)
            return Error::make(Error::Kind::NoUpstream,
                               request.provider.isEmpty()
                                   ? u"no OpenAI-compatible upstream is configured: the configured "
                                     "ones speak Anthropic Messages and serve Anthropic clients "
                                     "only"_s
                                   : u"provider '%1' has no account an OpenAI client can use (an "
                                     "Anthropic-compatible provider serves Anthropic clients "
                                     "only)"_s.arg(request.provider));
        if (!any)
            return Error::make(Error::Kind::NoUpstream,
                               u"provider '%1' has no account"_s.arg(request.provider));
        if (eligible.isEmpty())
            return noneUsable(request, now);
        if (!m_config.defaultAccount.isEmpty())
            for (Account *a : std::as_const(eligible))
                if (a->spec.id == m_config.defaultAccount)
                    chosen = a;
        if (!chosen && !request.affinityKey.isEmpty()) {
            const auto it = m_affinity.constFind(request.affinityKey);
            if (it != m_affinity.cend() && now - it->lastMs < m_config.affinityTtlMs)
                for (Account *a : std::as_const(eligible))
                    if (a->spec.id == it->accountId)
                        chosen = a;
        }
        if (!chosen)
            chosen = choose(eligible, now);
    }

    Account &a = *chosen;
    a.lastUsedMs = now;
    a.lastPick = ++m_picks;
    ++a.inFlight;
    if (now - a.minuteStartMs >= kMinuteMs) {
        a.minuteStartMs = now - now % kMinuteMs;
        a.minuteCount = 0;
    }
    ++a.minuteCount;
    m_cursor = int(m_order.indexOf(a.spec.id));
    if (!request.affinityKey.isEmpty()) {
        if (m_affinity.size() >= m_config.affinityMaxEntries) {
            for (auto it = m_affinity.begin(); it != m_affinity.end();)
                it = now - it->lastMs >= m_config.affinityTtlMs ? m_affinity.erase(it)
                                                                : std::next(it);
            if (m_affinity.size() >= m_config.affinityMaxEntries)
                m_affinity.clear(); // only a cache: losing it costs a cold prompt cache, no error
        }
        m_affinity.insert(request.affinityKey, Affinity{a.spec.id, now});
    }
    m_allUnusablePublished = false;
    return Lease{a.spec.id, a.spec.provider, a.spec.upstream};
}

AccountPool::Account *AccountPool::choose(const QList<Account *> &eligible, qint64 now)
{
    auto lru = [](const Account *x, const Account *y) { return x->lastPick < y->lastPick; };
    switch (m_config.strategy) {
    case PoolStrategy::RoundRobin:
        for (int step = 1; step <= m_order.size(); ++step) {
            const QString &id = m_order.at((m_cursor + step) % m_order.size());
            for (Account *a : eligible)
                if (a->spec.id == id)
                    return a;
        }
        return eligible.first();
    case PoolStrategy::Lru:
        return *std::min_element(eligible.begin(), eligible.end(), lru);
    case PoolStrategy::LeastUsed:
        return *std::min_element(eligible.begin(), eligible.end(), [&](Account *x, Account *y) {
            const double fx = x->meter.tightestFraction(now), fy = y->meter.tightestFraction(now);
            return fx != fy ? fx < fy : lru(x, y);
        });
    case PoolStrategy::MostRemaining:
        return *std::min_element(eligible.begin(), eligible.end(), [&](Account *x, Account *y) {
            const qint64 rx = x->meter.remainingInTightest(now),
                         ry = y->meter.remainingInTightest(now);
            const qint64 kx = rx < 0 ? std::numeric_limits<qint64>::max() : rx;
            const qint64 ky = ry < 0 ? std::numeric_limits<qint64>::max() : ry;
            return kx != ky ? kx > ky : lru(x, y);
        });
    case PoolStrategy::FillFirst:
        return eligible.first(); // configuration order; the next one once this one is spent
    case PoolStrategy::ResetFirst: {
        // Use the quota that is about to be renewed anyway; unmetered or unused accounts last.
        auto resetAt = [&](Account *a) {
            qint64 best = std::numeric_limits<qint64>::max();
            for (const auto &w : a->meter.windows(now))
                if (w.usedRequests > 0 || w.usedTokens > 0)
                    best = std::min(best, w.resetsAtMs);
            return best;
        };
        Account *best = eligible.first();
        qint64 bestAt = resetAt(best);
        for (Account *a : eligible) {
            const qint64 at = resetAt(a);
            if (at < bestAt) {
                best = a;
                bestAt = at;
            }
        }
        return best;
    }
    }
    return eligible.first();
}

Error AccountPool::noneUsable(const PickRequest &request, qint64 now)
{
    const QSet<QString> &tried = request.exclude;
    int cooling = 0, needsLogin = 0, parked = 0, disabled = 0, triedHere = 0;
    qint64 soonest = std::numeric_limits<qint64>::max();
    Error::Kind soonestKind = Error::Kind::Quota;
    QString soonestCode;
    QStringList reasons;
    int n = 0;
    for (const QString &id : std::as_const(m_order)) {
        Account *a = find(id);
        if (!request.provider.isEmpty() && a->spec.provider != request.provider)
            continue;
        ++n;
        qint64 at = 0;
        QString why = unavailableReason(*a, now, &at);
        if (why.isEmpty() && tried.contains(id)) {
            ++triedHere;
            why = u"already failed for this request"_s;
        }
        reasons.append(id + u": "_s + why);
        switch (a->state) {
        case AccountState::NeedsLogin:
            ++needsLogin;
            break;
        case AccountState::Parked:
            ++parked;
            break;
        case AccountState::Disabled:
            ++disabled;
            break;
        default:
            if (at > 0) {
                ++cooling;
                if (at < soonest) {
                    soonest = at;
                    // Cooling after an upstream answer repeats that answer's kind (a rate limit
                    // stays a rate limit); a full window or a concurrency cap is a rate limit.
                    soonestKind =
                        a->state == AccountState::Cooling ? a->coolKind : Error::Kind::RateLimited;
                    soonestCode = a->state == AccountState::Cooling ? a->coolCode : QString();
                }
            }
        }
    }
    QString headline;
    Error e;
    auto all = [n](const QString &what) -> QString { // QString: a QStringBuilder would dangle
        return n == 1 ? u"the only account "_s + what : u"every account (%1) "_s.arg(n) + what;
    };
    if (cooling > 0) {
        headline = cooling == n
                       ? all(u"is cooling down or at its quota until %1"_s.arg(clockUtc(soonest)))
                       : u"no account can serve now; the first is usable again at %1"_s.arg(
                             clockUtc(soonest));
        e = Error::make(soonestKind, QString());
        e.code = soonestCode;
        e.retryAfterSeconds = secondsUntil(soonest, now);
    } else if (needsLogin == n) {
        headline = all(u"needs a new login (run 'qwen-proxy auth add <id>')"_s);
        e = Error::make(Error::Kind::NoUpstream, QString());
    } else if (parked == n) {
        headline = all(u"is parked by its provider"_s);
        e = Error::make(Error::Kind::NoUpstream, QString());
    } else if (disabled == n) {
        headline = all(u"is disabled"_s);
        e = Error::make(Error::Kind::NoUpstream, QString());
    } else {
        headline = u"no account can serve this request"_s;
        e = Error::make(triedHere > 0 ? Error::Kind::UpstreamUnavailable : Error::Kind::NoUpstream,
                        QString());
    }
    e.message = headline + u" — "_s + reasons.join(u"; "_s);
    if (!m_allUnusablePublished && triedHere == 0) {
        m_allUnusablePublished = true;
        publish(PoolEvent::Type::AllUnusable, QString(), e.message, now);
    }
    return e;
}

void AccountPool::release(const QString &accountId)
{
    if (Account *a = find(accountId))
        a->inFlight = std::max(0, a->inFlight - 1);
}

void AccountPool::cool(Account &a, qint64 untilMs, const QString &reason, const Error &cause,
                       qint64 now)
{
    a.state = AccountState::Cooling;
    a.coolKind = cause.kind;
    a.coolCode = cause.code;
    a.untilMs = std::max(untilMs, now + 1000);
    a.reason = reason;
    publish(PoolEvent::Type::Cooled, a.spec.id,
            u"account %1 cools until %2: %3"_s.arg(a.spec.id, clockUtc(a.untilMs), reason), now);
}

void AccountPool::reportFailure(const QString &accountId, const Error &error)
{
    Account *ap = find(accountId);
    if (!ap)
        return;
    Account &a = *ap;
    const qint64 now = m_clock.nowMs();
    const ErrorClass cls = errorClassOf(error);
    const qint64 retryAt =
        error.retryAfterSeconds ? now + qint64(*error.retryAfterSeconds) * 1000 : 0;
    switch (cls) {
    case ErrorClass::Quota: {
        qint64 until = retryAt;
        if (!until) {
            // Daily quotas (the OAuth tier, pay-as-you-go free allocations) reset at UTC
            // midnight; a metered plan's window frees up when the meter says.
            until = now - now % kDayMs + kDayMs;
            for (const auto &w : a.meter.windows(now))
                if (w.resetsAtMs > now)
                    until = std::min(until, std::max(w.resetsAtMs, now + kMinuteMs));
        }
        cool(a, until, u"quota exhausted: "_s + error.message.left(200), error, now);
        break;
    }
    case ErrorClass::Discontinued:
        a.state = AccountState::Parked;
        a.reason = error.message.left(300);
        publish(PoolEvent::Type::Parked, a.spec.id,
                u"account %1 is parked: %2"_s.arg(a.spec.id, a.reason), now,
                ErrorClass::Discontinued);
        break;
    case ErrorClass::NeedsLogin:
        a.state = AccountState::NeedsLogin;
        a.untilMs = now + kNeedsLoginRecheckMs;
        a.reason = error.message.left(300);
        publish(PoolEvent::Type::NeedsLogin, a.spec.id,
                u"account %1 needs a new login: %2"_s.arg(a.spec.id, a.reason), now);
        break;
    case ErrorClass::Auth:
    case ErrorClass::Transient:
    case ErrorClass::Blocked: {
        ++a.consecutiveFailures;
        if (retryAt > now) {
            cool(a, retryAt,
                 u"the upstream asked to retry after %1 s: %2"_s.arg(*error.retryAfterSeconds)
                     .arg(error.message.left(200)),
                 error, now);
        } else if (a.consecutiveFailures >= m_config.failureThreshold) {
            const qint64 backoff =
                std::min(m_config.maxFailureCooldownMs,
                         m_config.failureCooldownMs << std::min(a.failureCooldowns, 20));
            ++a.failureCooldowns;
            a.consecutiveFailures = 0;
            cool(a, now + backoff,
                 u"%1 failures in a row, last: %2"_s.arg(m_config.failureThreshold)
                     .arg(error.message.left(200)),
                 error, now);
        }
        break;
    }
    case ErrorClass::Client:
    case ErrorClass::Local:
        return; // the request's fault or ours, not the account's: no un-counting either
    }
    qint64 at = 0;
    bool anyUsable = false;
    for (const QString &id : std::as_const(m_order))
        anyUsable = anyUsable || unavailableReason(*find(id), now, &at).isEmpty();
    if (!anyUsable && !m_allUnusablePublished) {
        m_allUnusablePublished = true;
        publish(PoolEvent::Type::AllUnusable, QString(), u"no account can serve requests now"_s,
                now);
    }
}

void AccountPool::recordOutcome(const UsageRecord &record)
{
    Account *ap = find(record.accountId);
    if (!ap)
        return;
    Account &a = *ap;
    if (record.ok()) {
        a.consecutiveFailures = 0;
        a.failureCooldowns = 0;
    }
    // A request counts when the upstream served it (a success, or a stream the client left):
    // refused attempts do not use a plan's allowance. In-flight ones hold their place meanwhile
    // (unavailableReason), so concurrency cannot overshoot a window.
    const qint64 requests = record.ok() || record.status == 499 ? 1 : 0;
    const qint64 tokens = record.totalTokens();
    if (requests == 0 && tokens <= 0)
        return;
    const qint64 at = record.atMs;
    const auto before = a.meter.windows(at);
    a.meter.record(at, requests, tokens);
    emit quotaUsed(
        QuotaBucket{a.spec.id, at - at % kMinuteMs, requests, std::max<qint64>(tokens, 0)});
    announceCrossings(a, before, a.meter.windows(at), at);
}

void AccountPool::announceCrossings(Account &a, const QList<QuotaMeter::WindowUse> &before,
                                    const QList<QuotaMeter::WindowUse> &after, qint64 now)
{
    for (const auto &c : QuotaMeter::crossings(before, after)) {
        qint64 resetsAt = now;
        for (const auto &w : after)
            if (w.limit == c.limit)
                resetsAt = w.resetsAtMs;
        if (c.percent >= QuotaMeter::kFullPercent)
            publish(PoolEvent::Type::WindowFull, a.spec.id,
                    u"account %1 has used its %2 window; it frees up at %3"_s.arg(
                        a.spec.id, c.limit.windowName(), clockUtc(resetsAt)),
                    now);
        else
            publish(
                PoolEvent::Type::WindowWarning, a.spec.id,
                u"account %1 has used %2 %% of its %3 window"_s.arg(a.spec.id).arg(c.percent).arg(
                    c.limit.windowName()),
                now);
    }
}

void AccountPool::publish(PoolEvent::Type type, const QString &id, const QString &message,
                          qint64 now, std::optional<ErrorClass> cause)
{
    qCInfo(lcPool).noquote() << poolEventName(type) << message;
    emit event(PoolEvent{type, id, message, now, cause});
}

std::optional<Upstream> AccountPool::leasePreview(const QString &id) const
{
    if (Account *a = find(id))
        return a->spec.upstream;
    return std::nullopt;
}

void AccountPool::setUserState(const QString &id, AccountState state, const QString &reason)
{
    Account *a = find(id);
    if (!a)
        return;
    a->state = state;
    a->reason = reason;
    a->untilMs = 0;
    a->consecutiveFailures = 0;
}

QList<AccountSnapshot> AccountPool::snapshot() const
{
    QList<AccountSnapshot> out;
    for (const QString &id : m_order)
        if (auto s = snapshot(id))
            out.append(*s);
    return out;
}

std::optional<AccountSnapshot> AccountPool::snapshot(const QString &id) const
{
    Account *a = find(id);
    if (!a)
        return std::nullopt;
    const qint64 now = m_clock.nowMs();
    AccountSnapshot s;
    s.id = a->spec.id;
    s.provider = a->spec.provider;
    s.state =
        a->state == AccountState::Cooling && now >= a->untilMs ? AccountState::Healthy : a->state;
    s.reason = s.state == a->state ? a->reason : QString();
    s.untilMs = s.state == AccountState::Cooling ? a->untilMs : 0;
    s.inFlight = a->inFlight;
    s.consecutiveFailures = a->consecutiveFailures;
    s.lastUsedMs = a->lastUsedMs;
    s.windows = a->meter.windows(now);
    return s;
}

} // namespace qp
