#pragma once
// The tray as one object the app wires up: the QSystemTrayIcon, its menu and its notifications,
// kept in step with the plain data the engine delivers (pool snapshots, today's counters, the
// server's state). It decides nothing itself: TrayStatus words the state, Notifier picks the
// notifications, and the menu's intents are the owner's to carry out (menu()).

#include "common/clock.h"
#include "tray/trayicon.h"
#include "tray/traystatus.h"

#include <QObject>

class QSystemTrayIcon;

namespace qp {

class TrayMenu;
class TrayNotifier;

class TrayController : public QObject
{
    Q_OBJECT
public:
    explicit TrayController(Clock &clock, QObject *parent = nullptr);
    ~TrayController() override;

    QSystemTrayIcon *trayIcon() const { return m_tray; }
    TrayMenu *menu() const { return m_menu; }
    TrayNotifier *notifier() const { return m_notifier; }
    const TrayView &view() const { return m_view; }
    // How many times the icon was drawn: it is redrawn only when what it shows changes.
    int iconRenders() const { return m_renders; }

    // Light panels get the dark glyph. The default follows the application palette; a desktop
    // whose panel differs from its windows (a dark top bar over light windows) can override it.
    void setTheme(TrayTheme theme);

public slots:
    void setServerStatus(const qp::ServerStatus &status);
    // The pool's accounts as of nowMs (the engine clock's time of the snapshot).
    void setAccounts(const QList<qp::AccountSnapshot> &accounts, const QString &defaultAccountId,
                     qint64 nowMs);
    void setToday(qint64 requests, qint64 tokens);
    void onPoolEvent(const qp::PoolEvent &event);

signals:
    // A left click (or a double click where the platform reports only that) on the icon, or a
    // click on one of its notifications: open the window.
    void activated();

private:
    void refresh();

    TrayInput m_input;
    TrayView m_view;
    QSystemTrayIcon *m_tray;
    TrayMenu *m_menu;
    TrayNotifier *m_notifier;
    TrayTheme m_theme;
    bool m_themeOverridden = false;
    bool m_serverFailed = false;
    // What the current icon shows; the quota in 5 % steps, so a request does not redraw it.
    std::optional<std::pair<TrayIconState, int>> m_drawn;
    TrayTheme m_drawnTheme = TrayTheme::Light;
    int m_renders = 0;
};

} // namespace qp
