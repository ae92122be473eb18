#include "common/lazytimer.h"

#include <QTimerEvent>
#include <chrono>

namespace qp {

namespace {
qint64 nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}
} // namespace

void LazyTimer::start(int ms)
{
    const qint64 now = nowMs();
    m_deadlineMs = now + qMax(0, ms);
    m_armed = true;
    if (m_timer.isActive() && m_fireAtMs <= m_deadlineMs)
        return; // fires first, then re-arms for the rest
    m_fireAtMs = m_deadlineMs;
    m_timer.start(qMax(0, ms), Qt::CoarseTimer, this);
}

void LazyTimer::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    if (!m_armed) {
        m_timer.stop();
        return;
    }
    const qint64 now = nowMs();
    if (now < m_deadlineMs) {
        // A later deadline was set after the timer started (or a coarse timer came early).
        m_fireAtMs = m_deadlineMs;
        m_timer.start(int(m_deadlineMs - now), Qt::CoarseTimer, this);
        return;
    }
    m_timer.stop();
    m_armed = false;
    Q_EMIT timeout();
}

} // namespace qp
