// Notifier: pool events -> notifications, each once per occurrence, re-armed by the snapshots that
// show the condition is over, and rate-limited on a fake clock.
#include "tray/notifier.h"
#include "tray/notifiertray.h"

#include <QSignalSpy>
#include <QTranslator>
#include <QtTest>

using namespace qp;
using namespace Qt::StringLiterals;
using Type = PoolEvent::Type;

namespace {

constexpr qint64 kStart = 1796637600000; // 2026-12-07 10:00 UTC
constexpr qint64 kMin = 60'000;

QuotaMeter::WindowUse window(QuotaLimit::Kind kind, qint64 used, qint64 max, qint64 resetsAt)
{
    QuotaMeter::WindowUse w;
    w.limit.kind = kind;
    w.limit.maxRequests = max;
    w.usedRequests = used;
    w.usedFraction = double(used) / double(max);
    w.resetsAtMs = resetsAt;
    return w;
}

AccountSnapshot account(const QString &id, AccountState state,
                        QList<QuotaMeter::WindowUse> windows = {})
{
    AccountSnapshot a;
    a.id = id;
    a.state = state;
    a.windows = std::move(windows);
    return a;
}

PoolEvent poolEvent(Type type, const QString &id, const QString &message = {})
{
    return PoolEvent{type, id, message, 0, std::nullopt};
}

} // namespace

