#include "runtime.h"

#include "access/clientkeystore.h"
#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "accountsync.h"
#include "admissiongate.h"
#include "apiroutes.h"
#include "auth/oauthendpoints.h"
#include "auth/pendinglogins.h"
#include "auth/sharedfilesource.h"
#include "auth/tokenmanager.h"
#include "clients/clientprofile.h"
#include "common/clock.h"
#include "common/malloctuning.h"
#include "common/privatefiles.h"
#include "http/httpserver.h"
#include "logging/logging.h"
#include "metrics/proxymetrics.h"
#include "models/modelcatalog.h"
#include "net/descriptors.h"
#include "platform/portable.h"
#include "platform/userdirs.h"
#include "pool/accountpool.h"
#include "providers/providerservice.h"
#include "providers/providerstore.h"
#include "routing/upstreamrouter.h"
#include "secrets/crossthreadsecretstore.h"
#include "secrets/filesecretstore.h"
#include "secrets/keychainsecretstore.h"
#include "secrets/memorysecretstore.h"
#include "secrets/secretstoreprobe.h"
#include "upstream/egress.h"
#include "upstream/httpclient.h"
#include "upstream/upstreamerror.h"
#include "usage/sqliteusagestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QHostInfo>
#include <QNetworkAccessManager>
#include <QStandardPaths>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace qp {

Result<RuntimeSetup> RuntimeSetup::load(const RuntimeOptions &options)
{
    RuntimeSetup setup;
    // Portable mode (platform/portable.h) stands for --data-dir <exe folder>/data, with secrets
    // in a file there: the config follows the data dir, and nothing lands in the user's profile.
    const QString portableDir = options.dataDir.isEmpty() ? portable::dataDir() : QString();
    const QString dataDirOption = portableDir.isEmpty() ? options.dataDir : portableDir;
    setup.dataDir = dataDirOption.isEmpty() ? userdirs::dataDir() : dataDirOption;
    if (setup.dataDir.isEmpty())
        setup.dataDir = QDir::home().filePath(u".local/share/qwen-proxy"_s);
    // The data dir holds tokens, keys and usage: private to the user (common/privatefiles.h). A
    // new one is made so; what an older version or another umask left wider is tightened, loudly.
    const bool existed = QFileInfo::exists(setup.dataDir);
    if (!QDir().mkpath(setup.dataDir))
        return Error::make(Error::Kind::Internal,
                           u"cannot create data dir %1"_s.arg(setup.dataDir));
    if (!existed)
        QFile::setPermissions(setup.dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                 QFileDevice::ExeOwner);
    for (const QString &line : tightenOurs(setup.dataDir, {AccountStore::defaultFileName() + u'*',
                                                           FileSecretStore::defaultFileName(),
                                                           u"config.json"_s, u"logs"_s}))
        qCWarning(lcSettings).noquote() << line;

    QString configFile = options.configFile;
    if (configFile.isEmpty()) {
        if (!dataDirOption.isEmpty()) {
            configFile = QDir(setup.dataDir).filePath(u"config.json"_s);
        } else {
            const QString dir = userdirs::configDir();
            QDir().mkpath(dir);
            for (const QString &line : tightenOurs(dir, {u"config.json"_s}))
                qCWarning(lcSettings).noquote() << line;
            configFile = QDir(dir).filePath(u"config.json"_s);
        }
    }
    QProcessEnvironment env = options.env;
    if (!portableDir.isEmpty() && !env.contains(u"QP_SECRET_STORE"_s))
        env.insert(u"QP_SECRET_STORE"_s, u"file"_s); // as if set: never saved to the config
    if (auto e = setup.settings.load(configFile, env, options.cli))
        return *e;
    return setup;
}

Result<std::unique_ptr<Runtime>> Runtime::create(const RuntimeOptions &options)
{
    auto setup = RuntimeSetup::load(options);
    if (!setup)
        return setup.error();
    return create(options, std::move(setup.value()));
}

