// ReturnAddress: work finished on another thread comes back on the owner's thread, and is
// dropped, never run on a dead object, when the owner is gone first.
#include "common/returnaddress.h"

#include <QSemaphore>
#include <QTest>
#include <QThread>

using namespace qp;

class TestReturnAddress : public QObject
{
    Q_OBJECT
private slots:
    void runsOnTheOwnersThread()
    {
        QObject owner;
        ReturnAddress home(&owner);
        QThread *ranOn = nullptr;
        std::unique_ptr<QThread> worker(
            QThread::create([&] { home.post([&] { ranOn = QThread::currentThread(); }); }));
        worker->start();
        QVERIFY(worker->wait(5000));
        QTRY_VERIFY(ranOn != nullptr);
        QCOMPARE(ranOn, QThread::currentThread());
    }

    void droppedWhenTheOwnerIsGone()
    {
        bool ran = false;
        auto owner = std::make_unique<QObject>();
        ReturnAddress home(owner.get());
        QSemaphore posted;
        std::unique_ptr<QThread> worker(QThread::create([&] {
            home.post([&] { ran = true; }); // queued, not yet run: the owner dies first
            posted.release();
        }));
        worker->start();
        posted.acquire();
        owner.reset();
        // And a post after the owner is gone is a no-op.
        std::unique_ptr<QThread> late(QThread::create([&] { home.post([&] { ran = true; }); }));
        late->start();
        QVERIFY(worker->wait(5000));
        QVERIFY(late->wait(5000));
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        QVERIFY(!ran);
    }
};

QTEST_GUILESS_MAIN(TestReturnAddress)
#include "tst_returnaddress.moc"
