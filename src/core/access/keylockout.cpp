#include "access/keylockout.h"

namespace qp {

QByteArray KeyLockout::sourceOf(const QHostAddress &peer)
{
    bool v4 = false;
    const quint32 a = peer.toIPv4Address(&v4);
    if (v4)
        return QByteArray::number(a);
    const Q_IPV6ADDR six = peer.toIPv6Address();
    return QByteArray(reinterpret_cast<const char *>(six.c), 8); // the /64
}

qint64 KeyLockout::lockedFor(const QHostAddress &peer) const
{
    const auto it = m_sources.constFind(sourceOf(peer));
    if (it == m_sources.constEnd())
        return 0;
    return std::max<qint64>(0, it->lockedUntilMs - m_clock.nowMs());
}

void KeyLockout::recordFailure(const QHostAddress &peer)
{
    const qint64 now = m_clock.nowMs();
    const QByteArray source = sourceOf(peer);
    if (!m_sources.contains(source) && m_sources.size() >= kMaxSources) {
        auto oldest = m_sources.begin();
        for (auto it = m_sources.begin(); it != m_sources.end(); ++it)
            if (it->lastMs < oldest->lastMs && it->lockedUntilMs <= now)
                oldest = it;
        m_sources.erase(oldest);
    }
    Entry &e = m_sources[source];
    e.lastMs = now;
    if (now - e.firstMs > kWindowMs) {
        e.firstMs = now;
        e.failures = 0;
    }
    if (++e.failures >= kMaxFailures) {
        e.lockedUntilMs = now + kLockMs;
        e.failures = 0;
        e.firstMs = now;
    }
}

} // namespace qp
