#include "pool/quotameter.h"

#include <algorithm>

namespace qp {

namespace {

constexpr qint64 kLongestAnyWindowMs = 31LL * 24 * 3'600'000;

qint64 floorMinute(qint64 ms)
{
    qint64 q = ms / QuotaMeter::kMinuteMs;
    if (ms % QuotaMeter::kMinuteMs < 0)
        --q;
    return q * QuotaMeter::kMinuteMs;
}

// percent of limit, rounded up: exact in integers (limit <= kMaxQuotaAmount keeps it in range).
qint64 percentOfRoundedUp(qint64 limit, int percent)
{
    return (limit / 100) * percent + ((limit % 100) * percent + 99) / 100;
}

bool reached(const QuotaMeter::WindowUse &w, int percent)
{
    const QuotaLimit &l = w.limit;
    return (l.maxRequests > 0 && w.usedRequests >= percentOfRoundedUp(l.maxRequests, percent)) ||
           (l.maxTokens > 0 && w.usedTokens >= percentOfRoundedUp(l.maxTokens, percent));
}

double fraction(qint64 used, qint64 limit)
{
    return limit > 0 ? double(used) / double(limit) : 0;
}

} // namespace

QuotaMeter::QuotaMeter(QuotaPlan plan, int reservePercent)
{
    setPlan(std::move(plan));
    setReservePercent(reservePercent);
}

void QuotaMeter::setPlan(QuotaPlan plan)
{
    plan.limits.removeIf([](const QuotaLimit &l) { return l.limitsNothing(); });
    m_plan = std::move(plan);
    m_sums.assign(std::size_t(m_plan.limits.size()), Sum{});
}

void QuotaMeter::setReservePercent(int percent)
{
    m_reservePercent = std::clamp(percent, 0, 100);
}

void QuotaMeter::record(qint64 atMs, qint64 requests, qint64 tokens)
{
    requests = std::max<qint64>(requests, 0);
    tokens = std::max<qint64>(tokens, 0);
    if (requests == 0 && tokens == 0)
        return;

    const qint64 minute = floorMinute(atMs);
    bool inserted = false;
    auto it = m_minutes.end();
    if (m_minutes.empty() || m_minutes.back().minuteMs < minute) {
        it = m_minutes.insert(m_minutes.end(), Minute{minute, 0, 0});
        inserted = true;
    } else if (m_minutes.back().minuteMs == minute) {
        it = std::prev(m_minutes.end());
    } else {
        // Out of order (a request that ended after a later one started): rare, so O(n) is fine.
        it = std::lower_bound(m_minutes.begin(), m_minutes.end(), minute,
                              [](const Minute &m, qint64 ms) { return m.minuteMs < ms; });
        if (it == m_minutes.end() || it->minuteMs != minute) {
            it = m_minutes.insert(it, Minute{minute, 0, 0});
            inserted = true;
        }
    }
    it->requests += requests;
    it->tokens += tokens;

    for (Sum &s : m_sums) {
        if (!s.valid)
            continue;
        if (minute >= s.cutoffMs) {
            s.requests += requests;
            s.tokens += tokens;
        } else if (inserted) {
            ++s.first; // inserted before the window's first minute
        }
    }
    prune(m_minutes.back().minuteMs);
}

void QuotaMeter::restore(const QList<QuotaBucket> &buckets)
{
    std::vector<Minute> rows;
    rows.reserve(std::size_t(buckets.size()));
    for (const auto &b : buckets) {
        const Minute m{floorMinute(b.minuteMs), std::max<qint64>(b.requests, 0),
                       std::max<qint64>(b.tokens, 0)};
        if (m.requests > 0 || m.tokens > 0)
            rows.push_back(m);
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Minute &a, const Minute &b) { return a.minuteMs < b.minuteMs; });
    m_minutes.clear();
    for (const Minute &m : rows) {
        if (!m_minutes.empty() && m_minutes.back().minuteMs == m.minuteMs) {
            m_minutes.back().requests += m.requests;
            m_minutes.back().tokens += m.tokens;
        } else {
            m_minutes.push_back(m);
        }
    }
    invalidateSums();
    if (!m_minutes.empty())
        prune(m_minutes.back().minuteMs);
}

QList<QuotaBucket> QuotaMeter::buckets() const
{
    QList<QuotaBucket> out;
    out.reserve(qsizetype(m_minutes.size()));
    for (const Minute &m : m_minutes)
        out.append(QuotaBucket{m_accountId, m.minuteMs, m.requests, m.tokens});
    return out;
}

