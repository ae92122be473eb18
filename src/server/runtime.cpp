#include "runtime.h"

#include "apiroutes.h"
#include "auth/sharedfilesource.h"
#include "auth/tokenmanager.h"
#include "http/httpserver.h"
#include "logging/logging.h"
#include "models/modelcatalog.h"
#include "routing/upstreamrouter.h"
#include "tokenizer/qwentokenizer.h"
#include "upstream/nampool.h"

#include <QCoreApplication>
#include <QDir>
#include <QNetworkAccessManager>
#include <QStandardPaths>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace qp {

Result<std::unique_ptr<Runtime>> Runtime::create(const RuntimeOptions &options)
{
    std::unique_ptr<Runtime> rt(new Runtime);
    rt->m_startedAt = QDateTime::currentDateTimeUtc();
    rt->m_dataDir = options.dataDir.isEmpty()
                        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                        : options.dataDir;
    if (rt->m_dataDir.isEmpty())
        rt->m_dataDir = QDir::home().filePath(u".local/share/qwen-proxy"_s);
    if (!QDir().mkpath(rt->m_dataDir))
        return Error::make(Error::Kind::Internal, u"cannot create data dir %1"_s.arg(rt->m_dataDir));
    // The data dir holds tokens and usage: private to the user.
    QFile::setPermissions(rt->m_dataDir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

    QString configFile = options.configFile;
    if (configFile.isEmpty()) {
        if (!options.dataDir.isEmpty()) {
            configFile = QDir(rt->m_dataDir).filePath(u"config.json"_s);
        } else {
            const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
            QDir().mkpath(dir);
            configFile = QDir(dir).filePath(u"config.json"_s);
        }
    }
    if (auto e = rt->m_settings.load(configFile, options.env, options.cli))
        return *e;

    const Settings &s = rt->m_settings;
    rt->m_catalog = std::make_unique<ModelCatalog>(s.string(u"default_model"), s.string(u"model_map"));
    rt->m_router = std::make_unique<UpstreamRouter>(s, *rt->m_catalog);
    rt->m_authNam = new QNetworkAccessManager(rt.get());
    rt->m_pool = new NamPool(rt.get());

    QString tokenEndpoint = s.string(u"qwen_token_endpoint");
    if (tokenEndpoint.isEmpty())
        tokenEndpoint = s.string(u"qwen_oauth_base_url") + u"/api/v1/oauth2/token"_s;
    rt->m_tokens = new TokenManager(rt->m_authNam,
                                    TokenManager::Config{QUrl(tokenEndpoint),
                                                         s.string(u"qwen_client_id"),
                                                         s.integer(u"token_refresh_buffer_ms"), 30000},
                                    rt.get());
    rt->setupAccounts();
    // 60-90 ms of work: done on a worker thread now, not on the first request.
    QwenTokenizer::preloadInBackground();

    http::ServerLimits limits;
    limits.parser.maxBodyBytes = s.integer(u"max_body_bytes");
    limits.parser.maxHeaderBytes = s.integer(u"max_header_bytes");
    limits.idleTimeoutMs = int(s.integer(u"idle_connection_timeout_ms"));
    limits.maxConnections = int(s.integer(u"max_connections"));
    rt->m_server = new http::HttpServer(limits, rt.get());

    RelayContext ctx;
    ctx.pool = rt->m_pool;
    ctx.tokens = rt->m_tokens;
    ctx.router = rt->m_router.get();
    ctx.callConfig.connectTimeoutMs = int(s.integer(u"upstream_connect_timeout_ms"));
    ctx.callConfig.firstByteTimeoutMs = int(s.integer(u"upstream_first_byte_timeout_ms"));
    ctx.callConfig.idleTimeoutMs = int(s.integer(u"upstream_idle_timeout_ms"));
    ctx.callConfig.totalTimeoutMs = int(s.integer(u"upstream_total_timeout_ms"));
    ctx.callConfig.qwenCodeVersion = s.string(u"qwen_code_version");
    ctx.callConfig.qwenFallbackBaseUrl = s.string(u"qwen_base_url");
    rt->m_routes = new ApiRoutes(*rt, ctx, rt.get());
    Runtime *raw = rt.get();
    rt->m_server->setHandler([raw](http::HttpRequest &&req, http::ResponseWriter *w) {
        raw->m_routes->handle(std::move(req), w);
    });
    rt->m_server->setErrorResponder(
        [raw](int status, const QString &msg, const QByteArray &path, http::ResponseWriter *w) {
            raw->m_routes->frameError(status, msg, path, w);
        });
    return rt;
}

Runtime::~Runtime()
{
    // The server's connections reference relays that reference the pool and token manager:
    // take the server down first.
    delete m_server;
    m_server = nullptr;
}

void Runtime::setupAccounts()
{
    QStringList ids;
    if (m_settings.boolean(u"qwen_code_auth_use")) {
        auto shared = std::make_shared<SharedFileSource>(
            SharedFileSource::defaultQwenHome(m_settings.string(u"qwen_home")));
        if (shared->exists()) {
            m_tokens->addAccount(u"default"_s, shared);
            ids.append(u"default"_s);
        }
    }
    m_router->setQwenAccounts(ids, ids.isEmpty() ? QString() : ids.first());
}

std::optional<Error> Runtime::start()
{
    QString error;
    if (!m_server->listen(m_settings.string(u"host"), quint16(m_settings.integer(u"port")), &error))
        return Error::make(Error::Kind::Internal, error);
    return std::nullopt;
}

void Runtime::shutdown(int graceMs, std::function<void()> done)
{
    m_server->stopListening();
    m_server->closeIdleConnections();
    if (m_server->busyCount() == 0) {
        QTimer::singleShot(0, this, done);
        return;
    }
    qCInfo(lcServer) << "waiting up to" << graceMs << "ms for" << m_server->busyCount()
                     << "open responses";
    auto fired = std::make_shared<bool>(false);
    auto finish = [fired, done] {
        if (*fired)
            return;
        *fired = true;
        done();
    };
    connect(m_server, &http::HttpServer::becameIdle, this, finish);
    QTimer::singleShot(graceMs, this, finish);
}

quint16 Runtime::port() const { return m_server->port(); }

QString Runtime::openAIBaseUrl() const
{
    QString host = m_settings.string(u"host");
    if (host == u"0.0.0.0" || host == u"::" || host == u"*")
        host = u"127.0.0.1"_s;
    if (host.contains(u':'))
        host = u"["_s + host + u"]"_s;
    return u"http://%1:%2/v1"_s.arg(host).arg(port());
}

QString Runtime::anthropicBaseUrl() const
{
    QString base = openAIBaseUrl();
    base.chop(3); // "/v1": Anthropic clients append /v1/messages themselves
    return base;
}

QString Runtime::upstreamDescription() const { return m_router->describeMain(); }

} // namespace qp