Result<std::unique_ptr<Runtime>> Runtime::create(const RuntimeOptions &options, RuntimeSetup setup)
{
    std::unique_ptr<Runtime> rt(new Runtime);
    rt->m_startedAt = QDateTime::currentDateTimeUtc();
    rt->m_dataDir = setup.dataDir;
    rt->m_settings = std::move(setup.settings);

    const Settings &s = rt->m_settings;
    rt->m_catalog =
        std::make_unique<ModelCatalog>(s.string(u"default_model"), s.string(u"model_map"));
    rt->m_clock = options.clock ? options.clock : &Clock::system();
    rt->m_pool = new AccountPool(*rt->m_clock, PoolConfig::fromSettings(s), rt.get());
    rt->m_router = std::make_unique<UpstreamRouter>(s, *rt->m_catalog, *rt->m_pool);
    rt->m_authNam = new QNetworkAccessManager(rt.get());
    // One keep-alive HTTP/1.1 client for every upstream request: no per-host connection limit
    // worth hitting, no extra threads (QNAM cost half the CPU in the benchmark).
    HttpClientConfig clientConfig;
    clientConfig.maxConnectionsPerHost = 4096;
    rt->m_client = new HttpClient(clientConfig, rt.get());
    // Egress (docs/egress.md): each provider's own proxy, else the system's, else direct; the
    // environment is the runtime's (tests give a clean one).
    rt->m_env = options.env;
    rt->m_client->setEnvironment(options.env);
    for (const QString &w : rt->m_client->systemProxy().warnings())
        rt->m_warnings.append(w);
    applyEgress(rt->m_authNam, QNetworkProxy(QNetworkProxy::DefaultProxy), options.env);

    TokenManager::Config tokenConfig = TokenManager::Config::fromSettings(s);
    {
        // Test hook (not a user setting): retry a failed token write sooner than every 10 s.
        bool ok = false;
        const int ms = options.env.value(u"QP_TOKEN_SAVE_RETRY_MS"_s).toInt(&ok);
        if (ok && ms > 0)
            tokenConfig.saveRetryMs = ms;
    }
    rt->m_tokens = new TokenManager(rt->m_authNam, tokenConfig, rt.get());
    if (auto e = rt->setupAccounts(options))
        return *e;
    {
        // Test hook (not a user setting): a faster device-flow poll than Qwen's 2 s.
        bool ok = false;
        const int ms = options.env.value(u"QP_DEVICE_POLL_MS"_s).toInt(&ok);
        if (ok && ms > 0) {
            DeviceFlow::Timing t = rt->m_accounts->deviceFlowTiming();
            t.initialPollMs = ms;
            t.maxPollMs = std::max(ms, std::min(t.maxPollMs, ms * 5));
            rt->m_accounts->setDeviceFlowTiming(t);
        }
    }

    rt->m_metrics = std::make_unique<ProxyMetrics>();
    // The end of the OAuth tier, explained where the user looks (console, /health, the tray)
    // the first time an account meets it; the account stays parked across restarts.
    connect(rt->m_pool, &AccountPool::event, rt.get(),
            [raw = rt.get()](const PoolEvent &e) { raw->onPoolEvent(e); });
    // Quota use survives restarts: the pool's minute buckets go to the same store.
    connect(rt->m_pool, &AccountPool::quotaUsed, rt.get(),
            [usage = rt->m_usage.get()](const QuotaBucket &b) { usage->addQuotaUse(b); });
    return rt;
}

Runtime::~Runtime()
{
    // The server's connections reference relays that reference the pool and token manager:
    // take the server down first.
    delete m_server;
    m_server = nullptr;
    // Written now rather than when the member goes: QObject children (deleted after the members)
    // must not find the store gone, and nothing pending may be lost.
    if (m_usage)
        m_usage->flush();
}

