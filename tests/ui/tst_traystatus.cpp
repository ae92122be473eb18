// TrayStatus: pool snapshots, today's counters and the server's state -> icon state, tooltip,
// status line and the menu's account lines. Plain data in, plain data out.
#include "tray/traystatus.h"

#include <QTranslator>
#include <QtTest>

using namespace qp;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kNow = 1796637600000; // 2026-12-07 10:00 UTC
constexpr qint64 kMin = 60'000;
constexpr qint64 kHour = 60 * kMin;

QuotaMeter::WindowUse window(QuotaLimit::Kind kind, qint64 used, qint64 max, qint64 resetsInMs)
{
    QuotaMeter::WindowUse w;
    w.limit.kind = kind;
    w.limit.maxRequests = max;
    w.usedRequests = used;
    w.remainingRequests = std::max<qint64>(0, max - used);
    w.usedFraction = double(used) / double(max);
    w.resetsAtMs = kNow + resetsInMs;
    w.fullyResetsAtMs = w.resetsAtMs;
    return w;
}

AccountSnapshot account(const QString &id, AccountState state = AccountState::Healthy,
                        QList<QuotaMeter::WindowUse> windows = {})
{
    AccountSnapshot a;
    a.id = id;
    a.state = state;
    a.windows = std::move(windows);
    return a;
}

TrayInput input(QList<AccountSnapshot> accounts)
{
    TrayInput in;
    in.nowMs = kNow;
    in.server.address = u"127.0.0.1:8765"_s;
    in.server.openAIBaseUrl = u"http://127.0.0.1:8765/v1"_s;
    in.server.anthropicBaseUrl = u"http://127.0.0.1:8765"_s;
    in.requestsToday = 1284;
    in.tokensToday = 3'412'000;
    in.accounts = std::move(accounts);
    return in;
}

const QLocale kEnglish(QLocale::English, QLocale::UnitedStates);

} // namespace

class TestTrayStatus : public QObject
{
    Q_OBJECT
    QTranslator m_en; // the English plural forms ("1 account needs", "2 accounts need")

