#pragma once
// The composition root: builds every service once, in dependency order, and owns their lifetimes.
// Both executables (qwen-proxy and qwen-proxy-tray) and the full-stack tests create one Runtime.

#include "common/error.h"
#include "settings/settings.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QProcessEnvironment>
#include <QSet>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace qp {

class AccountService;
class AccountSync;
class AccountStore;
class UsageStore;
class PendingLogins;
class SecretStore;
class ModelCatalog;
class HttpClient;
class TokenManager;
class UpstreamRouter;
class ApiRoutes;
namespace http {
class HttpServer;
}

class AccountPool;
class AdmissionGate;
class Clock;
class ProviderService;
struct PoolEvent;
class ProviderStore;
class ProxyMetrics;

struct RuntimeOptions {
    QString dataDir;    // empty: the platform's app data location
    QString configFile; // empty: <config location>/config.json, or <dataDir>/config.json
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QHash<QString, QString> cli; // flag name (without --) -> value
    Clock *clock = nullptr;      // wall-clock time for windows and days; null: the system clock
    // The engine's keychain store, living on the GUI thread (docs/engine-thread.md): used through
    // a CrossThreadSecretStore, never owned. Null: the runtime chooses a store itself (CLI verbs).
    SecretStore *secretStore = nullptr;
    // Wait in create() until the first account list is loaded (a bounded local loop: fine before
    // anything is served). The engine loads asynchronously instead (reloadAccounts).
    bool waitForAccounts = true;
};

// Where the runtime keeps its files and what its settings say, known before any service exists
// (the engine reads the secret-store mode and the log level from it on the GUI thread).
struct RuntimeSetup {
    Settings settings;
    QString dataDir;
    static Result<RuntimeSetup> load(const RuntimeOptions &options);
};

class Runtime : public QObject
{
    Q_OBJECT
public:
    static Result<std::unique_ptr<Runtime>> create(const RuntimeOptions &options);
    static Result<std::unique_ptr<Runtime>> create(const RuntimeOptions &options,
                                                   RuntimeSetup setup);
    ~Runtime() override;

    // Binds the listener. Errors name the port ("port 8765 is already in use on 127.0.0.1").
    std::optional<Error> start();
    // The tray's "pause serving": stop accepting and close idle connections (responses in
    // progress finish); resume() listens again on the configured address.
    void pause();
    std::optional<Error> resume();
    // Stops accepting, lets open responses finish for up to `graceMs`, then calls `done`.
    void shutdown(int graceMs, std::function<void()> done);

    Settings &settings() { return m_settings; }
    const Settings &settings() const { return m_settings; }
    http::HttpServer &server() { return *m_server; }
    TokenManager &tokens() { return *m_tokens; }
    UpstreamRouter &router() { return *m_router; }
    AccountPool &pool() { return *m_pool; }
    Clock &clock() { return *m_clock; }
    const ModelCatalog &catalog() const { return *m_catalog; }
    QNetworkAccessManager *authNetwork() { return m_authNam; }
    AccountService &accounts() { return *m_accounts; }
    ProviderService &providers() { return *m_providers; }
    PendingLogins &pendingLogins() { return *m_pending; }
    UsageStore &usage() { return *m_usage; }
    ProxyMetrics &metrics() { return *m_metrics; }
    // Re-reads the accounts and providers (after a login, removal or default change) into the
    // token manager, the pool and the router (accountsync.h). Asynchronous: `done` runs once a
    // reload that started after this call is applied. Loads secrets; never refreshes a token.
    void reloadAccounts(std::function<void()> done = {});
    QString dataDir() const { return m_dataDir; }
    quint16 port() const;
    QString openAIBaseUrl() const;
    QString anthropicBaseUrl() const;
    QString upstreamDescription() const;
    QDateTime startedAt() const { return m_startedAt; }
    QStringList warnings() const { return m_warnings; }
    void addWarning(const QString &w) { m_warnings.append(w); }

private:
    Runtime() = default;
    std::optional<Error> setupAccounts(const RuntimeOptions &options);
    void buildServer();
    void onPoolEvent(const PoolEvent &e);

    Settings m_settings;
    QString m_dataDir;
    QDateTime m_startedAt;
    QStringList m_warnings;
    QProcessEnvironment m_env; // the proxy environment (HTTPS_PROXY, NO_PROXY, ...)
    QNetworkAccessManager *m_authNam = nullptr;
    Clock *m_clock = nullptr;
    std::unique_ptr<ModelCatalog> m_catalog;
    AccountPool *m_pool = nullptr;
    std::unique_ptr<UpstreamRouter> m_router;
    HttpClient *m_client = nullptr;
    TokenManager *m_tokens = nullptr;
    http::HttpServer *m_server = nullptr;
    ApiRoutes *m_routes = nullptr;
    std::unique_ptr<AdmissionGate> m_gate;
    std::unique_ptr<AccountStore> m_store;
    std::unique_ptr<ProviderStore> m_providerStore;
    ProviderService *m_providers = nullptr;
    AccountSync *m_sync = nullptr;
    std::unique_ptr<UsageStore> m_usage;
    std::unique_ptr<ProxyMetrics> m_metrics;
    SecretStore *m_secrets = nullptr;
    AccountService *m_accounts = nullptr;
    PendingLogins *m_pending = nullptr;
};

} // namespace qp
