#pragma once
// Keeps the pool, the token manager and the router in step with what is stored: Qwen OAuth
// logins, qwen-code's shared login, the stored providers and the qwen-oauth egress proxy. The
// stores are read synchronously (a few SQLite rows); secrets come from the secret store, which
// answers later (the keychain is asynchronous): a reload collects them by callback and applies
// the whole account list in one step. No nested event loop: relays keep running while the
// keychain thinks, and nothing re-enters a half-applied list.
//
// Changes made by another process (`qwen-proxy auth add`, `provider add`) are noticed by a
// poll of the stores' rows (startWatching); changes made in this one call reload() directly.

#include "settings/settings.h"

#include <QHash>
#include <QObject>
#include <QProcessEnvironment>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace qp {

class AccountPool;
class AccountService;
class AccountStore;
class Clock;
class ProviderService;
class ProviderStore;
class TokenManager;
class UpstreamRouter;
class UsageStore;

class AccountSync : public QObject
{
    Q_OBJECT
public:
    struct Deps {
        AccountService *accounts = nullptr;
        AccountStore *store = nullptr;
        ProviderStore *providerStore = nullptr;
        ProviderService *providers = nullptr;
        TokenManager *tokens = nullptr;
        UpstreamRouter *router = nullptr;
        AccountPool *pool = nullptr;
        UsageStore *usage = nullptr;
        Clock *clock = nullptr;
        QNetworkAccessManager *authNetwork = nullptr; // logins and refreshes: same egress
        QProcessEnvironment env;
    };
    struct Config {
        bool useSharedLogin = true; // qwen-code's ~/.qwen/oauth_creds.json as account "default"
        QString qwenHome;           // empty: qwen-code's default
        static Config fromSettings(const Settings &s);
    };

    AccountSync(Deps deps, Config config, QObject *parent = nullptr);
    ~AccountSync() override;

    // Reads the stores and secrets again and applies them. `done` (optional) runs once a reload
    // that started after this call has been applied; reloads asked for during one are merged
    // into a single next one.
    void reload(std::function<void()> done = {});
    bool busy() const { return m_running; }
    // Polls the stored rows every `intervalMs` and reloads when they changed.
    void startWatching(int intervalMs);

signals:
    void reloaded();

private:
    struct Run;
    void begin();
    void apply(const std::shared_ptr<Run> &run);
    void restoreQuota(const QHash<QString, QString> &plans);
    QString fingerprint() const;

    Deps m_d;
    Config m_config;
    bool m_running = false;
    bool m_again = false;
    QList<std::function<void()>> m_waitingForThis; // done callbacks of the running reload
    QList<std::function<void()>> m_waitingForNext; // ... of the next one
    QHash<QString, QString> m_quotaRestored; // account -> the plan its meter was restored under
    QString m_lastFingerprint;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace qp
