#pragma once
// A thread with a Qt event loop whose end its owner can wait for completely, thread-local
// destructors included.
//
// Why not QThread: QThread::wait() and QThread::finished come before the OS thread has run its
// thread-local destructors (Qt creates the thread detached and never joins it). OpenSSL keeps
// per-thread state (random generators, error queue) that it frees in such a destructor, while
// its exit-time cleanup frees the same state from the main thread; a process that returns from
// main() right after QThread::wait() races the two: a leak or a double free at exit, seen under
// AddressSanitizer with the engine's HTTPS client (docs/engine-thread.md). Here the thread is a
// std::thread, adopted by Qt when its loop starts, and finished() is emitted only after join().

#include <QMutex>
#include <QObject>
#include <QString>
#include <thread>

namespace qp {

class WorkerThread : public QObject
{
    Q_OBJECT
public:
    explicit WorkerThread(QString name, QObject *parent = nullptr);
    // Quits the loop if it still runs and joins (blocking): nothing of the thread outlives this.
    ~WorkerThread() override;

    // Starts the thread and returns its QThread (for moveToThread) once its event loop exists.
    // Work posted to its objects before the loop runs is delivered when it does.
    QThread *start();
    // The thread's QThread; null before start() and after finished(). Qt deletes an adopted
    // thread's QThread when the thread ends unless objects still live on it: keep one there
    // (as the engine's anchor does) to use this pointer between quit() and finished().
    QThread *thread() const { return m_qthread; }
    // From any thread: ends the event loop (also when it has not begun yet); finished() follows.
    void quit();
    // Blocks until the thread has ended (something must make its loop quit) and joins it; no
    // finished() follows.
    void wait();

Q_SIGNALS:
    // On this object's thread, once the OS thread has ended and been joined.
    void finished();

private:
    QString m_name;
    std::thread m_thread;
    QThread *m_qthread = nullptr; // this object's thread only
    QMutex m_mutex;
    QThread *m_looping = nullptr; // guarded: set until the loop has ended (for quit())
};

} // namespace qp
