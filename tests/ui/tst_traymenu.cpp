// The tray menu built from a TrayView: the lines it shows and the intents its actions emit.
#include "tray/traymenu.h"

#include <QSignalSpy>
#include <QtTest>

using namespace qp;
using namespace Qt::StringLiterals;

namespace {

QAction *find(QMenu &menu, const QString &text)
{
    for (QAction *a : menu.actions())
        if (a->text() == text && a->isVisible())
            return a;
    return nullptr;
}

TrayView demoView()
{
    TrayView v;
    v.icon = TrayIconState::Degraded;
    v.statusLine = u"Serving on 127.0.0.1:8765 · 1 account needs attention"_s;
    v.usageLine = u"Today: 12 requests · 40k tokens"_s;
    v.openAIBaseUrl = u"http://127.0.0.1:8765/v1"_s;
    v.anthropicBaseUrl = u"http://127.0.0.1:8765"_s;
    AccountLine work;
    work.id = u"work"_s;
    work.text = u"work — ready"_s;
    work.usable = true;
    work.windows = {{u"5 h: 10 / 1,200 requests"_s, 10 / 1200.0},
                    {u"7 days: 12 / 9,000 requests"_s, 12 / 9000.0}};
    AccountLine team;
    team.id = u"team"_s;
    team.text = u"team — ready"_s;
    team.usable = true;
    team.isDefault = true;
    AccountLine home;
    home.id = u"home"_s;
    home.text = u"home — needs login"_s;
    home.state = AccountState::NeedsLogin;
    v.accounts = {work, team, home};
    return v;
}

} // namespace

class TestTrayMenu : public QObject
{
    Q_OBJECT

private slots:
    void linesFollowTheView()
    {
        TrayMenu menu;
        menu.setView(demoView());
        QAction *status = find(menu, u"Serving on 127.0.0.1:8765 · 1 account needs attention"_s);
        QVERIFY(status);
        QVERIFY(find(menu, u"Today: 12 requests · 40k tokens"_s));
        QAction *window = find(menu, u"    5 h: 10 / 1,200 requests"_s);
        QVERIFY(window);
        QVERIFY(!window->icon().isNull()); // the quota pie
        QAction *work = find(menu, u"work — ready"_s);
        QAction *team = find(menu, u"team — ready"_s);
        QVERIFY(work && team);
        QVERIFY(!work->isChecked());
        QVERIFY(team->isChecked()); // the default account
        QVERIFY(find(menu, u"Pause serving"_s));

        // A new view replaces the account lines rather than adding to them.
        TrayView fewer = demoView();
        fewer.accounts.removeLast();
        fewer.accounts.removeLast();
        const auto before = menu.actions().size();
        menu.setView(fewer);
        QVERIFY(menu.actions().size() < before);
        QVERIFY(!find(menu, u"team — ready"_s));
        QVERIFY(find(menu, u"work — ready"_s));
    }

    void actionsAreIntents()
    {
        TrayMenu menu;
        menu.setView(demoView());
        QSignalSpy copy(&menu, &TrayMenu::copyRequested);
        QSignalSpy makeDefault(&menu, &TrayMenu::makeDefaultRequested);
        QSignalSpy login(&menu, &TrayMenu::loginRequested);
        QSignalSpy pause(&menu, &TrayMenu::pauseRequested);
        QSignalSpy resume(&menu, &TrayMenu::resumeRequested);
        QSignalSpy quit(&menu, &TrayMenu::quitRequested);
        QSignalSpy addAccount(&menu, &TrayMenu::addAccountRequested);
        QSignalSpy addProvider(&menu, &TrayMenu::addProviderRequested);
        QSignalSpy open(&menu, &TrayMenu::openWindowRequested);

        find(menu, u"Copy OpenAI base URL"_s)->trigger();
        find(menu, u"Copy Anthropic base URL"_s)->trigger();
        QCOMPARE(copy.size(), 2);
        QCOMPARE(copy[0][0].toString(), u"http://127.0.0.1:8765/v1"_s);
        QCOMPARE(copy[1][0].toString(), u"http://127.0.0.1:8765"_s);

        find(menu, u"work — ready"_s)->trigger();
        QCOMPARE(makeDefault.size(), 1);
        QCOMPARE(makeDefault[0][0].toString(), u"work"_s);
        find(menu, u"home — needs login (log in again…)"_s)->trigger();
        QCOMPARE(login.size(), 1);
        QCOMPARE(login[0][0].toString(), u"home"_s);
        QCOMPARE(makeDefault.size(), 1);

        find(menu, u"Add Qwen account…"_s)->trigger();
        find(menu, u"Add provider key…"_s)->trigger();
        find(menu, u"Open Qwen Proxy"_s)->trigger();
        // The status and quota lines open the window too: that is where the details are.
        find(menu, u"Serving on 127.0.0.1:8765 · 1 account needs attention"_s)->trigger();
        find(menu, u"    5 h: 10 / 1,200 requests"_s)->trigger();
        find(menu, u"Pause serving"_s)->trigger();
        QCOMPARE(addAccount.size(), 1);
        QCOMPARE(addProvider.size(), 1);
        QCOMPARE(open.size(), 3);
        QCOMPARE(pause.size(), 1);

        TrayView paused = demoView();
        paused.paused = true;
        paused.icon = TrayIconState::Stopped;
        menu.setView(paused);
        QVERIFY(!find(menu, u"Pause serving"_s));
        find(menu, u"Resume serving"_s)->trigger();
        QCOMPARE(resume.size(), 1);
        QCOMPARE(pause.size(), 1);

        find(menu, u"Quit"_s)->trigger();
        QCOMPARE(quit.size(), 1);
    }
};

QTEST_MAIN(TestTrayMenu)
#include "tst_traymenu.moc"
