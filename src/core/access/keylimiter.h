#pragma once
// The limits of each client key (docs/access-control.md, "Limits"): requests and tokens per
// minute (a sliding 60 s window), concurrent requests, and requests and tokens per UTC day.
// acquire() runs in the admission gate, before the request's body is read; the ticket it hands
// out holds one concurrency slot until it is destroyed (when the response ends or the connection
// goes, whichever path that takes). Tokens are only known when a request ends (addTokens), so a
// token limit refuses the request after the one that crossed it. State is in memory: a restart
// starts the minute and day windows afresh.

#include "access/clientkeyinfo.h"
#include "common/clock.h"

#include <QHash>
#include <deque>
#include <memory>
#include <variant>

namespace qp {

class KeyLimiter
{
public:
    explicit KeyLimiter(Clock &clock) : m_clock(clock) {}

    struct Refusal {
        QString message;
        qint64 retryAfterMs = 0;
        bool retryable = true; // false for the daily limits: a retry today cannot succeed
        // For the x-ratelimit-* and anthropic-ratelimit-* headers.
        qint64 requestLimit = 0; // 0: no request limit applies
        qint64 requestsRemaining = 0;
    };
    using Ticket = std::shared_ptr<void>;

    std::variant<Refusal, Ticket> acquire(const ClientKeyInfo &key);
    void addTokens(const QString &keyId, qint64 tokens);
    int inFlight(const QString &keyId) const;

private:
    struct State {
        std::deque<qint64> requests;                  // start times within the last minute
        std::deque<std::pair<qint64, qint64>> tokens; // (time, tokens) within the last minute
        qint64 minuteTokens = 0;
        int inFlight = 0;
        qint64 day = -1; // UTC day number of the counters below
        qint64 dayRequests = 0;
        qint64 dayTokens = 0;
    };
    State &state(const QString &keyId);
    void expire(State &s, qint64 now) const;

    Clock &m_clock;
    QHash<QString, std::shared_ptr<State>> m_states;
};

} // namespace qp
