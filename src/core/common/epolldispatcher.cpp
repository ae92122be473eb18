#include "common/epolldispatcher.h"

#include <QAbstractEventDispatcher>
#include <QMetaObject>

#if defined(__linux__)

#include "common/monotonic.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QThread>
#include <QTimerEvent>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <poll.h>
#include <set>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace qp {

namespace {

Q_LOGGING_CATEGORY(lcDispatcher, "qp.dispatcher")

// Behaves as QEventDispatcherUNIX does where Qt's code or ours depends on it:
// - a pass sends posted events, waits, then activates ready notifiers, then due timers;
// - awake() starts every pass, aboutToBlock() comes before a pass may wait;
// - notifiers are level-triggered (a socket still readable fires again on the next pass);
// - a timer never fires inside its own slot (a nested loop there does not re-enter it), and
//   one that fell behind skips the missed shots rather than firing them back to back.
class EpollDispatcher final : public QAbstractEventDispatcher
{
public:
    // Qt 6.8 adds non-virtual overloads of these (Qt::TimerId, chrono): keep them visible.
    using QAbstractEventDispatcher::registerTimer;
    using QAbstractEventDispatcher::remainingTime;
    using QAbstractEventDispatcher::unregisterTimer;

    EpollDispatcher()
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        m_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (m_epoll >= 0 && m_wake >= 0) {
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.fd = m_wake;
            if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev) == 0)
                return;
        }
        qCWarning(lcDispatcher, "epoll unavailable (%s)", strerror(errno));
    }
    ~EpollDispatcher() override
    {
        if (m_epoll >= 0)
            ::close(m_epoll);
        if (m_wake >= 0)
            ::close(m_wake);
    }
    bool valid() const { return m_epoll >= 0 && m_wake >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override
    {
        m_interrupted.store(false, std::memory_order_relaxed);
        Q_EMIT awake();
        QCoreApplication::sendPostedEvents();

        const bool mayWait = flags.testFlag(QEventLoop::WaitForMoreEvents);
        const bool withNotifiers = !flags.testFlag(QEventLoop::ExcludeSocketNotifiers);
        const bool withTimers = !flags.testFlag(QEventLoop::X11ExcludeTimers);
        if (mayWait)
            Q_EMIT aboutToBlock();
        if (m_interrupted.load(std::memory_order_relaxed))
            return false;

        int timeoutMs = 0;
        if (mayWait && !std::exchange(m_selfWoken, false))
            timeoutMs = withTimers ? msUntilNextTimer() : -1;
        if (!m_alwaysReady.empty() && withNotifiers)
            timeoutMs = 0;

        int handled = withNotifiers ? waitForNotifiers(timeoutMs) : waitForWakeOnly(timeoutMs);
        if (withNotifiers)
            handled += activatePending();
        if (withTimers)
            handled += activateTimers();
        return handled > 0;
    }

    void registerSocketNotifier(QSocketNotifier *notifier) override
    {
        const int type = int(notifier->type());
        if (notifier->socket() < 0 || type < 0 || type > 2)
            return;
        FdEntry &e = m_fds[int(notifier->socket())];
        e.notifiers[type] = notifier;
        markChanged(int(notifier->socket()), e);
    }

    void unregisterSocketNotifier(QSocketNotifier *notifier) override
    {
        forget(m_pending, notifier);
        for (std::vector<QSocketNotifier *> *batch : m_batches)
            forget(*batch, notifier);
        const auto it = m_fds.find(int(notifier->socket()));
        const int type = int(notifier->type());
        if (it == m_fds.end() || type < 0 || type > 2 || it->second.notifiers[type] != notifier)
            return;
        it->second.notifiers[type] = nullptr;
        if (!it->second.any())
            it->second.emptied = true; // the descriptor may be closed and reused before we apply
        markChanged(it->first, it->second);
    }

    void registerTimer(int timerId, qint64 interval, Qt::TimerType type, QObject *object) override
    {
        Timer t;
        t.object = object;
        t.intervalMs = std::max<qint64>(interval, 0);
        t.type = type;
        t.dueNs = monotonicNs() + t.intervalMs * kNsPerMs;
        unregisterTimer(timerId);
        m_timers.emplace(timerId, t);
        m_due.insert({t.dueNs, timerId});
    }

    bool unregisterTimer(int timerId) override
    {
        const auto it = m_timers.find(timerId);
        if (it == m_timers.end())
            return false;
        m_due.erase({it->second.dueNs, timerId});
        m_timers.erase(it);
        return true;
    }

    bool unregisterTimers(QObject *object) override
    {
        bool any = false;
        for (auto it = m_timers.begin(); it != m_timers.end();) {
            if (it->second.object == object) {
                m_due.erase({it->second.dueNs, it->first});
                it = m_timers.erase(it);
                any = true;
            } else {
                ++it;
            }
        }
        return any;
    }

    QList<TimerInfo> registeredTimers(QObject *object) const override
    {
        QList<TimerInfo> list;
        for (const auto &[id, t] : m_timers)
            if (t.object == object)
                list.append(TimerInfo(id, int(t.intervalMs), t.type));
        return list;
    }

    int remainingTime(int timerId) override
    {
        const auto it = m_timers.find(timerId);
        if (it == m_timers.end())
            return -1;
        const qint64 left = it->second.dueNs - monotonicNs();
        return left <= 0 ? 0 : int((left + kNsPerMs - 1) / kNsPerMs);
    }

    void wakeUp() override
    {
        // From the loop's own thread the next pass is not going to wait anyway: remember that
        // instead of a write and a read on the eventfd (deleteLater() and queued calls to
        // objects of this thread wake the loop, several times per request).
        if (QThread::currentThread() == thread()) {
            m_selfWoken = true;
            return;
        }
        if (!m_wakePending.exchange(true, std::memory_order_acq_rel)) {
            const quint64 one = 1;
            [[maybe_unused]] const auto n = ::write(m_wake, &one, sizeof one);
        }
    }

    void interrupt() override
    {
        m_interrupted.store(true, std::memory_order_relaxed);
        wakeUp();
    }

private:
    struct FdEntry {
        QSocketNotifier *notifiers[3] = {}; // QSocketNotifier::Read, Write, Exception
        uint32_t registered = 0;            // the events the kernel has for this descriptor
        bool changed = false;               // on m_changed
        bool emptied = false;               // lost all notifiers since the last apply
        bool alwaysReady = false;           // a regular file: epoll refuses it, poll() says ready
        bool any() const { return notifiers[0] || notifiers[1] || notifiers[2]; }
        uint32_t wanted() const
        {
            return (notifiers[QSocketNotifier::Read] ? uint32_t(EPOLLIN) : 0) |
                   (notifiers[QSocketNotifier::Write] ? uint32_t(EPOLLOUT) : 0) |
                   (notifiers[QSocketNotifier::Exception] ? uint32_t(EPOLLPRI) : 0);
        }
    };
    struct Timer {
        QObject *object = nullptr;
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        qint64 dueNs = 0;
        bool firing = false;
    };

    static void forget(std::vector<QSocketNotifier *> &list, const QSocketNotifier *notifier)
    {
        for (QSocketNotifier *&p : list)
            if (p == notifier)
                p = nullptr;
    }

    void markChanged(int fd, FdEntry &e)
    {
        if (e.changed)
            return;
        e.changed = true;
        m_changed.push_back(fd);
    }

    // Interest changes wait until the loop is about to wait: Qt's sockets enable their write
    // notifier for every write and disable it once flushed, usually in the same pass, and
    // that pair then costs no system call at all.
    void applyChanges()
    {
        for (const int fd : m_changed) {
            const auto it = m_fds.find(fd);
            if (it == m_fds.end())
                continue;
            FdEntry &e = it->second;
            e.changed = false;
            const uint32_t want = e.wanted();
            const bool emptied = std::exchange(e.emptied, false);
            if (want == 0) {
                if (e.registered)
                    epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); // fails harmlessly if closed
                setAlwaysReady(fd, e, false);
                m_fds.erase(it);
                continue;
            }
            if (want == e.registered && !emptied)
                continue;
            epoll_event ev{};
            ev.events = want;
            ev.data.fd = fd;
            // A descriptor that lost its notifiers may have been closed and reused since: the
            // kernel forgot the old one, so try ADD first, and MOD only if it is still known.
            int rc;
            if (e.registered && !emptied) {
                rc = epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
                if (rc != 0 && errno == ENOENT)
                    rc = epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
            } else {
                rc = epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
                if (rc != 0 && errno == EEXIST)
                    rc = epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
            }
            if (rc == 0) {
                e.registered = want;
                setAlwaysReady(fd, e, false);
            } else if (errno == EPERM) {
                // A regular file or directory: poll() reports it always ready, and so do we.
                e.registered = 0;
                setAlwaysReady(fd, e, true);
            } else {
                e.registered = 0;
                qCWarning(lcDispatcher, "cannot watch descriptor %d: %s", fd, strerror(errno));
            }
        }
        m_changed.clear();
    }

    void setAlwaysReady(int fd, FdEntry &e, bool on)
    {
        if (e.alwaysReady == on)
            return;
        e.alwaysReady = on;
        if (on)
            m_alwaysReady.insert(fd);
        else
            m_alwaysReady.erase(fd);
    }

    int msUntilNextTimer() const
    {
        if (m_due.empty())
            return -1;
        const qint64 left = m_due.begin()->first - monotonicNs();
        if (left <= 0)
            return 0;
        // Rounded up: waking before the timer is due would only cost a pass that fires nothing.
        return int(std::min<qint64>((left + kNsPerMs - 1) / kNsPerMs, INT_MAX));
    }

    void drainWake()
    {
        m_wakePending.store(false, std::memory_order_release);
        quint64 count = 0;
        [[maybe_unused]] const auto n = ::read(m_wake, &count, sizeof count);
    }

    int waitForNotifiers(int timeoutMs)
    {
        applyChanges();
        epoll_event events[256];
        const int n = epoll_wait(m_epoll, events, int(std::size(events)), timeoutMs);
        int handled = 0;
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            if (fd == m_wake) {
                drainWake();
                ++handled;
                continue;
            }
            const auto it = m_fds.find(fd);
            if (it == m_fds.end())
                continue;
            const uint32_t got = events[i].events;
            QSocketNotifier *const *n3 = it->second.notifiers;
            // As Qt's dispatcher reads poll(): an error or hang-up wakes the reader (whose read
            // then sees it) and the writer.
            if (n3[QSocketNotifier::Read] && (got & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                m_pending.push_back(n3[QSocketNotifier::Read]);
            if (n3[QSocketNotifier::Write] && (got & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
                m_pending.push_back(n3[QSocketNotifier::Write]);
            if (n3[QSocketNotifier::Exception] && (got & (EPOLLPRI | EPOLLHUP | EPOLLERR)))
                m_pending.push_back(n3[QSocketNotifier::Exception]);
        }
        for (const int fd : m_alwaysReady) {
            const auto it = m_fds.find(fd);
            if (it == m_fds.end())
                continue;
            for (QSocketNotifier *sn : it->second.notifiers)
                if (sn)
                    m_pending.push_back(sn);
        }
        return handled;
    }

    int waitForWakeOnly(int timeoutMs)
    {
        pollfd p{m_wake, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) > 0) {
            drainWake();
            return 1;
        }
        return 0;
    }

    int activatePending()
    {
        int handled = 0;
        // A slot may delete or disable notifiers still in the batch (unregistering nulls them
        // there) and may run a nested loop that activates a batch of its own.
        std::vector<QSocketNotifier *> batch;
        batch.swap(m_pending);
        if (m_batches.empty())
            m_pending.swap(m_spare); // reuse the last batch's capacity
        m_batches.push_back(&batch);
        for (size_t i = 0; i < batch.size(); ++i) {
            QSocketNotifier *sn = std::exchange(batch[i], nullptr);
            if (!sn)
                continue;
            QEvent event(QEvent::SockAct);
            QCoreApplication::sendEvent(sn, &event);
            ++handled;
        }
        m_batches.pop_back();
        if (m_batches.empty()) {
            batch.clear();
            m_spare.swap(batch);
        }
        return handled;
    }

    int activateTimers()
    {
        if (m_due.empty())
            return 0;
        const qint64 now = monotonicNs();
        if (m_due.begin()->first > now)
            return 0;
        // Only timers due now, each at most once: a zero-interval timer re-armed by its own
        // shot waits for the next pass.
        std::vector<int> due;
        for (auto it = m_due.begin(); it != m_due.end() && it->first <= now; ++it)
            due.push_back(it->second);
        int handled = 0;
        for (const int id : due) {
            auto it = m_timers.find(id);
            if (it == m_timers.end() || it->second.dueNs > now)
                continue; // killed, or restarted by an earlier slot of this pass
            Timer &t = it->second;
            m_due.erase({t.dueNs, id});
            qint64 next = t.dueNs + t.intervalMs * kNsPerMs;
            if (next <= now)
                next = now + t.intervalMs * kNsPerMs; // skip missed shots
            t.dueNs = next;
            m_due.insert({next, id});
            if (t.firing)
                continue; // its slot runs a nested loop: no re-entry
            t.firing = true;
            QObject *target = t.object;
            QTimerEvent event(id);
            QCoreApplication::sendEvent(target, &event);
            ++handled;
            it = m_timers.find(id); // the slot may have killed or re-registered it
            if (it != m_timers.end())
                it->second.firing = false;
        }
        return handled;
    }

    int m_epoll = -1;
    int m_wake = -1;
    std::atomic<bool> m_wakePending{false};
    std::atomic<bool> m_interrupted{false};
    bool m_selfWoken = false;
    std::unordered_map<int, FdEntry> m_fds;
    std::vector<int> m_changed;
    std::set<int> m_alwaysReady;
    std::vector<QSocketNotifier *> m_pending;
    std::vector<QSocketNotifier *> m_spare;
    std::vector<std::vector<QSocketNotifier *> *> m_batches; // being activated, innermost last
    std::unordered_map<int, Timer> m_timers;
    std::set<std::pair<qint64, int>> m_due;
};

} // namespace

QAbstractEventDispatcher *createWorkerDispatcher()
{
    if (qgetenv("QP_EVENT_DISPATCHER") == "qt")
        return nullptr;
    auto *d = new EpollDispatcher;
    if (d->valid())
        return d;
    delete d;
    return nullptr;
}

QByteArray dispatcherName(const QAbstractEventDispatcher *dispatcher)
{
    if (!dispatcher)
        return {};
    if (dynamic_cast<const EpollDispatcher *>(dispatcher))
        return QByteArrayLiteral("epoll");
    return dispatcher->metaObject()->className();
}

} // namespace qp

#else // not Linux: Qt's own dispatcher

namespace qp {

QAbstractEventDispatcher *createWorkerDispatcher()
{
    return nullptr;
}

QByteArray dispatcherName(const QAbstractEventDispatcher *dispatcher)
{
    return dispatcher ? QByteArray(dispatcher->metaObject()->className()) : QByteArray();
}

} // namespace qp

#endif
