#include "common/afterpass.h"

#include <QAbstractEventDispatcher>
#include <QPointer>
#include <QThread>
#include <vector>

namespace qp {

namespace {

#ifdef Q_OS_LINUX
constexpr bool kLoopSignalsBeforeSleep = true;
#else
constexpr bool kLoopSignalsBeforeSleep = false;
#endif

struct Entry {
    QPointer<QObject> object;
    std::function<void()> fn; // empty: delete the object
};

// One queue per thread, hooked to that thread's dispatcher on first use.
struct PassQueue {
    QPointer<QAbstractEventDispatcher> hooked;
    std::vector<Entry> entries;
    bool draining = false;

    void drain()
    {
        if (draining)
            return; // an entry spun a nested loop: the outer drain picks up what it queues
        draining = true;
        // Entries queued while draining run in the same drain: the loop is about to sleep and
        // nothing would wake it for them.
        while (!entries.empty()) {
            std::vector<Entry> batch;
            batch.swap(entries);
            for (Entry &e : batch) {
                if (!e.object)
                    continue;
                if (e.fn)
                    e.fn();
                else
                    delete e.object.data();
            }
        }
        draining = false;
    }
};

thread_local PassQueue t_queue;

// Returns the queue when this thread's loop will drain it, or nullptr for the fallback.
PassQueue *queueForThisThread()
{
    if (!kLoopSignalsBeforeSleep)
        return nullptr;
    QAbstractEventDispatcher *d = QAbstractEventDispatcher::instance(QThread::currentThread());
    if (!d)
        return nullptr;
    PassQueue &q = t_queue;
    if (q.hooked != d) {
        q.hooked = d;
        const auto drain = [] { t_queue.drain(); };
        QObject::connect(d, &QAbstractEventDispatcher::aboutToBlock, d, drain);
        QObject::connect(d, &QAbstractEventDispatcher::awake, d, drain);
    }
    return &q;
}

} // namespace

void deleteAfterPass(QObject *object)
{
    if (!object)
        return;
    // Only the object's own thread may delete it.
    PassQueue *q = object->thread() == QThread::currentThread() ? queueForThisThread() : nullptr;
    if (!q) {
        object->deleteLater();
        return;
    }
    q->entries.push_back({object, {}});
}

void runAfterPass(QObject *context, std::function<void()> fn)
{
    if (!context)
        return;
    PassQueue *q = context->thread() == QThread::currentThread() ? queueForThisThread() : nullptr;
    if (!q) {
        QMetaObject::invokeMethod(context, std::move(fn), Qt::QueuedConnection);
        return;
    }
    q->entries.push_back({context, std::move(fn)});
}

} // namespace qp
