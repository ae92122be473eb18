// AccountPool on its own, on a fake clock: the events the tray turns into notifications, the
// in-flight hold on quota windows, and the failure cool-down that grows.
#include "pool/accountpool.h"

#include <QSignalSpy>
#include <QtTest>

using namespace qp;
using namespace Qt::StringLiterals;

namespace {
constexpr qint64 kStart = 1796637600000; // 2026-12-07 10:00 UTC

PoolAccountSpec account(const QString &id, const QString &plan = {})
{
    PoolAccountSpec s;
    s.id = id;
    s.provider = u"api-key"_s;
    s.upstream.name = id;
    if (!plan.isEmpty())
        s.plan = QuotaPlan::fromSpec(plan).value();
    return s;
}

UsageRecord served(const QString &id, qint64 at, qint64 tokens = 0)
{
    UsageRecord r;
    r.accountId = id;
    r.atMs = at;
    r.status = 200;
    r.inputTokens = tokens;
    return r;
}

QStringList eventNames(const QSignalSpy &spy)
{
    QStringList out;
    for (const auto &args : spy)
        out.append(poolEventName(args.at(0).value<PoolEvent>().type));
    return out;
}
} // namespace

class TestAccountPool : public QObject
{
    Q_OBJECT
private slots:
    void windowEventsOnceEach()
    {
        FakeClock clock(kStart);
        AccountPool pool(clock, PoolConfig{});
        pool.setAccounts({account(u"a"_s, u"5h:5"_s)});
        QSignalSpy spy(&pool, &AccountPool::event);
        for (int i = 0; i < 5; ++i) {
            auto lease = pool.pick({});
            QVERIFY(lease.ok());
            pool.recordOutcome(served(u"a"_s, clock.nowMs()));
            pool.release(u"a"_s);
        }
        // 4 of 5 is 80 %, 5 of 5 is full: each announced once, in that order.
        QCOMPARE(eventNames(spy), (QStringList{u"window_80"_s, u"window_100"_s}));
        const auto refused = pool.pick({});
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().retryAfterSeconds.value_or(0), 5 * 3600 + 60);
        QCOMPARE(eventNames(spy).last(), u"all_unusable"_s);
        QVERIFY(!pool.pick({}).ok());
        QCOMPARE(spy.count(), 3); // "all unusable" is not repeated while nothing changed
    }

    void inFlightRequestsHoldTheirPlace()
    {
        FakeClock clock(kStart);
        AccountPool pool(clock, PoolConfig{});
        pool.setAccounts({account(u"a"_s, u"5h:2"_s), account(u"b"_s)});
        PickRequest pin{u"a"_s, {}, {}};
        QVERIFY(pool.pick(pin).ok());
        QVERIFY(pool.pick(pin).ok());
        // Two requests in flight fill a's window before either has been counted.
        const auto third = pool.pick(pin);
        QVERIFY(!third.ok());
        QCOMPARE(third.error().kind, Error::Kind::Conflict);
        pool.release(u"a"_s);
        QVERIFY(pool.pick(pin).ok()); // one finished without being served: its place is free
    }

    void failuresInARowCoolWithGrowingBackoffAndRecover()
    {
        FakeClock clock(kStart);
        PoolConfig config;
        config.failureThreshold = 2;
        AccountPool pool(clock, config);
        pool.setAccounts({account(u"a"_s), account(u"b"_s)});
        QSignalSpy spy(&pool, &AccountPool::event);
        const Error busy = Error::make(Error::Kind::UpstreamError, u"502"_s);
        pool.reportFailure(u"a"_s, busy);
        QCOMPARE(pool.snapshot(u"a"_s)->state, AccountState::Healthy);
        pool.reportFailure(u"a"_s, busy);
        QCOMPARE(pool.snapshot(u"a"_s)->state, AccountState::Cooling);
        QCOMPARE(pool.snapshot(u"a"_s)->untilMs, kStart + 30000);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(pool.pick({}).value().accountId, u"b"_s);
        clock.advanceMs(30000);
        QVERIFY(pool.pick(PickRequest{u"a"_s, {}, {}}).ok());
        QCOMPARE(eventNames(spy), (QStringList{u"cooled"_s, u"recovered"_s}));
        // Failing on after recovering cools for twice as long; a success resets that.
        pool.reportFailure(u"a"_s, busy);
        pool.reportFailure(u"a"_s, busy);
        QCOMPARE(pool.snapshot(u"a"_s)->untilMs, clock.nowMs() + 60000);
        clock.advanceMs(60000);
        QVERIFY(pool.pick(PickRequest{u"a"_s, {}, {}}).ok());
        pool.recordOutcome(served(u"a"_s, clock.nowMs()));
        pool.reportFailure(u"a"_s, busy);
        pool.reportFailure(u"a"_s, busy);
        QCOMPARE(pool.snapshot(u"a"_s)->untilMs, clock.nowMs() + 30000);
    }

    void concurrencyAndPerMinuteCaps()
    {
        FakeClock clock(kStart + 30000); // half a minute into 10:00
        AccountPool pool(clock, PoolConfig{});
        PoolAccountSpec a = account(u"a"_s);
        a.maxConcurrent = 2;
        a.maxPerMinute = 3;
        pool.setAccounts({a, account(u"b"_s)});
        const PickRequest pin{u"a"_s, {}, {}};
        QVERIFY(pool.pick(pin).ok());
        QVERIFY(pool.pick(pin).ok());
        auto third = pool.pick(pin);
        QVERIFY(!third.ok());
        QVERIFY(third.error().message.contains(u"2 concurrent"_s));
        QCOMPARE(pool.pick({}).value().accountId, u"b"_s); // unpinned requests go elsewhere
        pool.release(u"a"_s);
        QVERIFY(pool.pick(pin).ok()); // 3rd this minute
        pool.release(u"a"_s);
        pool.release(u"a"_s);
        auto fourth = pool.pick(pin);
        QVERIFY(!fourth.ok());
        QVERIFY(fourth.error().message.contains(u"3 requests per minute"_s));
        QCOMPARE(fourth.error().retryAfterSeconds.value_or(0), 30); // the minute ends at 10:01
        clock.advanceMs(30000);
        QVERIFY(pool.pick(pin).ok());
    }

    void clientAndLocalErrorsChangeNothing()
    {
        FakeClock clock(kStart);
        PoolConfig config;
        config.failureThreshold = 1;
        AccountPool pool(clock, config);
        pool.setAccounts({account(u"a"_s)});
        QSignalSpy spy(&pool, &AccountPool::event);
        Error bad = Error::make(Error::Kind::InvalidRequest, u"bad"_s);
        bad.upstreamStatus = 400;
        pool.reportFailure(u"a"_s, bad);
        pool.reportFailure(u"a"_s, Error::make(Error::Kind::Internal, u"ours"_s));
        QCOMPARE(pool.snapshot(u"a"_s)->state, AccountState::Healthy);
        QCOMPARE(spy.count(), 0);
    }

    void setAccountsKeepsStateOfAccountsThatStay()
    {
        FakeClock clock(kStart);
        AccountPool pool(clock, PoolConfig{});
        pool.setAccounts({account(u"a"_s), account(u"b"_s)});
        pool.reportFailure(u"a"_s, Error::make(Error::Kind::Discontinued, u"suspended"_s));
        pool.setAccounts({account(u"b"_s), account(u"a"_s), account(u"c"_s)});
        QCOMPARE(pool.snapshot(u"a"_s)->state, AccountState::Parked);
        QCOMPARE(pool.snapshot(u"a"_s)->reason, u"suspended"_s);
        QCOMPARE(pool.accountIds(), (QStringList{u"b"_s, u"a"_s, u"c"_s}));
        // The store's word wins when it is stronger: disabled by the user.
        PoolAccountSpec b = account(u"b"_s);
        b.initialState = AccountState::Disabled;
        pool.setAccounts({b, account(u"a"_s), account(u"c"_s)});
        QCOMPARE(pool.snapshot(u"b"_s)->state, AccountState::Disabled);
        QCOMPARE(pool.pick({}).value().accountId, u"c"_s);
    }
};

QTEST_GUILESS_MAIN(TestAccountPool)
#include "tst_accountpool.moc"
