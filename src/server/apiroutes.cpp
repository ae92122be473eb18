#include "apiroutes.h"

#include "access/clientkeyinfo.h"
#include "logging/logging.h"
#include "metrics/proxymetrics.h"
#include "pool/affinity.h"
#include "relay/relaybase.h"
#include "runtime.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qp {

ApiRoutes::ApiRoutes(Runtime &runtime, RelayContext relayContext, QObject *parent)
    : QObject(parent), m_runtime(runtime), m_relay(relayContext),
      m_cors(AdmissionRules::fromSettings(runtime.settings(), QString())),
      m_responseStore(std::make_unique<responses::ResponseStore>(
          int(runtime.settings().integer(u"responses_store_count")),
          runtime.settings().integer(u"responses_store_bytes")))
{
    m_routes = {
        {"/health", "GET", &ApiRoutes::health},
        {"/v1/models", "GET", &ApiRoutes::openAIModels},
        {"/models", "GET", &ApiRoutes::openAIModels},
        {"/anthropic/v1/models", "GET", &ApiRoutes::anthropicModels},
        {"/v1/chat/completions", "POST", &ApiRoutes::chatCompletions},
        {"/chat/completions", "POST", &ApiRoutes::chatCompletions},
        {"/v1/responses", "POST", &ApiRoutes::responses},
        {"/responses", "POST", &ApiRoutes::responses},
        {"/v1/messages", "POST", &ApiRoutes::messages},
        {"/anthropic/v1/messages", "POST", &ApiRoutes::messages},
        {"/v1/messages/count_tokens", "POST", &ApiRoutes::countTokens},
        {"/anthropic/v1/messages/count_tokens", "POST", &ApiRoutes::countTokens},
        {"/auth/initiate", "POST", &ApiRoutes::authInitiate},
        {"/auth/poll", "POST", &ApiRoutes::authPoll},
        {"/metrics", "GET", &ApiRoutes::metrics},
    };
    for (Route &r : m_routes)
        r.metricsId = runtime.metrics().routeId(r.path);
}

void ApiRoutes::frameError(int status, const QString &message, const QByteArray &path,
                           http::ResponseWriter *writer)
{
    QString text = message;
    if (status == 413)
        text = u"request body larger than the limit of %1 bytes (setting max_body_bytes)"_s.arg(
            m_runtime.settings().integer(u"max_body_bytes"));
    sendStatusError(writer, status, text, dialectForPath(path));
}

bool ApiRoutes::modelPermitted(const http::HttpRequest &req, const QString &model,
                               http::ResponseWriter *w, Dialect d)
{
    if (modelAllowed(req.caller.models, model))
        return true;
    Error e = Error::make(
        Error::Kind::Forbidden,
        u"client key '%1' may not use the model '%2'"_s.arg(req.caller.keyId, model.left(200)));
    e.param = u"model"_s;
    sendError(w, e, d);
    return false;
}

PickRequest ApiRoutes::pickRequest(const http::HttpRequest &req, const QJsonObject &body,
                                   Dialect d) const
{
    PickRequest p;
    p.pinned = QString::fromUtf8(req.header("x-qwen-account")).trimmed();
    p.openAIChatOnly = d == Dialect::OpenAI;
    // Affinity matters only when there is a choice; skip the hashing otherwise.
    if (!p.pinned.isEmpty() || !m_relay.pool || m_relay.pool->accountIds().size() < 2)
        return p;
    QByteArray session;
    for (const QByteArray &name : conversationHeaders())
        if (session.isEmpty())
            session = req.header(name);
    QJsonValue system = body.value(u"system"_s);
    QJsonValue firstUser;
    const QJsonArray messages = body.value(u"messages"_s).toArray();
    QJsonArray systems;
    for (const QJsonValue &m : messages) {
        const QJsonObject o = m.toObject();
        const QString role = o.value(u"role"_s).toString();
        if (role == u"user") {
            firstUser = o.value(u"content"_s);
            break;
        }
        if (d == Dialect::OpenAI && (role == u"system" || role == u"developer"))
            systems.append(o.value(u"content"_s));
    }
    if (d == Dialect::OpenAI)
        system = systems;
    p.affinityKey = conversationKey(session, system, firstUser);
    return p;
}

