#pragma once
// Requests without a valid client key from one untrusted source (an IPv4 address or an IPv6
// /64), counted per minute: beyond the limit they get 429 before any work (docs/access-control.md,
// "Floods"). Keyed and trusted (loopback) traffic is never limited by address: many users can sit
// behind one NAT, and the user's own tools must never be throttled. Memory is bounded: at
// kMaxSources the windows that have ended are dropped, and if none has, the new source is counted
// against a shared overflow window.

#include "common/clock.h"

#include <QHash>
#include <QHostAddress>

namespace qp {

class SourceRateLimit
{
public:
    static constexpr int kMaxSources = 10'000;
    static constexpr qint64 kWindowMs = 60'000;

    SourceRateLimit(Clock &clock, int perMinute) : m_clock(clock), m_perMinute(perMinute) {}

    // Counts one request; returns 0 when it may go on, else the milliseconds until it may.
    qint64 take(const QHostAddress &peer);
    int sourceCount() const { return int(m_windows.size()); }

private:
    struct Window {
        qint64 startMs = 0;
        int count = 0;
    };
    Clock &m_clock;
    int m_perMinute;
    QHash<QByteArray, Window> m_windows;
};

} // namespace qp
