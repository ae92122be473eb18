#pragma once
// Accounts: every account the pool serves from, with its state, token expiry, quota windows and
// today's use; set default, enable/disable, remove (confirmed), re-login. Logging in is the login
// window's job: this page only says that the user wants it (loginRequested).

#include "confirm.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTableView;

namespace qp {

class AccountsModel;
class EngineClient;
class QuotaBarDelegate;

class AccountsPage : public QWidget
{
    Q_OBJECT
public:
    explicit AccountsPage(EngineClient &client, QWidget *parent = nullptr);

    AccountsModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    void setConfirmer(Confirmer c) { m_confirm = std::move(c); }
    // The selected account's id, or empty.
    QString selectedId() const;
    void selectId(const QString &id);
    // The last action's answer as shown under the table.
    QString statusText() const;

    // Actions on the selected account (the buttons call these).
    void setDefault();
    void toggleEnabled();
    void removeSelected();
    void relogin();

signals:
    // An empty id asks for a new account.
    void loginRequested(const QString &accountId);
    void addProviderRequested();

private:
    void refresh();
    void updateButtons();
    void showResult(bool ok, const QString &message);

    EngineClient &m_client;
    AccountsModel *m_model;
    QuotaBarDelegate *m_bars;
    QTableView *m_view;
    QStackedWidget *m_stack;
    QLabel *m_banner;
    QLabel *m_status;
    QPushButton *m_default, *m_enable, *m_remove, *m_relogin;
    Confirmer m_confirm = confirmWithMessageBox;
};

} // namespace qp
