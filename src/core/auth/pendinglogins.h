#pragma once
// Server-side device logins for the HTTP endpoints POST /auth/initiate and POST /auth/poll (the
// seeds' API, qwen-protocol.md §E). The proxy itself polls Qwen; /auth/poll only reports how the
// login stands. The PKCE verifier stays inside the DeviceFlow: nothing here returns it.
//
// Entries end when a terminal answer (success / error) was read by poll(), when cancelled, or ten
// minutes after they finished unread. At most maxPending() logins run at once, so an
// unauthenticated caller cannot make the proxy poll Qwen without bound.

#include "accounts/accountservice.h"
#include "common/error.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

namespace qp {

class LoginSession;

class PendingLogins : public QObject
{
    Q_OBJECT
public:
    struct Initiated {
        QString verificationUri;
        QString verificationUriComplete;
        QString userCode;
        QString deviceCode;
        int expiresIn = 0;
        // {verification_uri, verification_uri_complete, user_code, device_code, expires_in}
        QJsonObject toJson() const;
    };

    struct PollResult {
        enum class Status { Pending, Success, Error, Unknown };
        Status status = Status::Unknown;
        QString accountId;   // Success
        Error error;         // Error (Unknown carries a NotFound error too)
        int secondsLeft = 0; // Pending
        // {status: "pending"|"success"|"error"|"unknown", account_id?, error?, code?, expires_in?}
        QJsonObject toJson() const;
    };

    explicit PendingLogins(AccountService *service, QObject *parent = nullptr);
    ~PendingLogins() override;

    void setMaxPending(int n) { m_maxPending = n; }
    int maxPending() const { return m_maxPending; }
    int activeCount() const;

    // Starts a login; `done` runs once with the device code details or the error (invalid id,
    // too many logins, Qwen refused). `context` guards the callback (an HTTP responder's owner).
    // Refusals decided locally (invalid id, too many logins) are reported inside the call.
    void initiate(const AddAccountOptions &options, QObject *context,
                  std::function<void(Result<Initiated>)> done);
    PollResult poll(const QString &deviceCode);
    // True when a running login with this device code was cancelled.
    bool cancel(const QString &deviceCode);

private:
    struct Entry {
        QPointer<LoginSession> session;
        PollResult result; // Pending until the session ends
        QElapsedTimer finishedAt;
    };
    void purge();

    AccountService *m_service;
    int m_maxPending = 4;
    QHash<QString, Entry> m_entries; // by device_code
};

} // namespace qp
