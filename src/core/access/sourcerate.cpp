#include "access/sourcerate.h"

#include "access/keylockout.h"

namespace qp {

qint64 SourceRateLimit::take(const QHostAddress &peer)
{
    if (m_perMinute <= 0)
        return 0;
    const qint64 now = m_clock.nowMs();
    QByteArray source = KeyLockout::sourceOf(peer);
    if (!m_windows.contains(source) && m_windows.size() >= kMaxSources) {
        for (auto it = m_windows.begin(); it != m_windows.end();)
            it = now - it->startMs >= kWindowMs ? m_windows.erase(it) : std::next(it);
        if (m_windows.size() >= kMaxSources)
            source = QByteArrayLiteral("overflow");
    }
    Window &w = m_windows[source];
    if (now - w.startMs >= kWindowMs) {
        w.startMs = now;
        w.count = 0;
    }
    if (w.count >= m_perMinute)
        return w.startMs + kWindowMs - now;
    ++w.count;
    return 0;
}

} // namespace qp