void QuotaMeter::prune(qint64 nowMs)
{
    qint64 keepMs = m_plan.longestWindowMs();
    if (keepMs == 0)
        keepMs = kLongestAnyWindowMs;
    // The earliest cutoff any window can have at nowMs or later (calendar periods start on a
    // whole minute no earlier than nowMs - their longest length).
    const qint64 oldestKept = floorMinute(nowMs - keepMs);
    std::size_t dropped = 0;
    while (!m_minutes.empty() && m_minutes.front().minuteMs < oldestKept) {
        m_minutes.pop_front();
        ++dropped;
    }
    if (dropped == 0)
        return;
    for (Sum &s : m_sums) {
        if (s.first >= dropped)
            s.first -= dropped;
        else
            s.valid = false; // it still counts dropped minutes: rebuilt on the next query
    }
}

qint64 QuotaMeter::cutoffMs(const QuotaLimit &limit, qint64 nowMs) const
{
    // A minute M is counted while nowMs < M + 1 min + length, i.e. M >= floor(nowMs - length).
    return limit.isRolling() ? floorMinute(nowMs - limit.lengthMs()) : limit.periodStartMs(nowMs);
}

const QuotaMeter::Sum &QuotaMeter::sumAt(qsizetype window, qint64 nowMs) const
{
    Sum &s = m_sums[std::size_t(window)];
    const qint64 cutoff = cutoffMs(m_plan.limits.at(window), nowMs);
    if (!s.valid || cutoff < s.cutoffMs) {
        // First use, or time went back: count from scratch.
        s = Sum{};
        s.valid = true;
        s.first = std::size_t(
            std::lower_bound(m_minutes.begin(), m_minutes.end(), cutoff,
                             [](const Minute &m, qint64 ms) { return m.minuteMs < ms; }) -
            m_minutes.begin());
        for (std::size_t i = s.first; i < m_minutes.size(); ++i) {
            s.requests += m_minutes[i].requests;
            s.tokens += m_minutes[i].tokens;
        }
    } else {
        while (s.first < m_minutes.size() && m_minutes[s.first].minuteMs < cutoff) {
            s.requests -= m_minutes[s.first].requests;
            s.tokens -= m_minutes[s.first].tokens;
            ++s.first;
        }
    }
    s.cutoffMs = cutoff;
    return s;
}

void QuotaMeter::invalidateSums() const
{
    for (Sum &s : m_sums)
        s.valid = false;
}

qint64 QuotaMeter::reserveOf(qint64 limit) const
{
    return percentOfRoundedUp(limit, m_reservePercent);
}

bool QuotaMeter::blocks(const QuotaLimit &limit, qint64 requests, qint64 tokens) const
{
    return (limit.maxRequests > 0 &&
            requests + reserveOf(limit.maxRequests) >= limit.maxRequests) ||
           (limit.maxTokens > 0 && tokens + reserveOf(limit.maxTokens) >= limit.maxTokens);
}

QList<QuotaMeter::WindowUse> QuotaMeter::windows(qint64 nowMs) const
{
    QList<WindowUse> out;
    out.reserve(m_plan.limits.size());
    for (qsizetype i = 0; i < m_plan.limits.size(); ++i) {
        const QuotaLimit &l = m_plan.limits.at(i);
        const Sum &s = sumAt(i, nowMs);
        WindowUse w;
        w.limit = l;
        w.usedRequests = s.requests;
        w.usedTokens = s.tokens;
        w.remainingRequests =
            l.maxRequests > 0 ? std::max<qint64>(l.maxRequests - s.requests, 0) : -1;
        w.remainingTokens = l.maxTokens > 0 ? std::max<qint64>(l.maxTokens - s.tokens, 0) : -1;
        w.usedFraction =
            std::max(fraction(s.requests, l.maxRequests), fraction(s.tokens, l.maxTokens));
        if (!l.isRolling()) {
            w.resetsAtMs = w.fullyResetsAtMs = l.periodEndMs(nowMs);
        } else if (s.first < m_minutes.size()) {
            w.resetsAtMs = m_minutes[s.first].minuteMs + kMinuteMs + l.lengthMs();
            w.fullyResetsAtMs = m_minutes.back().minuteMs + kMinuteMs + l.lengthMs();
        } else {
            w.resetsAtMs = w.fullyResetsAtMs = nowMs;
        }
        out.append(w);
    }
    return out;
}

