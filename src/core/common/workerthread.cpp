#include "common/workerthread.h"

#include "common/epolldispatcher.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QEventLoop>
#include <QThread>
#include <future>

namespace qp {

WorkerThread::WorkerThread(QString name, QObject *parent) : QObject(parent), m_name(std::move(name))
{}

WorkerThread::~WorkerThread()
{
    quit();
    wait();
}

QThread *WorkerThread::start()
{
    if (m_thread.joinable())
        return m_qthread;
    std::promise<QThread *> ready;
    auto adopted = ready.get_future();
    m_thread = std::thread([this, &ready] {
        QThread *self = QThread::currentThread(); // Qt adopts this thread here
        self->setObjectName(m_name);
        // Before the loop makes Qt's default one (docs/engine-thread.md, "The dispatcher").
        if (QAbstractEventDispatcher *d = createWorkerDispatcher())
            self->setEventDispatcher(d);
        {
            QEventLoop loop; // makes the thread's event dispatcher
            {
                QMutexLocker lock(&m_mutex);
                m_looping = self;
            }
            ready.set_value(self);
            loop.exec();
            // What QThread does after run(): objects deleteLater()'d by the last events go now.
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            QMutexLocker lock(&m_mutex);
            m_looping = nullptr;
        }
        // Told once the thread is past its last event; the join in the slot waits only for
        // the thread-local destructors. Dropped if this object is gone (its destructor joined).
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (!m_thread.joinable())
                    return;
                m_thread.join();
                m_qthread = nullptr;
                Q_EMIT finished();
            },
            Qt::QueuedConnection);
    });
    m_qthread = adopted.get(); // brief: until the thread has made its event loop
    return m_qthread;
}

void WorkerThread::wait()
{
    if (!m_thread.joinable())
        return;
    m_thread.join();
    m_qthread = nullptr;
}

void WorkerThread::quit()
{
    // QThread::quit() before the loop runs makes exec() return at once (Qt's quitNow flag).
    QMutexLocker lock(&m_mutex);
    if (m_looping)
        m_looping->quit();
}

} // namespace qp