namespace {
// Start-up runs before the event loop; the account layer is asynchronous (QtKeychain answers by
// signal). Wait for one answer with a bounded local loop.
template <typename T>
T waitFor(std::function<void(std::function<void(T)>)> start, T fallback, int timeoutMs = 25000)
{
    std::optional<T> out;
    QEventLoop loop;
    start([&](T v) {
        out = std::move(v);
        loop.quit();
    });
    if (!out) {
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return out ? std::move(*out) : std::move(fallback);
}
} // namespace

std::optional<Error> Runtime::setupAccounts(const RuntimeOptions &options)
{
    const QString dbPath = QDir(m_dataDir).filePath(AccountStore::defaultFileName());
    auto store = AccountStore::open(dbPath);
    if (!store)
        return store.error();
    m_store = std::move(store.value());
    auto usage =
        SqliteUsageStore::open(dbPath, *m_clock, UsageStoreOptions::fromSettings(m_settings));
    if (!usage)
        return usage.error();
    m_usage = std::move(usage.value());

    // Secrets: the OS keychain when it works (probed: write, read back, delete), else a 0600
    // file in the data dir with a warning shown once (console, /health, UI).
    const QString mode = m_settings.string(u"secret_store");
    const QString fallback = QDir(m_dataDir).filePath(FileSecretStore::defaultFileName());
    if (options.secretStore) {
        m_secrets = new CrossThreadSecretStore(options.secretStore, this);
    } else if (mode == u"memory") {
        m_secrets = new MemorySecretStore(this);
    } else if (mode == u"file") {
        m_secrets = new FileSecretStore(fallback, this);
    } else {
        const SecretStoreChoice choice = waitFor<SecretStoreChoice>(
            [&](std::function<void(SecretStoreChoice)> done) {
                SecretStoreProbe::chooseDefault(KeychainSecretStore::defaultService(), fallback,
                                                false, done);
            },
            SecretStoreChoice{
                nullptr, true,
                u"the keychain did not answer; tokens are kept in %1"_s.arg(fallback)});
        // The probe normally falls back by itself; the file store is made here only when it never
        // answered (made lazily: an eager fallback object would leak when unused).
        m_secrets = choice.store ? choice.store : new FileSecretStore(fallback);
        m_secrets->setParent(this);
        if (choice.usingFallback && !choice.warning.isEmpty())
            m_warnings.append(choice.warning);
    }

    m_accounts = new AccountService(m_store.get(), m_secrets, m_authNam,
                                    OAuthConfig::fromSettings(m_settings), this);
    auto providerStore = ProviderStore::open(dbPath);
    if (!providerStore)
        return providerStore.error();
    m_providerStore = std::move(providerStore.value());
    m_providers = new ProviderService(m_providerStore.get(), m_store.get(), m_secrets, m_client,
                                      ChatCallConfig::fromSettings(m_settings), this);
    m_providers->setEnvironmentProviders(m_router->environmentProviders());
    m_pending = new PendingLogins(m_accounts, this);

    AccountSync::Deps deps;
    deps.accounts = m_accounts;
    deps.store = m_store.get();
    deps.providerStore = m_providerStore.get();
    deps.providers = m_providers;
    deps.tokens = m_tokens;
    deps.router = m_router.get();
    deps.pool = m_pool;
    deps.usage = m_usage.get();
    deps.clock = m_clock;
    deps.authNetwork = m_authNam;
    deps.env = m_env;
    m_sync = new AccountSync(deps, AccountSync::Config::fromSettings(m_settings), this);
    connect(m_providers, &ProviderService::providersChanged, m_sync,
            [sync = m_sync] { sync->reload(); });
    connect(m_accounts, &AccountService::accountsChanged, m_sync,
            [sync = m_sync] { sync->reload(); });
    // The first list is in place before the server listens, so no request finds an empty pool
    // (and the CLI's verbs see every account). Later reloads never wait; the engine does not
    // wait here either: it starts listening from the first reload's answer.
    if (options.waitForAccounts)
        waitFor<bool>(
            [&](std::function<void(bool)> done) { m_sync->reload([done] { done(true); }); }, false);
    // `qwen-proxy auth add` or `provider add` in another process: noticed within seconds.
    m_sync->startWatching(3000);
    return std::nullopt;
}

void Runtime::reloadAccounts(std::function<void()> done)
{
    m_sync->reload(std::move(done));
}

void Runtime::onPoolEvent(const PoolEvent &e)
{
    if (e.type != PoolEvent::Type::Parked || e.cause != ErrorClass::Discontinued)
        return;
    const auto snap = m_pool->snapshot(e.accountId);
    if (!snap || snap->provider != QLatin1String(Account::kProviderQwenOAuth))
        return;
    if (m_store->contains(e.accountId))
        m_store->setStatus(e.accountId, AccountStatus::Discontinued, snap->reason);
    const QString warning = discontinuedMessage();
    if (!m_warnings.contains(warning)) {
        m_warnings.append(warning);
        qCWarning(lcPool).noquote() << warning;
    }
}

void Runtime::buildServer()
{
    // Only a serving process needs the listener and the relays: the CLI's verbs never build them.
    const Settings &s = m_settings;
    m_server = new http::HttpServer(http::ServerLimits::fromSettings(s), this);
    RelayContext ctx;
    ctx.client = m_client;
    ctx.tokens = m_tokens;
    ctx.router = m_router.get();
    ctx.pool = m_pool;
    ctx.metrics = m_metrics.get();
    {
        // Client keys from the database; without it the gate still knows QWEN_PROXY_API_KEYS.
        auto keys = ClientKeyStore::open(QDir(m_dataDir).filePath(AccountStore::defaultFileName()));
        if (!keys)
            qCWarning(lcServer).noquote() << keys.error().message;
        m_gate = std::make_unique<AdmissionGate>(
            AdmissionGate::Config::fromSettings(s, QHostInfo::localHostName()),
            keys ? std::move(keys.value()) : nullptr, *m_clock);
    }
    ctx.recordUsage = [usage = m_usage.get(), metrics = m_metrics.get(),
                       gate = m_gate.get()](const UsageRecord &r) {
        usage->record(r);
        metrics->observeUsage(r);
        gate->addTokens(r.clientKey, r.totalTokens());
    };
    ctx.nowMs = [clock = m_clock] { return clock->nowMs(); };
    ctx.callConfig = ChatCallConfig::fromSettings(s);
    {
        // Test hook (not a user setting): the ping interval of Anthropic streams.
        bool ok = false;
        const int ping = m_env.value(u"QP_ANTHROPIC_PING_MS"_s).toInt(&ok);
        if (ok && ping > 0)
            ctx.anthropicPingMs = ping;
    }
    m_routes = new ApiRoutes(*this, ctx, this);
    m_server->setGate(m_gate->gate());
    m_server->setTrustedPeer([rules = TrustRules::fromSettings(s)](const QHostAddress &peer) {
        return isTrustedPeer(peer, rules);
    });
    m_server->setHandler([this](http::HttpRequest &&req, http::ResponseWriter *w) {
        m_routes->handle(std::move(req), w);
    });
    m_server->setErrorResponder(
        [this](int status, const QString &msg, const QByteArray &path, http::ResponseWriter *w) {
            m_routes->frameError(status, msg, path, w);
        });
}

std::optional<Error> Runtime::start()
{
    if (!m_server)
        buildServer();
    tuneMallocForServer();
    // Two descriptors per stream (client and upstream): the usual soft limit of 1024 would cap
    // the proxy near 480 streams although the hard limit allows far more.
    net::raiseOpenDescriptorLimit();
    // Beyond loopback every caller needs a client key: with none, nobody on the network could
    // use the proxy, and a listener that answers only 401 is a mistake worth stopping at.
    const QString host = m_settings.string(u"host");
    const QHostAddress address(host);
    const bool loopback =
        host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0 || address.isLoopback();
    if (!loopback && !m_gate->anyUsableKey())
        return Error::make(
            Error::Kind::InvalidRequest,
            u"refusing to listen on %1 without a client key: create one with "
            "'qwen-proxy keys create --name NAME' (or listen on 127.0.0.1)"_s.arg(host));
    QString error;
    if (!m_server->listen(m_settings.string(u"host"), quint16(m_settings.integer(u"port")), &error))
        return Error::make(Error::Kind::Internal, error);
    return std::nullopt;
}

void Runtime::pause()
{
    if (!m_server)
        return;
    m_server->stopListening();
    m_server->closeIdleConnections();
}

std::optional<Error> Runtime::resume()
{
    if (!m_server)
        return start();
    if (m_server->isListening())
        return std::nullopt;
    // The same port as before, also when the setting is 0 (any free port): clients have it.
    quint16 port = quint16(m_settings.integer(u"port"));
    if (port == 0)
        port = m_server->port();
    QString error;
    if (!m_server->listen(m_settings.string(u"host"), port, &error))
        return Error::make(Error::Kind::Internal, error);
    return std::nullopt;
}

void Runtime::shutdown(int graceMs, std::function<void()> done)
{
    if (!m_server) { // never served: nothing to drain
        QTimer::singleShot(0, this, done);
        return;
    }
    m_server->drain(graceMs, std::move(done));
}

quint16 Runtime::port() const
{
    return m_server ? m_server->port() : 0;
}

QString Runtime::openAIBaseUrl() const
{
    // The same derivation `qwen-proxy connect` uses before anything listens (clients/).
    return clients::endpointsFor(m_settings.string(u"host"), port(), {}, {}).openAIBaseUrl;
}

QString Runtime::anthropicBaseUrl() const
{
    QString base = openAIBaseUrl();
    base.chop(3); // "/v1": Anthropic clients append /v1/messages themselves
    return base;
}

QString Runtime::upstreamDescription() const
{
    return m_router->describeMain();
}

} // namespace qp
