#pragma once
// Repeated failed keys from one source lock that source out for a while, so a LAN peer cannot
// guess keys at line rate (docs/access-control.md). Never applied to trusted peers (loopback, or
// a configured trusted network): the user's own tools must never lock the user out. A source is
// an IPv4 address or an IPv6 /64, the block one host usually holds. Memory is bounded: beyond
// kMaxSources the source that failed longest ago is forgotten.

#include "common/clock.h"

#include <QHash>
#include <QHostAddress>

namespace qp {

class KeyLockout
{
public:
    static constexpr int kMaxFailures = 10;          // within kWindowMs
    static constexpr qint64 kWindowMs = 10 * 60'000; // ten minutes
    static constexpr qint64 kLockMs = 15 * 60'000;   // then locked this long
    static constexpr int kMaxSources = 10'000;

    explicit KeyLockout(Clock &clock) : m_clock(clock) {}

    // Milliseconds left of the source's lockout; 0 when it is not locked out.
    qint64 lockedFor(const QHostAddress &peer) const;
    void recordFailure(const QHostAddress &peer);

    static QByteArray sourceOf(const QHostAddress &peer);
    int sourceCount() const { return int(m_sources.size()); }

private:
    struct Entry {
        qint64 firstMs = 0; // start of the current window
        int failures = 0;
        qint64 lockedUntilMs = 0;
        qint64 lastMs = 0;
    };
    Clock &m_clock;
    QHash<QByteArray, Entry> m_sources;
};

} // namespace qp