bool QuotaMeter::canServe(qint64 nowMs, qint64 pendingRequests) const
{
    for (qsizetype i = 0; i < m_plan.limits.size(); ++i) {
        const Sum &s = sumAt(i, nowMs);
        if (blocks(m_plan.limits.at(i), s.requests + pendingRequests, s.tokens))
            return false;
    }
    return true;
}

qint64 QuotaMeter::availableAtMs(qint64 nowMs, qint64 pendingRequests) const
{
    // Without new records a window's count only shrinks as time passes, so once a window stops
    // blocking it stays so: the account is available when the last blocking window frees.
    qint64 at = nowMs;
    for (qsizetype i = 0; i < m_plan.limits.size(); ++i) {
        const qint64 windowAt = availableAtMs(i, nowMs, pendingRequests);
        if (windowAt == kNever)
            return kNever;
        at = std::max(at, windowAt);
    }
    return at;
}

qint64 QuotaMeter::availableAtMs(qsizetype window, qint64 nowMs, qint64 pending) const
{
    const QuotaLimit &l = m_plan.limits.at(window);
    const Sum &s = sumAt(window, nowMs);
    if (!blocks(l, s.requests + pending, s.tokens))
        return nowMs;
    if (blocks(l, 0, 0))
        return kNever;
    if (blocks(l, pending, 0))
        return nowMs + 1000; // only requests still in flight fill it: when they end is unknown

    qint64 requests = s.requests + pending;
    qint64 tokens = s.tokens;
    std::size_t i = s.first;
    if (l.isRolling()) {
        // Let the oldest minutes leave one by one until the rest fits.
        for (; i < m_minutes.size(); ++i) {
            requests -= m_minutes[i].requests;
            tokens -= m_minutes[i].tokens;
            if (!blocks(l, requests, tokens))
                return m_minutes[i].minuteMs + kMinuteMs + l.lengthMs();
        }
        return nowMs; // not reached: with nothing left the window does not block
    }
    // Calendar: the next period, or a later one if minutes recorded ahead of nowMs fill it.
    qint64 at = nowMs;
    for (;;) {
        at = l.periodEndMs(at);
        for (; i < m_minutes.size() && m_minutes[i].minuteMs < at; ++i) {
            requests -= m_minutes[i].requests;
            tokens -= m_minutes[i].tokens;
        }
        if (!blocks(l, requests, tokens))
            return at;
    }
}

double QuotaMeter::tightestFraction(qint64 nowMs) const
{
    double tightest = 0;
    for (qsizetype i = 0; i < m_plan.limits.size(); ++i) {
        const QuotaLimit &l = m_plan.limits.at(i);
        const Sum &s = sumAt(i, nowMs);
        tightest = std::max(
            {tightest, fraction(s.requests, l.maxRequests), fraction(s.tokens, l.maxTokens)});
    }
    return tightest;
}

qint64 QuotaMeter::remainingInTightest(qint64 nowMs) const
{
    const bool countRequests = std::any_of(m_plan.limits.begin(), m_plan.limits.end(),
                                           [](const QuotaLimit &l) { return l.maxRequests > 0; });
    qint64 smallest = -1;
    for (qsizetype i = 0; i < m_plan.limits.size(); ++i) {
        const QuotaLimit &l = m_plan.limits.at(i);
        const Sum &s = sumAt(i, nowMs);
        if (blocks(l, s.requests, s.tokens))
            return 0; // blocked by either dimension: nothing more can be served now
        const qint64 limit = countRequests ? l.maxRequests : l.maxTokens;
        if (limit <= 0)
            continue;
        const qint64 used = countRequests ? s.requests : s.tokens;
        const qint64 usable = limit - reserveOf(limit) - used;
        smallest = smallest < 0 ? usable : std::min(smallest, usable);
    }
    return smallest;
}

QList<QuotaMeter::Crossing> QuotaMeter::crossings(const QList<WindowUse> &before,
                                                  const QList<WindowUse> &after)
{
    QList<Crossing> out;
    const qsizetype n = std::min(before.size(), after.size());
    for (qsizetype i = 0; i < n; ++i) {
        if (!(before.at(i).limit == after.at(i).limit))
            continue; // a different plan: nothing to compare
        for (int percent : {kWarnPercent, kFullPercent})
            if (!reached(before.at(i), percent) && reached(after.at(i), percent))
                out.append(Crossing{after.at(i).limit, percent});
    }
    return out;
}

} // namespace qp
