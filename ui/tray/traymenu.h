#pragma once
// The tray's context menu, built from a TrayView. Only plain text actions with icons and check
// marks: on Linux the menu travels over D-Bus (StatusNotifierItem + dbusmenu), which cannot carry
// custom widgets, so quota bars are small pie icons next to text lines. The menu decides nothing:
// every click becomes an intent signal for whoever owns the engine.

#include "tray/traystatus.h"

#include <QMenu>

class QActionGroup;

namespace qp {

class TrayMenu : public QMenu
{
    Q_OBJECT
public:
    explicit TrayMenu(QWidget *parent = nullptr);

    // Rebuilds the lines that depend on the view (status, accounts, pause/resume); the fixed
    // actions stay the same QAction objects, so a menu that is open does not jump.
    void setView(const TrayView &view);
    const TrayView &view() const { return m_view; }

signals:
    void copyRequested(const QString &text);
    void makeDefaultRequested(const QString &accountId);
    void loginRequested(const QString &accountId); // re-login of an account that needs it
    void addAccountRequested();
    void addProviderRequested();
    void openWindowRequested();
    void pauseRequested();
    void resumeRequested();
    void quitRequested();
    // The palette changed (the desktop switched between light and dark).
    void paletteChanged();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void rebuildAccounts();

    TrayView m_view;
    QAction *m_status;
    QAction *m_usage;
    QAction *m_copyOpenAI;
    QAction *m_copyAnthropic;
    QAction *m_accountsHeader;
    QAction *m_accountsEnd; // separator after the account lines: new lines go before it
    QAction *m_addAccount;
    QAction *m_addProvider;
    QAction *m_openWindow;
    QAction *m_pause;
    QAction *m_quit;
    QList<QAction *> m_accountActions;
    QActionGroup *m_defaultGroup;
};

} // namespace qp
