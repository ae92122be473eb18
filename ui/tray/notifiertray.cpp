#include "tray/notifiertray.h"

#include <QSystemTrayIcon>

namespace qp {

TrayNotifier::TrayNotifier(Clock &clock, QSystemTrayIcon *tray, QObject *parent)
    : QObject(parent), m_policy(clock), m_tray(tray)
{}

void TrayNotifier::onPoolEvent(const PoolEvent &event)
{
    if (auto n = m_policy.onPoolEvent(event))
        show(*n);
}

void TrayNotifier::onSnapshots(const QList<AccountSnapshot> &accounts)
{
    for (const Notification &n : m_policy.onSnapshots(accounts))
        show(n);
}

void TrayNotifier::onServerFailed(const QString &reason)
{
    if (auto n = m_policy.onServerFailed(reason))
        show(*n);
}

void TrayNotifier::onServerStarted()
{
    m_policy.onServerStarted();
}

void TrayNotifier::show(const Notification &n)
{
    if (m_tray && m_tray->isVisible() && QSystemTrayIcon::supportsMessages()) {
        const auto icon = n.severity == Notification::Severity::Critical ? QSystemTrayIcon::Critical
                          : n.severity == Notification::Severity::Warning
                              ? QSystemTrayIcon::Warning
                              : QSystemTrayIcon::Information;
        // Critical ones stay longer: they ask the user to act.
        m_tray->showMessage(n.title, n.body, icon,
                            n.severity == Notification::Severity::Critical ? 15000 : 8000);
    }
    emit shown(n);
}

} // namespace qp
