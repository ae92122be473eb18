#include "tray/traycontroller.h"

#include "tray/notifiertray.h"
#include "tray/traymenu.h"

#include <QApplication>
#include <QSystemTrayIcon>
#include <cmath>

namespace qp {

TrayController::TrayController(Clock &clock, QObject *parent)
    : QObject(parent), m_tray(new QSystemTrayIcon(this)), m_menu(new TrayMenu),
      m_notifier(new TrayNotifier(clock, m_tray, this)),
      m_theme(TrayIconPainter::themeFor(QApplication::palette()))
{
    m_tray->setContextMenu(m_menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason r) {
        if (r == QSystemTrayIcon::Trigger || r == QSystemTrayIcon::DoubleClick)
            emit activated();
    });
    // Clicking a notification is asking for the details.
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, &TrayController::activated);
    // The application palette follows the desktop's light/dark switch; the menu, a widget, is
    // told of it.
    connect(m_menu, &TrayMenu::paletteChanged, this, [this] {
        if (m_themeOverridden)
            return;
        const TrayTheme theme = TrayIconPainter::themeFor(QApplication::palette());
        if (theme != m_theme) {
            m_theme = theme;
            refresh();
        }
    });
    m_input.nowMs = clock.nowMs();
    refresh();
}

TrayController::~TrayController()
{
    delete m_menu; // a context menu has no parent: QSystemTrayIcon does not take it
}

void TrayController::setTheme(TrayTheme theme)
{
    m_themeOverridden = true;
    m_theme = theme;
    refresh();
}

void TrayController::setServerStatus(const ServerStatus &status)
{
    const bool failed = status.state == ServerStatus::State::Failed;
    if (failed && (!m_serverFailed || status.failure != m_input.server.failure))
        m_notifier->onServerFailed(status.failure);
    if (!failed && m_serverFailed)
        m_notifier->onServerStarted();
    m_serverFailed = failed;
    m_input.server = status;
    refresh();
}

void TrayController::setAccounts(const QList<AccountSnapshot> &accounts,
                                 const QString &defaultAccountId, qint64 nowMs)
{
    m_input.accounts = accounts;
    m_input.defaultAccountId = defaultAccountId;
    m_input.nowMs = nowMs;
    m_notifier->onSnapshots(accounts);
    refresh();
}

void TrayController::setToday(qint64 requests, qint64 tokens)
{
    m_input.requestsToday = requests;
    m_input.tokensToday = tokens;
    refresh();
}

void TrayController::onPoolEvent(const PoolEvent &event)
{
    m_notifier->onPoolEvent(event);
}

void TrayController::refresh()
{
    m_view = TrayStatus::compute(m_input);
    const int quotaStep = m_view.quotaLeft ? int(std::lround(*m_view.quotaLeft * 20)) : -1;
    const std::pair<TrayIconState, int> shown{m_view.icon, quotaStep};
    if (!m_drawn || *m_drawn != shown || m_drawnTheme != m_theme) {
        std::optional<double> left;
        if (quotaStep >= 0)
            left = quotaStep / 20.0;
        QIcon icon = TrayIconPainter::icon(m_view.icon, m_theme, left);
#ifdef Q_OS_MACOS
        // The menu bar tints template images itself (light and dark, highlighted or not).
        icon = TrayIconPainter::icon(m_view.icon, TrayTheme::Light, left);
        icon.setIsMask(true);
#endif
        m_tray->setIcon(icon);
        m_drawn = shown;
        m_drawnTheme = m_theme;
        ++m_renders;
    }
    m_tray->setToolTip(m_view.tooltip);
    m_menu->setView(m_view);
}

} // namespace qp
