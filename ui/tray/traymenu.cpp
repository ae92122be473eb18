#include "tray/traymenu.h"

#include "tray/trayicon.h"

#include <QActionGroup>
#include <QEvent>

using namespace Qt::StringLiterals;

namespace qp {

TrayMenu::TrayMenu(QWidget *parent) : QMenu(parent), m_defaultGroup(new QActionGroup(this))
{
    // The status lines stay enabled: greyed-out text (and a greyed icon) is hard to read, and
    // clicking them opens the window with the details.
    m_status = addAction(QString(), this, &TrayMenu::openWindowRequested);
    m_usage = addAction(QString(), this, &TrayMenu::openWindowRequested);
    addSeparator();
    m_copyOpenAI = addAction(QString(), this, [this] { emit copyRequested(m_view.openAIBaseUrl); });
    m_copyAnthropic =
        addAction(QString(), this, [this] { emit copyRequested(m_view.anthropicBaseUrl); });
    m_accountsHeader = addSeparator();
    m_accountsEnd = addSeparator();
    m_addAccount = addAction(QString(), this, &TrayMenu::addAccountRequested);
    m_addProvider = addAction(QString(), this, &TrayMenu::addProviderRequested);
    addSeparator();
    m_openWindow = addAction(QString(), this, &TrayMenu::openWindowRequested);
    m_pause = addAction(QString(), this, [this] {
        if (m_view.paused)
            emit resumeRequested();
        else
            emit pauseRequested();
    });
    addSeparator();
    m_quit = addAction(QString(), this, &TrayMenu::quitRequested);
    m_defaultGroup->setExclusive(true);
    retranslate();
}

void TrayMenu::setView(const TrayView &view)
{
    m_view = view;
    m_status->setText(view.statusLine);
    m_status->setIcon(
        TrayIconPainter::icon(view.icon, TrayIconPainter::themeFor(palette()), view.quotaLeft));
    m_usage->setText(view.usageLine);
    m_usage->setVisible(!view.failed);
    m_copyOpenAI->setEnabled(!view.openAIBaseUrl.isEmpty());
    m_copyAnthropic->setEnabled(!view.anthropicBaseUrl.isEmpty());
    // A failed server has nothing to pause; "resume" is how the user retries it.
    m_pause->setText(view.paused || view.failed ? tr("Resume serving") : tr("Pause serving"));
    rebuildAccounts();
}

void TrayMenu::rebuildAccounts()
{
    for (QAction *a : std::as_const(m_accountActions)) {
        m_defaultGroup->removeAction(a);
        removeAction(a);
        a->deleteLater();
    }
    m_accountActions.clear();
    m_accountsEnd->setVisible(!m_view.accounts.isEmpty());
    auto add = [this](QAction *a) {
        insertAction(m_accountsEnd, a);
        m_accountActions.append(a);
    };
    for (const AccountLine &line : std::as_const(m_view.accounts)) {
        auto *account = new QAction(line.text, this);
        if (line.state == AccountState::NeedsLogin) {
            // The one thing to do with such an account is to log in again.
            account->setText(tr("%1 (log in again…)").arg(line.text));
            const QString id = line.id;
            connect(account, &QAction::triggered, this, [this, id] { emit loginRequested(id); });
        } else {
            // Checked = the default account; clicking another makes it the default.
            account->setCheckable(true);
            account->setChecked(line.isDefault);
            account->setToolTip(tr("Make %1 the default account").arg(line.id));
            m_defaultGroup->addAction(account);
            const QString id = line.id;
            connect(account, &QAction::triggered, this,
                    [this, id] { emit makeDefaultRequested(id); });
        }
        add(account);
        for (const QuotaWindowLine &w : line.windows) {
            // Indented under their account. Enabled, so the pie keeps its warning colours (a
            // disabled icon is drawn grey); a click opens the window's details.
            auto *window = new QAction(u"    "_s + w.text, this);
            window->setIcon(TrayIconPainter::quotaPie(w.usedFraction, palette()));
            connect(window, &QAction::triggered, this, &TrayMenu::openWindowRequested);
            add(window);
        }
    }
}

void TrayMenu::retranslate()
{
    m_copyOpenAI->setText(tr("Copy OpenAI base URL"));
    m_copyAnthropic->setText(tr("Copy Anthropic base URL"));
    m_addAccount->setText(tr("Add Qwen account…"));
    m_addProvider->setText(tr("Add provider key…"));
    m_openWindow->setText(tr("Open Qwen Proxy"));
    m_quit->setText(tr("Quit"));
    setView(m_view);
}

void TrayMenu::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    else if (event->type() == QEvent::PaletteChange) {
        setView(m_view);
        emit paletteChanged();
    }
    QMenu::changeEvent(event);
}

} // namespace qp
