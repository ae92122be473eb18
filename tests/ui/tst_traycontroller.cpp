// TrayController keeps the tray icon, its tooltip, its menu and the notifications in step with the
// data it is given, and redraws the icon only when what it shows changes.
#include "tray/notifiertray.h"
#include "tray/traycontroller.h"
#include "tray/traymenu.h"

#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QTranslator>
#include <QtTest>

using namespace qp;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kNow = 1796637600000;

ServerStatus serving()
{
    ServerStatus s;
    s.address = u"127.0.0.1:8765"_s;
    s.openAIBaseUrl = u"http://127.0.0.1:8765/v1"_s;
    s.anthropicBaseUrl = u"http://127.0.0.1:8765"_s;
    return s;
}

AccountSnapshot account(const QString &id, AccountState state, double used = -1)
{
    AccountSnapshot a;
    a.id = id;
    a.state = state;
    if (used >= 0) {
        QuotaMeter::WindowUse w;
        w.limit.maxRequests = 1000;
        w.usedRequests = qint64(used * 1000);
        w.usedFraction = used;
        w.resetsAtMs = kNow + 60'000;
        a.windows = {w};
    }
    return a;
}

} // namespace

class TestTrayController : public QObject
{
    Q_OBJECT
    QTranslator m_en;

private slots:
    void initTestCase()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QVERIFY(m_en.load(u":/i18n/qwen-proxy_en.qm"_s));
        QCoreApplication::installTranslator(&m_en);
    }

    void followsTheData()
    {
        FakeClock clock(kNow);
        TrayController tray(clock);
        tray.setServerStatus(serving());
        tray.setAccounts({account(u"work"_s, AccountState::Healthy, 0.5)}, u"work"_s, kNow);
        tray.setToday(12, 40'000);
        QCOMPARE(tray.view().icon, TrayIconState::Serving);
        QCOMPARE(tray.trayIcon()->toolTip(), tray.view().tooltip);
        QVERIFY(tray.trayIcon()->toolTip().contains(u"Today: 12 requests · 40k tokens"_s));
        QVERIFY(!tray.trayIcon()->icon().isNull());
        QCOMPARE(tray.trayIcon()->contextMenu(), tray.menu());
        QCOMPARE(tray.menu()->view().statusLine, u"Serving on 127.0.0.1:8765"_s);

        tray.setAccounts({account(u"work"_s, AccountState::Healthy, 0.5),
                          account(u"home"_s, AccountState::NeedsLogin)},
                         u"work"_s, kNow);
        QCOMPARE(tray.view().icon, TrayIconState::Degraded);
        QVERIFY(tray.trayIcon()->toolTip().contains(u"1 of 2 usable"_s));
        QCOMPARE(tray.menu()->view().accounts.size(), 2);
    }

    void iconIsRedrawnOnlyWhenItChanges()
    {
        FakeClock clock(kNow);
        TrayController tray(clock);
        tray.setServerStatus(serving());
        tray.setAccounts({account(u"work"_s, AccountState::Healthy, 0.500)}, {}, kNow);
        const int before = tray.iconRenders();
        // Counters and a request's worth of quota: the same picture.
        tray.setToday(13, 41'000);
        tray.setAccounts({account(u"work"_s, AccountState::Healthy, 0.501)}, {}, kNow);
        QCOMPARE(tray.iconRenders(), before);
        // A visible step of the ring, a new state, a new theme: redrawn.
        tray.setAccounts({account(u"work"_s, AccountState::Healthy, 0.6)}, {}, kNow);
        QCOMPARE(tray.iconRenders(), before + 1);
        ServerStatus paused = serving();
        paused.state = ServerStatus::State::Paused;
        tray.setServerStatus(paused);
        QCOMPARE(tray.iconRenders(), before + 2);
        tray.setTheme(TrayTheme::Dark);
        tray.setTheme(TrayTheme::Dark);
        QCOMPARE(tray.iconRenders(), before + 3);
    }

    void notifiesThroughThePolicy()
    {
        FakeClock clock(kNow);
        TrayController tray(clock);
        QSignalSpy shown(tray.notifier(), &TrayNotifier::shown);
        ServerStatus failed = serving();
        failed.state = ServerStatus::State::Failed;
        failed.failure = u"port 8765 is already in use on 127.0.0.1"_s;
        tray.setServerStatus(failed);
        tray.setServerStatus(failed); // the same failure again: not told twice
        QCOMPARE(shown.size(), 1);
        QCOMPARE(shown[0][0].value<Notification>().body, failed.failure);
        QCOMPARE(tray.view().icon, TrayIconState::Stopped);
        // Serving again, then failing again: news again.
        tray.setServerStatus(serving());
        tray.setServerStatus(failed);
        QCOMPARE(shown.size(), 2);

        tray.onPoolEvent(PoolEvent{PoolEvent::Type::NeedsLogin, u"home"_s, {}, kNow, {}});
        QCOMPARE(shown.size(), 3);
        QCOMPARE(shown[2][0].value<Notification>().title, u"home needs a new login"_s);
    }

    void clickingTheIconActivates()
    {
        FakeClock clock(kNow);
        TrayController tray(clock);
        QSignalSpy activated(&tray, &TrayController::activated);
        emit tray.trayIcon()->activated(QSystemTrayIcon::Trigger);
        emit tray.trayIcon()->activated(QSystemTrayIcon::Context); // that one opens the menu
        QCOMPARE(activated.size(), 1);
        emit tray.trayIcon()->messageClicked();
        QCOMPARE(activated.size(), 2);
    }
};

QTEST_MAIN(TestTrayController)
#include "tst_traycontroller.moc"
