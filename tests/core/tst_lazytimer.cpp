// LazyTimer behaves like a single-shot QTimer whatever the order of start() and stop() calls.
#include "common/lazytimer.h"

#include <QElapsedTimer>
#include <QtTest>
#include <memory>
#include <vector>

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
    void manyTimersShareOneQueue();
    void slotDeletesAnotherDueTimer();
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

void TestLazyTimer::manyTimersShareOneQueue()
{
    // Deadlines in no particular order, some re-armed later, some earlier, some stopped: each
    // armed timer fires exactly once, none before its deadline.
    constexpr int n = 300;
    std::vector<std::unique_ptr<LazyTimer>> timers;
    std::vector<int> fired(n, 0);
    std::vector<qint64> due(n, -1);
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < n; ++i) {
        timers.push_back(std::make_unique<LazyTimer>());
        connect(timers.back().get(), &LazyTimer::timeout, this, [&, i] {
            ++fired[size_t(i)];
            QVERIFY2(clock.elapsed() >= due[size_t(i)], qPrintable(QString::number(i)));
        });
        const int ms = (i * 37) % 200;
        timers.back()->start(ms);
        due[size_t(i)] = ms;
    }
    for (int i = 0; i < n; i += 3) { // later
        timers[size_t(i)]->start(250);
        due[size_t(i)] = 250;
    }
    for (int i = 1; i < n; i += 7) { // earlier
        timers[size_t(i)]->start(5);
        due[size_t(i)] = 5;
    }
    for (int i = 2; i < n; i += 11) { // stopped
        timers[size_t(i)]->stop();
        due[size_t(i)] = -1;
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        std::none_of(timers.begin(), timers.end(), [](const auto &t) { return t->isActive(); }),
        5000);
    QTest::qWait(50);
    for (int i = 0; i < n; ++i)
        QCOMPARE(fired[size_t(i)], due[size_t(i)] < 0 ? 0 : 1);
}

void TestLazyTimer::slotDeletesAnotherDueTimer()
{
    // Both are due in the same pass; whichever fires first deletes the other, which must then
    // stay silent (and not be touched: ASan checks).
    LazyTimer *t[2] = {new LazyTimer, new LazyTimer};
    int fired = 0;
    for (int i = 0; i < 2; ++i)
        connect(t[i], &LazyTimer::timeout, this, [&, i] {
            ++fired;
            delete t[1 - i];
            t[1 - i] = nullptr;
        });
    t[0]->start(10);
    t[1]->start(10);
    QTRY_COMPARE(fired, 1);
    QTest::qWait(50);
    QCOMPARE(fired, 1);
    delete t[0];
    delete t[1];
}

QTEST_GUILESS_MAIN(TestLazyTimer)
#include "tst_lazytimer.moc"
