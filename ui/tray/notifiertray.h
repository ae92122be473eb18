#pragma once
// Shows what the Notifier decides through the platform's notifications (QSystemTrayIcon's
// balloon / notification centre / org.freedesktop.Notifications). Receives plain data only: pool
// events and snapshots as the engine's queued signals deliver them, and server failures.

#include "tray/notifier.h"

#include <QObject>
#include <QPointer>

class QSystemTrayIcon;

namespace qp {

class TrayNotifier : public QObject
{
    Q_OBJECT
public:
    TrayNotifier(Clock &clock, QSystemTrayIcon *tray, QObject *parent = nullptr);

    Notifier &policy() { return m_policy; }

public slots:
    void onPoolEvent(const qp::PoolEvent &event);
    void onSnapshots(const QList<qp::AccountSnapshot> &accounts);
    void onServerFailed(const QString &reason);
    void onServerStarted();

signals:
    // Every notification handed to the platform (for tests and the log window).
    void shown(const qp::Notification &notification);

private:
    void show(const Notification &n);

    Notifier m_policy;
    QPointer<QSystemTrayIcon> m_tray;
};

} // namespace qp