class TestNotifier : public QObject
{
    Q_OBJECT
    QTranslator m_en; // the English plural forms

private slots:
    void initTestCase()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QVERIFY(m_en.load(u":/i18n/qwen-proxy_en.qm"_s));
        QCoreApplication::installTranslator(&m_en);
    }

    void windowWarningOncePerCrossing()
    {
        FakeClock clock(kStart);
        Notifier n(clock);
        const qint64 reset = kStart + 90 * kMin;
        n.onSnapshots({account(u"work"_s, AccountState::Healthy,
                               {window(QuotaLimit::Kind::Rolling5h, 970, 1200, reset),
                                window(QuotaLimit::Kind::Week, 2000, 9000, reset)})});
        const auto first = n.onPoolEvent(poolEvent(Type::WindowWarning, u"work"_s));
        QVERIFY(first);
        QCOMPARE(first->key, u"warn:work:5h"_s);
        QCOMPARE(first->severity, Notification::Severity::Warning);
        QCOMPARE(first->title, u"work used 80 % of a quota window"_s);
        QCOMPARE(first->body, u"5 h: 970 / 1,200 requests · frees up in 1 h 30 min"_s);
        // The same crossing published again (a second client, a replay): told once.
        QVERIFY(!n.onPoolEvent(poolEvent(Type::WindowWarning, u"work"_s)));

        // The window goes back under 80 %: the next crossing is news again.
        clock.advanceMs(100 * kMin);
        n.onSnapshots({account(u"work"_s, AccountState::Healthy,
                               {window(QuotaLimit::Kind::Rolling5h, 500, 1200, reset)})});
        n.onSnapshots({account(u"work"_s, AccountState::Healthy,
                               {window(QuotaLimit::Kind::Rolling5h, 980, 1200, reset)})});
        QVERIFY(n.onPoolEvent(poolEvent(Type::WindowWarning, u"work"_s)));
    }

    void windowFullThenFreedUp()
    {
        FakeClock clock(kStart);
        Notifier n(clock);
        const qint64 reset = kStart + 20 * kMin;
        n.onSnapshots({account(u"work"_s, AccountState::Healthy,
                               {window(QuotaLimit::Kind::Rolling5h, 1200, 1200, reset)})});
        const auto full = n.onPoolEvent(poolEvent(Type::WindowFull, u"work"_s));
        QVERIFY(full);
        QCOMPARE(full->key, u"full:work:5h"_s);
        QCOMPARE(full->title, u"work reached its 5 h limit"_s);
        QVERIFY(full->body.startsWith(u"Requests go to the other accounts"_s));
        QVERIFY(full->body.endsWith(u"5 h: 1,200 / 1,200 requests · frees up in 20 min"_s));
        // A late 80 % warning after "full" would be noise.
        QVERIFY(!n.onPoolEvent(poolEvent(Type::WindowWarning, u"work"_s)));
        QVERIFY(!n.onPoolEvent(poolEvent(Type::WindowFull, u"work"_s)));

        // Still full: nothing. Then the oldest minutes leave the window: "available again", once.
        QVERIFY(n.onSnapshots({account(u"work"_s, AccountState::Healthy,
                                       {window(QuotaLimit::Kind::Rolling5h, 1200, 1200, reset)})})
                    .isEmpty());
        clock.advanceMs(21 * kMin);
        const auto freed = n.onSnapshots(
            {account(u"work"_s, AccountState::Healthy,
                     {window(QuotaLimit::Kind::Rolling5h, 1100, 1200, kStart + 80 * kMin)})});
        QCOMPARE(freed.size(), 1);
        QCOMPARE(freed[0].title, u"work can take requests again"_s);
        QCOMPARE(freed[0].body, u"5 h: 1,100 / 1,200 requests · frees up in 59 min"_s);
        QVERIFY(n.onSnapshots({account(u"work"_s, AccountState::Healthy,
                                       {window(QuotaLimit::Kind::Rolling5h, 1100, 1200, reset)})})
                    .isEmpty());
        // Full again later: told again.
        n.onSnapshots({account(u"work"_s, AccountState::Healthy,
                               {window(QuotaLimit::Kind::Rolling5h, 1200, 1200, reset)})});
        QVERIFY(n.onPoolEvent(poolEvent(Type::WindowFull, u"work"_s)));
    }

    void windowEventBeforeItsSnapshotWaitsForIt()
    {
        // The engine sends events and snapshots separately: the 80 % event may arrive while the
        // latest snapshot still shows 79 %, and a week window already told about is not the one.
        FakeClock clock(kStart);
        Notifier n(clock);
        const qint64 reset = kStart + 30 * kMin;
        n.onSnapshots({account(u"work"_s, AccountState::Healthy,
                               {window(QuotaLimit::Kind::Rolling5h, 900, 1200, reset),
                                window(QuotaLimit::Kind::Week, 8000, 9000, reset)})});
        QVERIFY(n.onPoolEvent(poolEvent(Type::WindowWarning, u"work"_s))); // the week's
        QVERIFY(!n.onPoolEvent(poolEvent(Type::WindowWarning, u"work"_s)));
        const auto later =
            n.onSnapshots({account(u"work"_s, AccountState::Healthy,
                                   {window(QuotaLimit::Kind::Rolling5h, 960, 1200, reset),
                                    window(QuotaLimit::Kind::Week, 8060, 9000, reset)})});
        QCOMPARE(later.size(), 1);
        QCOMPARE(later[0].key, u"warn:work:5h"_s);
        QCOMPARE(later[0].body, u"5 h: 960 / 1,200 requests · frees up in 30 min"_s);

        // An event whose window no snapshot ever shows is still told, in the pool's words.
        const auto unknown = n.onPoolEvent(
            poolEvent(Type::WindowFull, u"other"_s, u"account other has used its 5h window"_s));
        QVERIFY(!unknown);
        const auto told = n.onSnapshots({});
        QCOMPARE(told.size(), 1);
        QCOMPARE(told[0].key, u"full:other"_s);
        QCOMPARE(told[0].title, u"other reached a quota limit"_s);
    }

    void adapterShowsWhatThePolicyLets()
    {
        // Without a tray icon (none available, or in tests) the adapter still reports.
        FakeClock clock(kStart);
        TrayNotifier adapter(clock, nullptr);
        QSignalSpy shown(&adapter, &TrayNotifier::shown);
        adapter.onPoolEvent(poolEvent(Type::NeedsLogin, u"home"_s));
        adapter.onPoolEvent(poolEvent(Type::NeedsLogin, u"home"_s));
        adapter.onServerFailed(u"port 8765 is already in use"_s);
        QCOMPARE(shown.size(), 2);
        QCOMPARE(shown[0][0].value<Notification>().title, u"home needs a new login"_s);
        QCOMPARE(shown[1][0].value<Notification>().severity, Notification::Severity::Critical);
    }

    void needsLoginUntilLoggedIn()
    {
        FakeClock clock(kStart);
        Notifier n(clock);
        const auto first = n.onPoolEvent(poolEvent(Type::NeedsLogin, u"home"_s));
        QVERIFY(first);
        QCOMPARE(first->title, u"home needs a new login"_s);
        QVERIFY(!n.onPoolEvent(poolEvent(Type::NeedsLogin, u"home"_s)));
        n.onSnapshots({account(u"home"_s, AccountState::NeedsLogin)});
        QVERIFY(!n.onPoolEvent(poolEvent(Type::NeedsLogin, u"home"_s)));
        n.onSnapshots({account(u"home"_s, AccountState::Healthy)});
        QVERIFY(n.onPoolEvent(poolEvent(Type::NeedsLogin, u"home"_s)));
    }

    void parkedWithTheUpstreamsReason()
    {
        FakeClock clock(kStart);
        Notifier n(clock);
        AccountSnapshot free = account(u"free"_s, AccountState::Parked);
        free.reason = u"Qwen's free OAuth tier has ended (discontinued on 2026-04-15): the portal "
                      u"rejects Qwen OAuth logins and tokens."_s;
        AccountSnapshot owed = account(u"owed"_s, AccountState::Parked);
        owed.reason = u"Arrearage: your account is overdue"_s;
        n.onSnapshots({free, owed});
        PoolEvent e = poolEvent(Type::Parked, u"free"_s, u"account free is parked: ..."_s);
        e.cause = ErrorClass::Discontinued;
        const auto tier = n.onPoolEvent(e);
        QVERIFY(tier);
        QCOMPARE(tier->title, u"Qwen's free OAuth tier has ended"_s);
        QVERIFY(tier->body.startsWith(u"free can no longer serve"_s));
        QVERIFY(tier->body.contains(u"Coding Plan"_s));
        const auto other = n.onPoolEvent(poolEvent(Type::Parked, u"owed"_s));
        QVERIFY(other);
        QCOMPARE(other->title, u"owed was taken out of rotation"_s);
        QCOMPARE(other->body, u"The upstream said: Arrearage: your account is overdue"_s);
        QVERIFY(!n.onPoolEvent(poolEvent(Type::Parked, u"owed"_s)));
    }

    void rotatedAwayAtMostOncePerPeriod()
    {
        FakeClock clock(kStart);
        Notifier n(clock);
        AccountSnapshot team = account(u"team"_s, AccountState::Cooling);
        team.untilMs = kStart + 12 * kMin;
        team.reason = u"3 failures in a row, last: HTTP 502"_s;
        n.onSnapshots({team});
        const auto first = n.onPoolEvent(poolEvent(Type::Cooled, u"team"_s));
        QVERIFY(first);
        QCOMPARE(first->title, u"Switched away from team"_s);
        QCOMPARE(first->body, u"It rests for 12 min: 3 failures in a row, last: HTTP 502"_s);
        clock.advanceMs(29 * kMin);
        QVERIFY(!n.onPoolEvent(poolEvent(Type::Cooled, u"team"_s)));
        clock.advanceMs(kMin);
        QVERIFY(n.onPoolEvent(poolEvent(Type::Cooled, u"team"_s)));
    }

    void recoveredIsNotANotification()
    {
        FakeClock clock(kStart);
        Notifier n(clock);
        QVERIFY(!n.onPoolEvent(poolEvent(Type::Recovered, u"team"_s)));
    }

    void noUsableAccountIsCriticalAndOnce()
    {
        FakeClock clock(kStart);
        Notifier n(clock);
        const auto none = n.onPoolEvent(poolEvent(Type::AllUnusable, QString()));
        QVERIFY(none);
        QCOMPARE(none->severity, Notification::Severity::Critical);
        QCOMPARE(none->title, u"No account can serve requests"_s);
        QVERIFY(!n.onPoolEvent(poolEvent(Type::AllUnusable, QString())));
        n.onSnapshots({account(u"work"_s, AccountState::Cooling)});
        QVERIFY(!n.onPoolEvent(poolEvent(Type::AllUnusable, QString())));
        n.onSnapshots({account(u"work"_s, AccountState::Healthy)});
        QVERIFY(n.onPoolEvent(poolEvent(Type::AllUnusable, QString())));
    }

    void serverFailureOncePerReasonUntilStarted()
    {
        FakeClock clock(kStart);
        Notifier n(clock);
        const QString reason = u"port 8765 is already in use on 127.0.0.1 (by python3, pid 4242)"_s;
        const auto failed = n.onServerFailed(reason);
        QVERIFY(failed);
        QCOMPARE(failed->severity, Notification::Severity::Critical);
        QCOMPARE(failed->title, u"Qwen Proxy could not start its server"_s);
        QCOMPARE(failed->body, reason);
        QVERIFY(!n.onServerFailed(reason));
        QVERIFY(n.onServerFailed(u"permission denied"_s));
        n.onServerStarted();
        QVERIFY(n.onServerFailed(reason));
    }

    void rateLimitHoldsBackAndSaysHowMany()
    {
        FakeClock clock(kStart);
        Notifier n(clock, Notifier::Limits{3, 5 * kMin, 30 * kMin});
        for (int i = 0; i < 3; ++i)
            QVERIFY(n.onPoolEvent(poolEvent(Type::NeedsLogin, u"a%1"_s.arg(i))));
        QVERIFY(!n.onPoolEvent(poolEvent(Type::NeedsLogin, u"b1"_s)));
        QVERIFY(!n.onPoolEvent(poolEvent(Type::NeedsLogin, u"b2"_s)));
        QCOMPARE(n.suppressedCount(), 2);
        // Critical ones pass the limit, and carry the count.
        const auto none = n.onPoolEvent(poolEvent(Type::AllUnusable, QString()));
        QVERIFY(none);
        QVERIFY(none->body.endsWith(u"(2 earlier notifications held back)"_s));
        QCOMPARE(n.suppressedCount(), 0);
        QVERIFY(!n.onPoolEvent(poolEvent(Type::NeedsLogin, u"b3"_s)));
        // The period passes: room again, and the held-back one is counted.
        clock.advanceMs(5 * kMin);
        const auto next = n.onPoolEvent(poolEvent(Type::NeedsLogin, u"c1"_s));
        QVERIFY(next);
        QVERIFY(next->body.endsWith(u"(1 earlier notification held back)"_s));
        // A held-back event was still "told": it does not come back later.
        QVERIFY(!n.onPoolEvent(poolEvent(Type::NeedsLogin, u"b1"_s)));
    }
};

QTEST_GUILESS_MAIN(TestNotifier)
#include "tst_notifier.moc"
