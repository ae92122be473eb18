// deleteAfterPass / runAfterPass: nothing runs before the caller's frame returns to the loop,
// everything runs in the next pass without posting events, and deleted contexts are skipped.
#include "common/afterpass.h"

#include <QAbstractEventDispatcher>
#include <QPointer>
#include <QtTest>

using namespace qp;

class TestAfterPass : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void deletesInTheNextPassNotNow();
    void toleratesObjectsDeletedEarlier();
    void runsInOrderAndSkipsDeadContexts();
    void workQueuedWhileDrainingRunsBeforeSleeping();
    void otherThreadFallsBackToDeleteLater();
};

void TestAfterPass::deletesInTheNextPassNotNow()
{
    QPointer<QObject> o = new QObject;
    deleteAfterPass(o);
    QVERIFY(o); // still usable by the frame that handed it over
    QCoreApplication::processEvents();
    QVERIFY(!o);
}

void TestAfterPass::toleratesObjectsDeletedEarlier()
{
    auto *parent = new QObject;
    QPointer<QObject> child = new QObject(parent);
    deleteAfterPass(child);
    delete parent; // takes the child with it before the pass
    QVERIFY(!child);
    QCoreApplication::processEvents(); // must not touch the dangling pointer (ASan checks)
}

void TestAfterPass::runsInOrderAndSkipsDeadContexts()
{
    QObject keep;
    auto *gone = new QObject;
    QStringList ran;
    runAfterPass(&keep, [&] { ran << QStringLiteral("a"); });
    runAfterPass(gone, [&] { ran << QStringLiteral("dead"); });
    runAfterPass(&keep, [&] { ran << QStringLiteral("b"); });
    delete gone;
    QVERIFY(ran.isEmpty());
    QCoreApplication::processEvents();
    QCOMPARE(ran, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
}

void TestAfterPass::workQueuedWhileDrainingRunsBeforeSleeping()
{
    // Queued from inside the drain: nothing would wake the loop for it, so it must run in the
    // same drain, before the loop sleeps. One blocking pass (ended by a timer) shows it: a drain
    // that ran only the first step would leave depth at 1 here.
    QObject ctx;
    int depth = 0;
    std::function<void()> step = [&] {
        if (++depth < 5)
            runAfterPass(&ctx, step);
    };
    runAfterPass(&ctx, step);
    QTimer wake;
    wake.setSingleShot(true);
    wake.start(50);
    QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    QCOMPARE(depth, 5);
}

void TestAfterPass::otherThreadFallsBackToDeleteLater()
{
    // An object living in another thread is never deleted from this one.
    QThread worker;
    worker.start();
    QPointer<QObject> o = new QObject;
    o->moveToThread(&worker);
    QSignalSpy destroyed(o.data(), &QObject::destroyed);
    deleteAfterPass(o);
    QVERIFY(destroyed.wait(5000));
    worker.quit();
    worker.wait();
}

QTEST_GUILESS_MAIN(TestAfterPass)
#include "tst_afterpass.moc"
