#include "access/keylimiter.h"

using namespace Qt::StringLiterals;

namespace qp {

namespace {
constexpr qint64 kMinuteMs = 60'000;
constexpr qint64 kDayMs = 86'400'000;
} // namespace

KeyLimiter::State &KeyLimiter::state(const QString &keyId)
{
    auto &slot = m_states[keyId];
    if (!slot)
        slot = std::make_shared<State>();
    return *slot;
}

void KeyLimiter::expire(State &s, qint64 now) const
{
    while (!s.requests.empty() && s.requests.front() <= now - kMinuteMs)
        s.requests.pop_front();
    while (!s.tokens.empty() && s.tokens.front().first <= now - kMinuteMs) {
        s.minuteTokens -= s.tokens.front().second;
        s.tokens.pop_front();
    }
    const qint64 day = now / kDayMs;
    if (day != s.day) {
        s.day = day;
        s.dayRequests = 0;
        s.dayTokens = 0;
    }
}

std::variant<KeyLimiter::Refusal, KeyLimiter::Ticket> KeyLimiter::acquire(const ClientKeyInfo &key)
{
    const qint64 now = m_clock.nowMs();
    State &s = state(key.id);
    expire(s, now);
    const KeyLimits &l = key.limits;
    const qint64 untilTomorrow = (s.day + 1) * kDayMs - now;
    auto refuse = [&](QString message, qint64 retryAfterMs, bool retryable) {
        Refusal r;
        r.message = std::move(message);
        r.retryAfterMs = std::max<qint64>(retryAfterMs, 1);
        r.retryable = retryable;
        if (l.requestsPerMinute > 0) {
            r.requestLimit = l.requestsPerMinute;
            r.requestsRemaining =
                std::max<qint64>(0, l.requestsPerMinute - qint64(s.requests.size()));
        }
        return r;
    };
    if (l.dailyRequests > 0 && s.dayRequests >= l.dailyRequests)
        return refuse(u"client key '%1' has used its %2 requests for today (UTC)"_s.arg(key.id).arg(
                          l.dailyRequests),
                      untilTomorrow, false);
    if (l.dailyTokens > 0 && s.dayTokens >= l.dailyTokens)
        return refuse(u"client key '%1' has used its %2 tokens for today (UTC)"_s.arg(key.id).arg(
                          l.dailyTokens),
                      untilTomorrow, false);
    if (l.requestsPerMinute > 0 && qint64(s.requests.size()) >= l.requestsPerMinute)
        return refuse(u"client key '%1' is limited to %2 requests per minute"_s.arg(key.id).arg(
                          l.requestsPerMinute),
                      s.requests.front() + kMinuteMs - now, true);
    if (l.tokensPerMinute > 0 && s.minuteTokens >= l.tokensPerMinute) {
        // Waiting until enough of the minute's tokens age out to get back under the limit.
        qint64 sum = s.minuteTokens;
        qint64 at = now;
        for (const auto &[t, n] : s.tokens) {
            sum -= n;
            at = t + kMinuteMs;
            if (sum < l.tokensPerMinute)
                break;
        }
        return refuse(u"client key '%1' is limited to %2 tokens per minute"_s.arg(key.id).arg(
                          l.tokensPerMinute),
                      at - now, true);
    }
    if (l.concurrency > 0 && s.inFlight >= l.concurrency)
        return refuse(
            u"client key '%1' is limited to %2 requests at a time"_s.arg(key.id).arg(l.concurrency),
            1000, true);
    s.requests.push_back(now);
    ++s.dayRequests;
    ++s.inFlight;
    // The slot is given back by whoever drops the last copy of the ticket, on any path; the
    // state outlives this limiter if a connection does.
    std::shared_ptr<State> held = m_states.value(key.id);
    return Ticket(held.get(), [held](void *) { --held->inFlight; });
}

void KeyLimiter::addTokens(const QString &keyId, qint64 tokens)
{
    if (keyId.isEmpty() || tokens <= 0)
        return;
    const qint64 now = m_clock.nowMs();
    State &s = state(keyId);
    expire(s, now);
    s.tokens.emplace_back(now, tokens);
    s.minuteTokens += tokens;
    s.dayTokens += tokens;
}

int KeyLimiter::inFlight(const QString &keyId) const
{
    const auto it = m_states.constFind(keyId);
    return it == m_states.constEnd() ? 0 : (*it)->inFlight;
}

} // namespace qp
