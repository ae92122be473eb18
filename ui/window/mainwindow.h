#pragma once
// The main window: a status header (serving / unlocking the keychain / failed with the reason,
// and the base URLs with copy buttons) above a sidebar of pages. The pages talk to the engine
// only through one EngineClient (engineclient.h).

#include "engine.h"

#include <QMainWindow>

class QLabel;
class QLineEdit;
class QListWidget;
class QStackedWidget;
class QToolButton;

namespace qp {

class AccountsPage;
class ClientsPage;
class EngineClient;
class LogsPage;
class ProvidersPage;
class SettingsPage;
class UsagePage;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum Page { Accounts, Providers, Usage, Logs, Clients, Settings, PageCount };

    explicit MainWindow(Engine &engine, QWidget *parent = nullptr);
    ~MainWindow() override;

    EngineClient &client() const { return *m_client; }
    void showPage(Page page);
    Page currentPage() const;
    QWidget *page(Page page) const;
    AccountsPage *accountsPage() const { return m_accounts; }
    ProvidersPage *providersPage() const { return m_providers; }
    UsagePage *usagePage() const { return m_usage; }
    LogsPage *logsPage() const { return m_logs; }
    ClientsPage *clientsPage() const { return m_clients; }
    SettingsPage *settingsPage() const { return m_settings; }
    QString statusText() const;

signals:
    // The login window belongs to the tray side: the window only asks for it (empty id: a new
    // account; else a re-login of that account).
    void loginRequested(const QString &accountId);

private:
    void showState(Engine::State state);
    QString servingText() const;

    Engine &m_engine;
    EngineClient *m_client;
    QLabel *m_status;
    QLineEdit *m_openAI, *m_anthropic;
    QWidget *m_urls;
    QListWidget *m_sidebar;
    QStackedWidget *m_stack;
    AccountsPage *m_accounts;
    ProvidersPage *m_providers;
    UsagePage *m_usage;
    LogsPage *m_logs;
    ClientsPage *m_clients;
    SettingsPage *m_settings;
};

} // namespace qp
