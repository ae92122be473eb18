#pragma once
// Hands out valid Qwen OAuth access tokens per account. Refreshes are single-flight per account:
// 100 requests arriving on an expired token cause exactly one call to the token endpoint, and all
// of them continue with its result (qwen-protocol.md §A.5–A.6).

#include "auth/credentialsource.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <functional>
#include <memory>

namespace qp {

class Settings;

class TokenManager : public QObject
{
    Q_OBJECT
public:
    struct Config {
        QUrl tokenEndpoint;
        QString clientId;
        qint64 refreshBufferMs = 30000;
        int requestTimeoutMs = 30000;
        // How long after a failed write of refreshed tokens (a full disk) it is tried again.
        int saveRetryMs = 10000;
        static Config fromSettings(const Settings &s);
    };
    using Callback = std::function<void(const Result<QwenCredentials> &)>;
    using Clock = std::function<qint64()>;

    TokenManager(QNetworkAccessManager *nam, Config config, QObject *parent = nullptr);
    ~TokenManager() override;

    void setClock(Clock clock) { m_clock = std::move(clock); }

    void addAccount(const QString &id, std::shared_ptr<CredentialSource> source);
    void removeAccount(const QString &id);
    bool hasAccount(const QString &id) const { return m_accounts.contains(id); }
    QStringList accountIds() const { return m_accounts.keys(); }

    // Calls `cb` (possibly synchronously) with valid credentials. `rejectedToken`, when set, is an
    // access token the upstream just refused: it is not handed out again (forced refresh, §A.6).
    // `context` guards the callback: it is dropped if the context is destroyed first.
    void acquire(const QString &id, const QString &rejectedToken, QObject *context, Callback cb);

    // Last known state, for /health and the UI. Never contains a secret.
    struct Status {
        QString state; // "ok", "expired", "needs_login", "unknown"
        QString message;
        qint64 expiryMs = 0;
    };
    Status status(const QString &id) const;
    int refreshCount() const { return m_refreshCount; }
    // Accounts whose refreshed tokens are held in memory only, their write having failed.
    QStringList unsavedAccounts() const;

Q_SIGNALS:
    void statusChanged(const QString &accountId);

private:
    struct Waiter {
        QPointer<QObject> context;
        Callback cb;
    };
    struct Account {
        std::shared_ptr<CredentialSource> source;
        std::optional<QwenCredentials> cached;
        bool refreshing = false;
        QString rejected; // the token that triggered the running refresh
        QList<Waiter> waiters;
        std::optional<Error> dead; // needs login
        QString deadRefreshToken;  // the refresh token the endpoint refused
        // Refreshed tokens the source could not store (a full disk). They are the account's
        // truth until stored: the stored refresh token may already be spent, so reading the
        // source back would lose the login. Written again every saveRetryMs.
        std::optional<QwenCredentials> unsaved;
        bool saving = false;      // a write of `unsaved` is in flight
        bool saveFailing = false; // said once per failing stretch
    };

    // The stored credentials, unless this process holds newer ones it could not store yet.
    Result<QwenCredentials> current(Account &a);
    void startRefresh(const QString &id);
    void postRefresh(const QString &id, const QwenCredentials &current);
    // Stores `creds` through the source (which must be locked), then unlocks it.
    void persist(const QString &id, const std::shared_ptr<Account> &a,
                 const QwenCredentials &creds);
    void retryUnsaved();
    void finish(const QString &id, const Result<QwenCredentials> &result);

    QNetworkAccessManager *m_nam;
    Config m_config;
    Clock m_clock;
    QHash<QString, std::shared_ptr<Account>> m_accounts;
    int m_refreshCount = 0;
    QTimer m_retryTimer;
};

} // namespace qp
