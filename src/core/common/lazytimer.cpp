#include "common/lazytimer.h"

#include "common/monotonic.h"

#include <QAbstractEventDispatcher>
#include <QBasicTimer>
#include <QPointer>
#include <QThread>
#include <QTimerEvent>
#include <queue>
#include <unordered_map>
#include <vector>

namespace qp {

// One per thread, owned by that thread's event dispatcher (so it goes when the loop goes).
class TimerHub : public QObject
{
public:
    using QObject::QObject;

    static TimerHub *forThisThread()
    {
        thread_local QPointer<TimerHub> hub;
        if (!hub) {
            QAbstractEventDispatcher *d =
                QAbstractEventDispatcher::instance(QThread::currentThread());
            if (!d)
                return nullptr;
            hub = new TimerHub(d);
        }
        return hub;
    }
    quint64 add(LazyTimer *t)
    {
        const quint64 id = ++m_nextId;
        m_timers.emplace(id, t);
        return id;
    }
    void remove(quint64 id) { m_timers.erase(id); }

    void schedule(qint64 at, quint64 id)
    {
        m_heap.push({at, id});
        if (m_timer.isActive() && m_firesAt <= at)
            return;
        rearm(monotonicNs());
    }

protected:
    void timerEvent(QTimerEvent *event) override
    {
        if (event->timerId() != m_timer.timerId()) {
            QObject::timerEvent(event);
            return;
        }
        m_timer.stop();
        const qint64 now = monotonicNs();
        // A slot may start or stop other timers (pushing entries) or delete them (removing
        // them from the map): look each one up as it comes.
        while (!m_heap.empty() && m_heap.top().at <= now) {
            const Entry e = m_heap.top();
            m_heap.pop();
            const auto it = m_timers.find(e.id);
            if (it != m_timers.end())
                it->second->due(e.at, now);
        }
        rearm(monotonicNs());
    }

private:
    struct Entry {
        qint64 at;
        quint64 id;
        bool operator>(const Entry &o) const { return at > o.at; }
    };
    void rearm(qint64 now)
    {
        if (m_heap.empty()) {
            m_timer.stop();
            return;
        }
        m_firesAt = m_heap.top().at;
        const qint64 waitMs = (m_firesAt - now + kNsPerMs - 1) / kNsPerMs; // rounded up
        m_timer.start(int(qBound(qint64(0), waitMs, qint64(24 * 3600 * 1000))), Qt::CoarseTimer,
                      this);
    }

    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> m_heap;
    std::unordered_map<quint64, LazyTimer *> m_timers;
    QBasicTimer m_timer;
    qint64 m_firesAt = 0;
    quint64 m_nextId = 0;
};

LazyTimer::~LazyTimer()
{
    if (m_id)
        if (TimerHub *hub = TimerHub::forThisThread())
            hub->remove(m_id);
}

void LazyTimer::start(int ms)
{
    const qint64 now = monotonicNs();
    m_deadlineNs = now + qMax(0, ms) * kNsPerMs;
    m_armed = true;
    if (m_queued && m_queuedAtNs <= m_deadlineNs)
        return; // that entry comes first and re-queues for the rest
    TimerHub *hub = TimerHub::forThisThread();
    if (!hub)
        return; // no event loop in this thread: like a QTimer, it cannot fire
    if (!m_id)
        m_id = hub->add(this);
    m_queued = true;
    m_queuedAtNs = m_deadlineNs;
    hub->schedule(m_deadlineNs, m_id);
}

void LazyTimer::due(qint64 entryAt, qint64 now)
{
    if (!m_queued || entryAt != m_queuedAtNs)
        return; // a superseded entry
    m_queued = false;
    if (!m_armed)
        return;
    if (now < m_deadlineNs) {
        // Re-armed for later since this entry was queued.
        m_queued = true;
        m_queuedAtNs = m_deadlineNs;
        TimerHub::forThisThread()->schedule(m_deadlineNs, m_id);
        return;
    }
    m_armed = false;
    Q_EMIT timeout();
}

} // namespace qp
