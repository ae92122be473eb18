// LazyTimer behaves like a single-shot QTimer whatever the order of start() and stop() calls.
#include "common/lazytimer.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace qp;

class TestLazyTimer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firesOnce();
    void laterDeadlineDelays();
    void earlierDeadlineFiresEarly();
    void stopSilences();
    void restartAfterStop();
};

void TestLazyTimer::firesOnce()
{
    LazyTimer t;
    QSignalSpy spy(&t, &LazyTimer::timeout);
    t.start(20);
    QVERIFY(t.isActive());
    QVERIFY(spy.wait(2000));
    QVERIFY(!t.isActive());
    QTest::qWait(60);
    QCOMPARE(spy.count(), 1);
}

void TestLazyTimer::laterDeadlineDelays()
{
    // Re-armed for later before the first deadline: it fires at the later one, not the first.
    LazyTimer t;
    QSignalSpy spy(&t, &LazyTimer::timeout);
    QElapsedTimer clock;
    clock.start();
    t.start(30);
    t.start(250);
    QVERIFY(spy.wait(3000));
    QVERIFY2(clock.elapsed() >= 240, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(spy.count(), 1);
}

void TestLazyTimer::earlierDeadlineFiresEarly()
{
    LazyTimer t;
    QSignalSpy spy(&t, &LazyTimer::timeout);
    QElapsedTimer clock;
    clock.start();
    t.start(60000);
    t.start(30);
    QVERIFY(spy.wait(3000));
    QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
}

void TestLazyTimer::stopSilences()
{
    LazyTimer t;
    QSignalSpy spy(&t, &LazyTimer::timeout);
    t.start(20);
    t.stop();
    QVERIFY(!t.isActive());
    QTest::qWait(100);
    QCOMPARE(spy.count(), 0);
}

void TestLazyTimer::restartAfterStop()
{
    // The underlying timer may still be pending from the first start(); the new deadline wins.
    LazyTimer t;
    QSignalSpy spy(&t, &LazyTimer::timeout);
    QElapsedTimer clock;
    clock.start();
    t.start(20);
    t.stop();
    t.start(200);
    QVERIFY(spy.wait(3000));
    QVERIFY2(clock.elapsed() >= 190, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(spy.count(), 1);
}

QTEST_GUILESS_MAIN(TestLazyTimer)
#include "tst_lazytimer.moc"
