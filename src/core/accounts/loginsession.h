#pragma once
// A device login that ends as a stored account: a DeviceFlow plus AccountService::addAccount on
// success. The CLI prints started()'s URL and a terminal QR, the tray shows a QR dialog, the HTTP
// /auth endpoints go through PendingLogins; all of them use this class. cancel() at any time leaves
// nothing behind: secrets and the account row are written only after the login succeeded.

#include "accounts/account.h"
#include "accounts/accountservice.h"
#include "auth/deviceflow.h"

#include <QObject>

namespace qp {

class LoginSession : public QObject
{
    Q_OBJECT
public:
    LoginSession(AccountService *service, AddAccountOptions options, QObject *parent = nullptr);

    void start();
    // Stops the login; emits cancelled() unless it already ended. Once the tokens arrived and are
    // being stored, the session completes instead (there is nothing half-done to undo).
    void cancel();

    DeviceFlow *flow() const { return m_flow; }
    bool isActive() const { return m_flow->isActive() || m_storing; }
    const AddAccountOptions &options() const { return m_options; }

signals:
    void started(const QString &verificationUri, const QString &verificationUriComplete,
                 const QString &userCode, int expiresInSec);
    void secondsLeftChanged(int secondsLeft);
    void succeeded(const qp::Account &account);
    void failed(const qp::Error &error);
    void cancelled();

private:
    void onCredentials(const QwenCredentials &creds);

    AccountService *m_service;
    AddAccountOptions m_options;
    DeviceFlow *m_flow;
    bool m_storing = false;
};

} // namespace qp
