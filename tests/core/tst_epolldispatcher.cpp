// The engine thread's epoll dispatcher (src/core/common/epolldispatcher.h). This test installs it
// as the main thread's dispatcher before the application exists, so every wait below (QTest's,
// QSignalSpy's, nested QEventLoops) runs on it. It checks what Qt's code and ours rely on:
// timers, posted events, wake-ups from other threads, socket notifiers and their descriptors
// being closed and reused within one pass, and many sockets moving data at once.
#include "common/epolldispatcher.h"
#include "common/workerthread.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QPointer>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTest>
#include <QTimer>
#include <memory>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace qp;

namespace {

struct SocketPair {
    int fd[2] = {-1, -1};
    SocketPair() { QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) == 0); }
    ~SocketPair()
    {
        for (int f : fd)
            if (f >= 0)
                ::close(f);
    }
    void closeEnd(int i)
    {
        ::close(fd[i]);
        fd[i] = -1;
    }
};

void writeByte(int fd)
{
    const char c = 'x';
    QCOMPARE(::write(fd, &c, 1), ssize_t(1));
}

char readByte(int fd)
{
    char c = 0;
    return ::read(fd, &c, 1) == 1 ? c : 0;
}

} // namespace

class TestEpollDispatcher : public QObject
{
    Q_OBJECT
private slots:
    void isInstalled()
    {
#if defined(Q_OS_LINUX)
        QCOMPARE(dispatcherName(QAbstractEventDispatcher::instance()), QByteArray("epoll"));
#else
        QSKIP("epoll is Linux only");
#endif
    }

    void singleShotFiresOnceAndNotEarly()
    {
        int fired = 0;
        QElapsedTimer clock;
        clock.start();
        qint64 firedAfter = -1;
        QTimer::singleShot(40, Qt::PreciseTimer, this, [&] {
            ++fired;
            firedAfter = clock.elapsed();
        });
        QTRY_COMPARE(fired, 1);
        QVERIFY2(firedAfter >= 40, qPrintable(QString::number(firedAfter)));
        QTest::qWait(60);
        QCOMPARE(fired, 1);
    }

    void repeatingTimerKeepsFiringAndStops()
    {
        QTimer timer;
        timer.setInterval(5);
        int fired = 0;
        connect(&timer, &QTimer::timeout, this, [&] {
            if (++fired == 5)
                timer.stop();
        });
        timer.start();
        QTRY_COMPARE(fired, 5);
        QVERIFY(!timer.isActive());
        QTest::qWait(30);
        QCOMPARE(fired, 5);
    }

