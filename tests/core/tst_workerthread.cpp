// WorkerThread: an event-loop thread whose end is complete when its owner hears of it. The point
// is the thread-local destructors (OpenSSL frees its per-thread state in one): QThread reports
// finished before they run, which raced with exit-time cleanup in the engine.
#include "common/workerthread.h"

#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <atomic>

using namespace qp;

namespace {

std::atomic<bool> g_ownerHeardFinished{false};
std::atomic<bool> g_destructorRan{false};

// A per-thread object like OpenSSL's: its destructor runs as the OS thread ends. It gives the
// owner a head start (bounded, so a correct join only costs this long) to hear finished() early:
// with QThread's semantics it would, and the test below would see the destructor still pending.
struct PerThreadState {
    ~PerThreadState()
    {
        QDeadlineTimer patience(300);
        while (!g_ownerHeardFinished.load() && !patience.hasExpired())
            QThread::yieldCurrentThread();
        g_destructorRan = true;
    }
};

void touchPerThreadState()
{
    thread_local PerThreadState state;
    (void)state;
}

} // namespace

class TestWorkerThread : public QObject
{
    Q_OBJECT
private slots:
    void finishedComesAfterThreadLocalDestructors()
    {
        g_ownerHeardFinished = false;
        g_destructorRan = false;
        WorkerThread worker(QStringLiteral("test-worker"));
        QObject anchor;
        anchor.moveToThread(worker.start());
        QCOMPARE(worker.thread()->objectName(), QStringLiteral("test-worker"));
        bool destructorHadRun = false;
        connect(&worker, &WorkerThread::finished, this, [&] {
            destructorHadRun = g_destructorRan.load();
            g_ownerHeardFinished = true;
        });
        QSignalSpy finished(&worker, &WorkerThread::finished);
        QMetaObject::invokeMethod(
            &anchor,
            [] {
                touchPerThreadState();
                QThread::currentThread()->quit();
            },
            Qt::QueuedConnection);
        QVERIFY(finished.wait(5000));
        QVERIFY(destructorHadRun);
        QVERIFY(!worker.thread());
    }

    void runsQueuedWorkOnItsOwnThread()
    {
        WorkerThread worker(QStringLiteral("test-worker"));
        QObject anchor;
        QThread *thread = worker.start();
        QVERIFY(thread != QThread::currentThread());
        anchor.moveToThread(thread);
        std::atomic<QThread *> ranOn{nullptr};
        QMetaObject::invokeMethod(
            &anchor, [&] { ranOn = QThread::currentThread(); }, Qt::QueuedConnection);
        QTRY_VERIFY(ranOn.load() != nullptr);
        QCOMPARE(ranOn.load(), thread);
        QSignalSpy finished(&worker, &WorkerThread::finished);
        worker.quit();
        QVERIFY(finished.wait(5000));
    }

    void quitBeforeTheLoopRunsStillFinishes()
    {
        WorkerThread worker(QStringLiteral("test-worker"));
        QSignalSpy finished(&worker, &WorkerThread::finished);
        worker.start();
        worker.quit();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.count(), 1);
    }

    void lastDeleteLaterIsHonoured()
    {
        WorkerThread worker(QStringLiteral("test-worker"));
        auto *doomed = new QObject;
        bool destroyed = false;
        connect(
            doomed, &QObject::destroyed, doomed, [&] { destroyed = true; }, Qt::DirectConnection);
        doomed->moveToThread(worker.start());
        QMetaObject::invokeMethod(
            doomed,
            [doomed] {
                doomed->deleteLater(); // after the loop has been told to end
                QThread::currentThread()->quit();
            },
            Qt::QueuedConnection);
        QSignalSpy finished(&worker, &WorkerThread::finished);
        QVERIFY(finished.wait(5000));
        QVERIFY(destroyed);
    }

    void destroyingARunningWorkerJoinsIt()
    {
        g_ownerHeardFinished = true; // nobody listens: the destructor must not wait for it
        g_destructorRan = false;
        {
            QObject anchor; // outlives the thread: deleting it after the join is allowed
            WorkerThread worker(QStringLiteral("test-worker"));
            anchor.moveToThread(worker.start());
            std::atomic<bool> touched{false};
            QMetaObject::invokeMethod(
                &anchor,
                [&] {
                    touchPerThreadState();
                    touched = true;
                },
                Qt::QueuedConnection);
            QTRY_VERIFY(touched.load());
            // The worker goes first: it quits and joins.
        }
        QVERIFY(g_destructorRan.load());
    }
};

QTEST_GUILESS_MAIN(TestWorkerThread)
#include "tst_workerthread.moc"
