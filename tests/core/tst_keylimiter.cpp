// Per-key limits and the failed-key lockout, on a fake clock.
#include "access/keylimiter.h"
#include "access/keylockout.h"
#include "access/sourcerate.h"

#include <QTest>

using namespace qp;
using namespace Qt::StringLiterals;

namespace {
constexpr qint64 kMidnight = 1'800'057'600'000; // a UTC midnight (divisible by 86,400,000)
ClientKeyInfo keyWith(KeyLimits limits)
{
    ClientKeyInfo k;
    k.id = u"abcd1234"_s;
    k.limits = limits;
    return k;
}
bool admitted(const std::variant<KeyLimiter::Refusal, KeyLimiter::Ticket> &v)
{
    return std::holds_alternative<KeyLimiter::Ticket>(v);
}
const KeyLimiter::Refusal &refusal(const std::variant<KeyLimiter::Refusal, KeyLimiter::Ticket> &v)
{
    return std::get<KeyLimiter::Refusal>(v);
}
} // namespace

class TestKeyLimiter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestsPerMinuteSlide()
    {
        QCOMPARE(kMidnight % 86'400'000, 0);
        FakeClock clock(kMidnight + 3'600'000);
        KeyLimiter l(clock);
        const ClientKeyInfo k = keyWith({.requestsPerMinute = 2});
        QVERIFY(admitted(l.acquire(k)));
        clock.advanceMs(20'000);
        QVERIFY(admitted(l.acquire(k)));
        const auto third = l.acquire(k);
        QVERIFY(!admitted(third));
        QCOMPARE(refusal(third).retryAfterMs, 40'000); // when the first leaves the window
        QVERIFY(refusal(third).retryable);
        QCOMPARE(refusal(third).requestLimit, 2);
        QCOMPARE(refusal(third).requestsRemaining, 0);
        clock.advanceMs(40'000);
        QVERIFY(admitted(l.acquire(k)));
    }

    void concurrencyIsHeldByTheTicket()
    {
        FakeClock clock(kMidnight);
        KeyLimiter l(clock);
        const ClientKeyInfo k = keyWith({.concurrency = 2});
        auto a = l.acquire(k);
        auto b = l.acquire(k);
        QVERIFY(admitted(a) && admitted(b));
        QCOMPARE(l.inFlight(k.id), 2);
        QVERIFY(!admitted(l.acquire(k)));
        {
            auto copy = std::get<KeyLimiter::Ticket>(a); // a copy keeps the slot
            a = KeyLimiter::Refusal{};
            QCOMPARE(l.inFlight(k.id), 2);
        }
        QCOMPARE(l.inFlight(k.id), 1);
        QVERIFY(admitted(l.acquire(k)));
    }

    void aTicketOutlivesItsLimiter()
    {
        FakeClock clock(kMidnight);
        KeyLimiter::Ticket t;
        {
            KeyLimiter l(clock);
            t = std::get<KeyLimiter::Ticket>(l.acquire(keyWith({.concurrency = 1})));
        }
        t.reset(); // no use after free (the ASan build checks)
    }

    void tokensPerMinute()
    {
        FakeClock clock(kMidnight);
        KeyLimiter l(clock);
        const ClientKeyInfo k = keyWith({.tokensPerMinute = 1000});
        QVERIFY(admitted(l.acquire(k)));
        l.addTokens(k.id, 600);
        clock.advanceMs(10'000);
        QVERIFY(admitted(l.acquire(k))); // 600 < 1000
        l.addTokens(k.id, 500);
        clock.advanceMs(10'000);
        const auto r = l.acquire(k);
        QVERIFY(!admitted(r));
        QCOMPARE(refusal(r).retryAfterMs, 40'000); // the 600 age out at +60 s
        clock.advanceMs(40'000);
        QVERIFY(admitted(l.acquire(k)));
    }

    void dailyLimitsResetAtUtcMidnightAndSayDoNotRetry()
    {
        FakeClock clock(kMidnight + 86'400'000 - 5'000); // five seconds before the next midnight
        KeyLimiter l(clock);
        const ClientKeyInfo k = keyWith({.dailyRequests = 1, .dailyTokens = 0});
        QVERIFY(admitted(l.acquire(k)));
        const auto r = l.acquire(k);
        QVERIFY(!admitted(r));
        QVERIFY(!refusal(r).retryable);
        QCOMPARE(refusal(r).retryAfterMs, 5'000);
        clock.advanceMs(5'000);
        QVERIFY(admitted(l.acquire(k)));

        const ClientKeyInfo t = keyWith({.dailyTokens = 100});
        QVERIFY(admitted(l.acquire(t)));
        l.addTokens(t.id, 150);
        QVERIFY(!admitted(l.acquire(t)));
    }

    void noLimitsNoRefusal()
    {
        FakeClock clock(kMidnight);
        KeyLimiter l(clock);
        const ClientKeyInfo k = keyWith({});
        for (int i = 0; i < 1000; ++i)
            QVERIFY(admitted(l.acquire(k)));
    }

    void lockoutAfterRepeatedFailures()
    {
        FakeClock clock(kMidnight);
        KeyLockout lock(clock);
        const QHostAddress peer(u"192.168.1.20"_s);
        for (int i = 0; i < KeyLockout::kMaxFailures - 1; ++i)
            lock.recordFailure(peer);
        QCOMPARE(lock.lockedFor(peer), 0);
        lock.recordFailure(peer);
        QCOMPARE(lock.lockedFor(peer), KeyLockout::kLockMs);
        QCOMPARE(lock.lockedFor(QHostAddress(u"192.168.1.21"_s)), 0); // another host
        clock.advanceMs(KeyLockout::kLockMs - 1);
        QCOMPARE(lock.lockedFor(peer), 1);
        clock.advanceMs(1);
        QCOMPARE(lock.lockedFor(peer), 0);
    }

    void failuresSpreadBeyondTheWindowDoNotLock()
    {
        FakeClock clock(kMidnight);
        KeyLockout lock(clock);
        const QHostAddress peer(u"192.168.1.20"_s);
        for (int i = 0; i < 3 * KeyLockout::kMaxFailures; ++i) {
            lock.recordFailure(peer);
            clock.advanceMs(KeyLockout::kWindowMs / (KeyLockout::kMaxFailures - 2));
        }
        QCOMPARE(lock.lockedFor(peer), 0);
    }

    void anIpv6HostIsItsSlash64()
    {
        FakeClock clock(kMidnight);
        KeyLockout lock(clock);
        for (int i = 0; i < KeyLockout::kMaxFailures; ++i)
            lock.recordFailure(QHostAddress(u"2001:db8:1:2::%1"_s.arg(i + 1)));
        QVERIFY(lock.lockedFor(QHostAddress(u"2001:db8:1:2:ffff::9"_s)) > 0);
        QCOMPARE(lock.lockedFor(QHostAddress(u"2001:db8:1:3::1"_s)), 0);
    }

    void unkeyedRequestsPerSource()
    {
        FakeClock clock(kMidnight);
        SourceRateLimit limit(clock, 3);
        const QHostAddress a(u"192.168.1.20"_s), b(u"192.168.1.21"_s);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(limit.take(a), 0);
        clock.advanceMs(10'000);
        QCOMPARE(limit.take(a), 50'000);
        QCOMPARE(limit.take(b), 0); // another source has its own window
        clock.advanceMs(50'000);
        QCOMPARE(limit.take(a), 0);
        SourceRateLimit off(clock, 0);
        for (int i = 0; i < 100; ++i)
            QCOMPARE(off.take(a), 0);
    }

    void unkeyedSourcesAreBounded()
    {
        FakeClock clock(kMidnight);
        SourceRateLimit limit(clock, 1);
        for (quint32 i = 0; i < quint32(SourceRateLimit::kMaxSources) + 10; ++i)
            limit.take(QHostAddress(0x0a000000u + i));
        QCOMPARE(limit.sourceCount(), SourceRateLimit::kMaxSources + 1); // + the overflow window
        clock.advanceMs(SourceRateLimit::kWindowMs);
        QCOMPARE(limit.take(QHostAddress(u"192.168.9.9"_s)), 0); // ended windows are dropped
        QCOMPARE(limit.sourceCount(), 1);
    }

    void memoryIsBounded()
    {
        FakeClock clock(kMidnight);
        KeyLockout lock(clock);
        for (quint32 i = 0; i < quint32(KeyLockout::kMaxSources) + 500; ++i) {
            lock.recordFailure(QHostAddress(0x0a000000u + i));
            clock.advanceMs(1);
        }
        // The oldest were forgotten; the newest is still counted.
        QCOMPARE(lock.sourceCount(), KeyLockout::kMaxSources);
    }
};

QTEST_GUILESS_MAIN(TestKeyLimiter)
#include "tst_keylimiter.moc"