    void remainingTimeAndRegisteredTimers()
    {
        QTimer timer;
        timer.start(10000);
        const int left = timer.remainingTime();
        QVERIFY2(left > 9000 && left <= 10000, qPrintable(QString::number(left)));
        const auto list = QAbstractEventDispatcher::instance()->registeredTimers(&timer);
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.first().interval, 10000);
        timer.stop();
        QCOMPARE(timer.remainingTime(), -1);
        QVERIFY(QAbstractEventDispatcher::instance()->registeredTimers(&timer).isEmpty());
    }

    // QObject's destructor drops its timers through unregisterTimers().
    void deletingAnObjectDropsItsTimers()
    {
        auto *timer = new QTimer;
        int fired = 0;
        connect(timer, &QTimer::timeout, this, [&] { ++fired; });
        timer->start(1);
        QTRY_VERIFY(fired > 0);
        delete timer;
        const int seen = fired;
        QTest::qWait(20);
        QCOMPARE(fired, seen);
    }

    // A zero-interval timer fires once per pass: it must not starve posted events or itself.
    void zeroTimerDoesNotStarveTheLoop()
    {
        QTimer busy;
        busy.setInterval(0);
        int spins = 0;
        connect(&busy, &QTimer::timeout, this, [&] { ++spins; });
        busy.start();
        bool posted = false;
        QMetaObject::invokeMethod(
            this, [&] { posted = true; }, Qt::QueuedConnection);
        QTRY_VERIFY(posted && spins > 10);
    }

    // Qt's rule: a timer whose slot runs a nested loop does not fire again inside it.
    void aTimerDoesNotReenterItsOwnSlot()
    {
        QTimer timer;
        timer.setInterval(2);
        int depth = 0, maxDepth = 0, fired = 0;
        connect(&timer, &QTimer::timeout, this, [&] {
            ++fired;
            maxDepth = std::max(maxDepth, ++depth);
            if (fired == 1) {
                QEventLoop nested;
                QTimer::singleShot(40, &nested, &QEventLoop::quit);
                nested.exec();
            }
            --depth;
        });
        timer.start();
        QTRY_VERIFY(fired >= 3);
        QCOMPARE(maxDepth, 1);
    }

    void killingAndRestartingFromItsOwnSlot()
    {
        QTimer a, b;
        int aFired = 0, bFired = 0;
        a.setInterval(1);
        connect(&a, &QTimer::timeout, this, [&] {
            ++aFired;
            a.stop();
            b.start(1);
        });
        connect(&b, &QTimer::timeout, this, [&] {
            ++bFired;
            b.stop();
        });
        a.start();
        QTRY_COMPARE(bFired, 1);
        QCOMPARE(aFired, 1);
    }

    // The loop sleeps with no timer at all; a post from another thread must wake it.
    void anotherThreadWakesAnIdleLoop()
    {
        QEventLoop loop;
        bool ran = false;
        QElapsedTimer clock;
        clock.start();
        std::thread poster([&] {
            QMetaObject::invokeMethod(
                &loop,
                [&] {
                    ran = true;
                    loop.quit();
                },
                Qt::QueuedConnection);
        });
        QTimer failsafe;
        failsafe.setSingleShot(true);
        connect(&failsafe, &QTimer::timeout, &loop, &QEventLoop::quit);
        failsafe.start(5000);
        loop.exec();
        poster.join();
        QVERIFY(ran);
        QVERIFY2(clock.elapsed() < 4000, qPrintable(QString::number(clock.elapsed())));
    }

    void manyPostsFromManyThreadsAllArrive()
    {
        int received = 0;
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 500; ++i) {
                    QMetaObject::invokeMethod(
                        this, [&] { ++received; }, Qt::QueuedConnection);
                }
            });
        for (auto &t : threads)
            t.join();
        QTRY_COMPARE(received, 2000);
    }

    void deleteLaterRuns()
    {
        QPointer<QObject> o = new QObject;
        o->deleteLater();
        QTRY_VERIFY(o.isNull());
    }

    void readNotifierFiresWhileDataWaits()
    {
        SocketPair p;
        QSocketNotifier n(p.fd[0], QSocketNotifier::Read);
        int fired = 0;
        connect(&n, &QSocketNotifier::activated, this, [&] {
            ++fired;
            if (fired == 2)
                readByte(p.fd[0]); // level-triggered: fires until the byte is read
        });
        writeByte(p.fd[1]);
        QTRY_VERIFY(fired >= 2);
        const int seen = fired;
        QTest::qWait(20);
        QCOMPARE(fired, seen);
    }

    void disabledNotifierStaysQuietUntilEnabled()
    {
        SocketPair p;
        QSocketNotifier n(p.fd[0], QSocketNotifier::Read);
        int fired = 0;
        connect(&n, &QSocketNotifier::activated, this, [&] {
            ++fired;
            readByte(p.fd[0]);
        });
        n.setEnabled(false);
        writeByte(p.fd[1]);
        QTest::qWait(30);
        QCOMPARE(fired, 0);
        n.setEnabled(true);
        QTRY_COMPARE(fired, 1);
    }

    void writeNotifierAndHangUp()
    {
        SocketPair p;
        QSocketNotifier w(p.fd[0], QSocketNotifier::Write);
        QSignalSpy writable(&w, &QSocketNotifier::activated);
        QVERIFY(writable.wait(2000));
        w.setEnabled(false);

        QSocketNotifier r(p.fd[0], QSocketNotifier::Read);
        bool sawEof = false;
        connect(&r, &QSocketNotifier::activated, this, [&] {
            char c;
            if (::read(p.fd[0], &c, 1) == 0) {
                sawEof = true;
                r.setEnabled(false);
            }
        });
        p.closeEnd(1);
        QTRY_VERIFY(sawEof);
    }

    // A descriptor closed and reused within one pass: the kernel forgot the old file, and the
    // new notifier on the same number must still be watched.
    void aDescriptorReusedInOnePassIsWatched()
    {
        auto first = std::make_unique<SocketPair>();
        const int reused = first->fd[0];
        auto *old = new QSocketNotifier(reused, QSocketNotifier::Read);
        QTest::qWait(5); // the old descriptor is now registered with the kernel
        delete old;
        first->closeEnd(0);
        SocketPair second; // takes the lowest free numbers: the one just closed
        const int end = second.fd[0] == reused ? 0 : second.fd[1] == reused ? 1 : -1;
        if (end < 0)
            QSKIP("the descriptor number was not reused");
        QSocketNotifier n(reused, QSocketNotifier::Read);
        bool fired = false;
        connect(&n, &QSocketNotifier::activated, this, [&] {
            fired = true;
            readByte(reused);
        });
        writeByte(second.fd[1 - end]);
        QTRY_VERIFY(fired);
    }

    // poll() reports a regular file always ready, and epoll refuses it: still reported ready.
    void aRegularFileIsAlwaysReady()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        QSocketNotifier n(file.handle(), QSocketNotifier::Read);
        int fired = 0;
        connect(&n, &QSocketNotifier::activated, this, [&] {
            if (++fired == 3)
                n.setEnabled(false);
        });
        QTRY_COMPARE(fired, 3);
    }

    // Qt's sockets at volume: 40 clients each echo 256 KiB through a server, which needs write
    // notifiers turned on and off as the kernel's buffers fill and drain.
    void manyTcpSocketsEchoEverything()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        connect(&server, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *s = server.nextPendingConnection()) {
                s->setParent(&server);
                connect(s, &QTcpSocket::readyRead, s, [s] { s->write(s->readAll()); });
            }
        });
        constexpr int kClients = 40;
        constexpr qint64 kBytes = 256 * 1024;
        QByteArray payload(kBytes, '\0');
        for (qint64 i = 0; i < kBytes; ++i)
            payload[i] = char('a' + i % 26);
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        std::vector<QByteArray> got(kClients);
        int done = 0;
        for (int i = 0; i < kClients; ++i) {
            auto c = std::make_unique<QTcpSocket>();
            QTcpSocket *raw = c.get();
            connect(raw, &QTcpSocket::readyRead, this, [&, raw, i] {
                got[i] += raw->readAll();
                if (got[i].size() == kBytes)
                    ++done;
            });
            connect(raw, &QTcpSocket::connected, this, [raw, &payload] { raw->write(payload); });
            raw->connectToHost(QHostAddress::LocalHost, server.serverPort());
            clients.push_back(std::move(c));
        }
        QTRY_VERIFY_WITH_TIMEOUT(done == kClients, 20000);
        for (int i = 0; i < kClients; ++i)
            QVERIFY(got[i] == payload);
    }

    // What the engine does: a worker thread with this dispatcher, quit from another thread.
    void aWorkerThreadQuitsFromOutside()
    {
        WorkerThread worker(QStringLiteral("epoll-worker"));
        QObject anchor;
        anchor.moveToThread(worker.start());
        QByteArray name;
        QMetaObject::invokeMethod(
            &anchor, [&] { name = dispatcherName(QAbstractEventDispatcher::instance()); },
            Qt::BlockingQueuedConnection);
#if defined(Q_OS_LINUX)
        QCOMPARE(name, QByteArray("epoll"));
#endif
        QSignalSpy finished(&worker, &WorkerThread::finished);
        // The worker sleeps in epoll_wait with nothing to do: quit() must wake it.
        worker.quit();
        QVERIFY(finished.wait(5000));
    }
};

int main(int argc, char **argv)
{
    if (QAbstractEventDispatcher *d = createWorkerDispatcher())
        QCoreApplication::setEventDispatcher(d);
    QCoreApplication app(argc, argv);
    TestEpollDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolldispatcher.moc"