    TrayView compute(const TrayInput &in) { return TrayStatus::compute(in, kEnglish); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_en.load(u":/i18n/qwen-proxy_en.qm"_s));
        QCoreApplication::installTranslator(&m_en);
    }

    void allHealthyIsServing()
    {
        const TrayView v = compute(input({account(u"work"_s), account(u"team"_s)}));
        QCOMPARE(v.icon, TrayIconState::Serving);
        QCOMPARE(v.usable, 2);
        QCOMPARE(v.total, 2);
        QCOMPARE(v.statusLine, u"Serving on 127.0.0.1:8765"_s);
        QCOMPARE(v.usageLine, u"Today: 1,284 requests · 3.4M tokens"_s);
        QCOMPARE(v.tooltip, u"Qwen Proxy: serving\n127.0.0.1:8765\nToday: 1,284 requests · 3.4M "
                            u"tokens\nAccounts: 2 of 2 usable"_s);
        QVERIFY(v.tooltip.size() < 128); // Windows cuts longer tooltips
        QVERIFY(!v.quotaLeft);           // no plan anywhere: nothing to draw
        QCOMPARE(v.openAIBaseUrl, u"http://127.0.0.1:8765/v1"_s);
        QCOMPARE(v.accounts.size(), 2);
        QCOMPARE(v.accounts[0].text, u"work — ready"_s);
    }

    void coolingAccountDegrades()
    {
        AccountSnapshot team = account(u"team"_s, AccountState::Cooling);
        team.untilMs = kNow + 47 * kMin;
        const TrayView v = compute(input({account(u"work"_s), team}));
        QCOMPARE(v.icon, TrayIconState::Degraded);
        QCOMPARE(v.usable, 1);
        QCOMPARE(v.statusLine, u"Serving on 127.0.0.1:8765 · 1 account needs attention"_s);
        QVERIFY(v.tooltip.startsWith(u"Qwen Proxy: 1 account needs attention\n"_s));
        QVERIFY(v.tooltip.endsWith(u"Accounts: 1 of 2 usable"_s));
        QCOMPARE(v.accounts[1].text, u"team — cooling down, back in 47 min"_s);
        QVERIFY(!v.accounts[1].usable);
    }

    void needsLoginAndParkedDegrade()
    {
        AccountSnapshot parked = account(u"free"_s, AccountState::Parked);
        parked.reason = u"Qwen's free OAuth tier has ended (discontinued on 2026-04-15)"_s;
        AccountSnapshot banned = account(u"old"_s, AccountState::Parked);
        banned.reason = u"Arrearage: the account is in arrears and access has been suspended "
                        u"until the balance is settled"_s;
        const TrayView v = compute(input(
            {account(u"work"_s), account(u"home"_s, AccountState::NeedsLogin), parked, banned}));
        QCOMPARE(v.icon, TrayIconState::Degraded);
        QCOMPARE(v.statusLine, u"Serving on 127.0.0.1:8765 · 3 accounts need attention"_s);
        QCOMPARE(v.accounts[1].text, u"home — needs login"_s);
        QCOMPARE(v.accounts[2].text, u"free — parked: Qwen's free OAuth tier ended"_s);
        // A long upstream reason is cut to fit a menu line.
        QVERIFY(v.accounts[3].text.startsWith(u"old — parked: Arrearage: the account"_s));
        QVERIFY(v.accounts[3].text.endsWith(QChar(0x2026)));
        QVERIFY(v.accounts[3].text.size() < 70);
    }

    void healthyAccountAtItsLimitIsNotUsable()
    {
        const auto full = window(QuotaLimit::Kind::Rolling5h, 1200, 1200, 83 * kMin);
        const TrayView v =
            compute(input({account(u"work"_s), account(u"team"_s, AccountState::Healthy, {full})}));
        QCOMPARE(v.icon, TrayIconState::Degraded);
        QCOMPARE(v.accounts[1].text, u"team — 5 h limit reached, frees up in 1 h 23 min"_s);
        QVERIFY(!v.accounts[1].usable);
    }

    void disabledAccountsDoNotDegrade()
    {
        const TrayView v =
            compute(input({account(u"work"_s), account(u"spare"_s, AccountState::Disabled)}));
        QCOMPARE(v.icon, TrayIconState::Serving);
        QCOMPARE(v.total, 1);
        QCOMPARE(v.accounts[1].text, u"spare — disabled"_s);
    }

    void noUsableAccount()
    {
        AccountSnapshot cooling = account(u"work"_s, AccountState::Cooling);
        cooling.untilMs = kNow + 5 * kMin;
        const TrayView v = compute(input({cooling, account(u"home"_s, AccountState::NeedsLogin)}));
        QCOMPARE(v.icon, TrayIconState::NoUsableAccount);
        QCOMPARE(v.statusLine, u"Listening on 127.0.0.1:8765 · no account can serve now"_s);
        QVERIFY(v.tooltip.startsWith(u"Qwen Proxy: no usable account\n"_s));
        QVERIFY(v.tooltip.endsWith(u"Accounts: 0 of 2 usable"_s));
    }

    void noAccountAtAll()
    {
        const TrayView v = compute(input({}));
        QCOMPARE(v.icon, TrayIconState::NoUsableAccount);
        QCOMPARE(v.statusLine, u"Listening on 127.0.0.1:8765 · add an account to serve"_s);
        QVERIFY(v.tooltip.endsWith(u"Accounts: none"_s));
        // Only disabled accounts: the same as none.
        QCOMPARE(compute(input({account(u"x"_s, AccountState::Disabled)})).icon,
                 TrayIconState::NoUsableAccount);
    }

    void pausedIsStopped()
    {
        TrayInput in = input({account(u"work"_s)});
        in.server.state = ServerStatus::State::Paused;
        const TrayView v = compute(in);
        QCOMPARE(v.icon, TrayIconState::Stopped);
        QVERIFY(v.paused);
        QCOMPARE(v.statusLine, u"Paused · not listening on 127.0.0.1:8765"_s);
        QVERIFY(v.tooltip.startsWith(u"Qwen Proxy: paused\n"_s));
    }

    void failedIsStoppedWithTheReason()
    {
        TrayInput in = input({account(u"work"_s)});
        in.server.state = ServerStatus::State::Failed;
        in.server.failure = u"port 8765 is already in use on 127.0.0.1 (by python3, pid 4242)"_s;
        const TrayView v = compute(in);
        QCOMPARE(v.icon, TrayIconState::Stopped);
        QVERIFY(v.failed);
        QCOMPARE(v.statusLine, u"Server failed: port 8765 is already in use on 127.0.0.1 (by "
                               u"python3, pid 4242)"_s);
        const QStringList tip = v.tooltip.split(u'\n');
        QCOMPARE(tip[0], u"Qwen Proxy: server failed"_s);
        QVERIFY(tip[1].startsWith(u"port 8765 is already in use"_s));
        QVERIFY(tip[1].size() <= 60);
        QVERIFY(v.tooltip.size() < 128);
    }

    void windowLines()
    {
        const QList<QuotaMeter::WindowUse> windows = {
            window(QuotaLimit::Kind::Rolling5h, 2200, 6000, 62 * kMin),
            window(QuotaLimit::Kind::Week, 0, 45000, 0),
            window(QuotaLimit::Kind::CalendarMonth, 9000, 90000, 24 * 24 * kHour),
        };
        const TrayView v = compute(input({account(u"work"_s, AccountState::Healthy, windows)}));
        const AccountLine &line = v.accounts[0];
        QCOMPARE(line.windows.size(), 3);
        QCOMPARE(line.windows[0].text, u"5 h: 2,200 / 6,000 requests · frees up in 1 h 2 min"_s);
        QCOMPARE(line.windows[1].text, u"7 days: 0 / 45,000 requests"_s); // nothing to free
        QCOMPARE(line.windows[2].text,
                 u"this month (UTC): 9,000 / 90,000 requests · resets in 24 d"_s);
        QCOMPARE(line.windows[0].usedFraction, 2200.0 / 6000.0);
    }

    void manyAccountsShowTheirFullestWindowOnly()
    {
        const QList<QuotaMeter::WindowUse> windows = {
            window(QuotaLimit::Kind::Rolling5h, 300, 1200, kHour),
            window(QuotaLimit::Kind::Week, 8000, 9000, kHour),
            window(QuotaLimit::Kind::Month, 9000, 18000, kHour),
        };
        QList<AccountSnapshot> accounts;
        for (int i = 0; i < TrayStatus::kAllWindowsUpTo; ++i)
            accounts << account(u"a%1"_s.arg(i), AccountState::Healthy, windows);
        QCOMPARE(compute(input(accounts)).accounts[0].windows.size(), 3);
        accounts << account(u"one-more"_s, AccountState::Healthy, windows);
        const TrayView v = compute(input(accounts));
        for (const AccountLine &line : v.accounts) {
            QCOMPARE(line.windows.size(), 1);
            QVERIFY(line.windows[0].text.startsWith(u"7 days: 8,000 / 9,000"_s));
        }
    }

    void tokenWindows()
    {
        QuotaMeter::WindowUse w;
        w.limit.kind = QuotaLimit::Kind::RollingDay;
        w.limit.maxRequests = 2000;
        w.limit.maxTokens = 5'000'000;
        w.usedRequests = 150;
        w.usedTokens = 1'260'000;
        w.usedFraction = 0.25;
        w.resetsAtMs = kNow + 30'000;
        QCOMPARE(TrayStatus::windowLine(w, kNow, kEnglish),
                 u"24 h: 150 / 2,000 requests · 1.3M / 5M tokens · frees up in 30 s"_s);
        w.limit.maxRequests = 0;
        QCOMPARE(TrayStatus::windowLine(w, kNow, kEnglish),
                 u"24 h: 1.3M / 5M tokens · frees up in 30 s"_s);
    }

    void quotaLeftIsTheMeanOfTheTightestWindows()
    {
        const auto a = account(u"a"_s, AccountState::Healthy,
                               {window(QuotaLimit::Kind::Rolling5h, 300, 1000, kHour),
                                window(QuotaLimit::Kind::Week, 6000, 10000, kHour)}); // 40 % left
        const auto b = account(u"b"_s, AccountState::Cooling,
                               {window(QuotaLimit::Kind::Rolling5h, 1200, 1000, kHour)}); // 0 %
        const auto parked = account(u"p"_s, AccountState::Parked,
                                    {window(QuotaLimit::Kind::Rolling5h, 0, 1000, 0)});
        const TrayView v = compute(input({a, b, parked, account(u"unmetered"_s)}));
        QVERIFY(v.quotaLeft);
        QCOMPARE(*v.quotaLeft, 0.2);
    }

    void defaultAccountIsMarked()
    {
        TrayInput in = input({account(u"work"_s), account(u"team"_s)});
        in.defaultAccountId = u"team"_s;
        const TrayView v = compute(in);
        QVERIFY(!v.accounts[0].isDefault);
        QVERIFY(v.accounts[1].isDefault);
    }
};

QTEST_GUILESS_MAIN(TestTrayStatus)
#include "tst_traystatus.moc"