std::optional<QJsonObject> ApiRoutes::jsonBody(const http::HttpRequest &req,
                                               http::ResponseWriter *w, Dialect d)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(req.body, &err);
    if (err.error != QJsonParseError::NoError) {
        sendError(
            w,
            Error::make(Error::Kind::InvalidRequest,
                        u"request body is not valid JSON: %1 at offset %2"_s.arg(err.errorString())
                            .arg(err.offset)),
            d);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        sendError(w,
                  Error::make(Error::Kind::InvalidRequest, u"request body must be a JSON object"_s),
                  d);
        return std::nullopt;
    }
    return doc.object();
}

void ApiRoutes::handle(http::HttpRequest &&req, http::ResponseWriter *writer)
{
    const Dialect d = dialectForPath(req.path);
    QByteArray path = req.path;
    while (path.size() > 1 && path.endsWith('/'))
        path.chop(1);
    const Route *match = nullptr;
    const Route *pathMatch = nullptr; // the path exists, maybe not for this method
    QByteArrayList allowed;
    for (const Route &r : std::as_const(m_routes)) {
        if (r.path != path)
            continue;
        if (!pathMatch)
            pathMatch = &r;
        if (r.method == req.method || (r.method == "GET" && req.method == "HEAD")) {
            match = &r;
            break;
        }
        allowed.append(r.method);
    }
    observe(req, pathMatch ? pathMatch->metricsId : ProxyMetrics::kOtherRoute, writer);
    if (req.method == "OPTIONS") {
        m_cors.answerPreflight(req, writer);
        return;
    }
    for (const auto &[name, value] : m_cors.headersFor(req))
        writer->addHeader(name, value);
    // Every answer carries X-Request-Id (the writer's); Anthropic's SDK reads request-id.
    if (d == Dialect::Anthropic)
        writer->addHeader("request-id", writer->requestId());

    if (match) {
        (this->*match->handler)(req, writer);
        return;
    }
    if (!allowed.isEmpty()) {
        Error e = Error::make(Error::Kind::MethodNotAllowed,
                              u"method %1 is not allowed on %2; use %3"_s.arg(
                                  QString::fromLatin1(req.method), QString::fromLatin1(path),
                                  QString::fromLatin1(allowed.join(", "))));
        e.param = QString::fromLatin1(allowed.join(", "));
        sendError(writer, e, d);
        return;
    }
    sendError(writer,
              Error::make(Error::Kind::NotFound,
                          u"no route for %1 %2"_s.arg(QString::fromLatin1(req.method),
                                                      QString::fromLatin1(path))),
              d);
}

void ApiRoutes::observe(const http::HttpRequest &req, int route, http::ResponseWriter *writer)
{
    // Every answer is counted when it ends (responseEnded), or as 499 when the client leaves
    // first, as usage records count it. The writer keeps route, method and start time.
    writer->setObserver(this, route * 64 + ProxyMetrics::methodId(req.method));
    // Preflights get no console line; every other answer does, rejected ones included (relays
    // write their own, richer one). Only connected when the line will be printed.
    if (req.method == "OPTIONS" || !lcRequest().isInfoEnabled())
        return;
    auto line = [writer, method = req.method, path = req.path](bool gone) {
        if (writer->requestLogged())
            return;
        writer->setRequestLogged(); // once, whichever signal comes first
        qCInfo(lcRequest).noquote()
            << u"%1 %2 %3 status=%4 %5ms"_s
                   .arg(localClock(), QString::fromLatin1(method), QString::fromLatin1(path))
                   .arg(gone ? 499 : writer->status())
                   .arg(writer->elapsedNs() / 1000000);
    };
    connect(writer, &http::ResponseWriter::responseDone, this, [line] { line(false); });
    connect(writer, &http::ResponseWriter::clientGone, this, [line] { line(true); });
}

void ApiRoutes::responseEnded(http::ResponseWriter *writer, bool clientGone)
{
    const int tag = writer->observeTag();
    m_runtime.metrics().observeHttp(tag / 64, tag % 64, clientGone ? 499 : writer->status(),
                                    double(writer->elapsedNs()) / 1e9);
}

} // namespace qp
