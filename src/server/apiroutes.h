#pragma once
// Every route, admitted in one place: CORS, method checks, 404/405 in the client's dialect, then a
// thin handler per endpoint (routes_*.cpp) that parses, validates, calls the core and hands the
// result to a writer or a relay.

#include "apierror.h"
#include "cors.h"
#include "http/httprequest.h"
#include "http/responsewriter.h"
#include "pool/accountpool.h"
#include "protocol/responsestore.h"
#include "relay/relaycontext.h"

#include <QJsonObject>
#include <QObject>
#include <functional>
#include <memory>

namespace qp {

class Runtime;

class ApiRoutes : public QObject, public http::ResponseObserver
{
    Q_OBJECT
public:
    ApiRoutes(Runtime &runtime, RelayContext relayContext, QObject *parent = nullptr);

    void handle(http::HttpRequest &&req, http::ResponseWriter *writer);
    void frameError(int status, const QString &message, const QByteArray &path,
                    http::ResponseWriter *writer);

private:
    using Handler = void (ApiRoutes::*)(http::HttpRequest &, http::ResponseWriter *);
    struct Route {
        QByteArray path;
        QByteArray method;
        Handler handler;
        int metricsId = 0; // ProxyMetrics::routeId(path)
    };

    // routes_ops.cpp
    void health(http::HttpRequest &req, http::ResponseWriter *w);
    void openAIModels(http::HttpRequest &req, http::ResponseWriter *w);
    void anthropicModels(http::HttpRequest &req, http::ResponseWriter *w);
    // routes_metrics.cpp
    void metrics(http::HttpRequest &req, http::ResponseWriter *w);
    // routes_openai.cpp
    void chatCompletions(http::HttpRequest &req, http::ResponseWriter *w);
    // routes_anthropic.cpp
    void messages(http::HttpRequest &req, http::ResponseWriter *w);
    void countTokens(http::HttpRequest &req, http::ResponseWriter *w);
    // routes_responses.cpp
    void responses(http::HttpRequest &req, http::ResponseWriter *w);
    // routes_auth.cpp
    void authInitiate(http::HttpRequest &req, http::ResponseWriter *w);
    void authPoll(http::HttpRequest &req, http::ResponseWriter *w);

    // How the pool should pick for this request: the pinned account (X-Qwen-Account) and the
    // conversation it belongs to (pool/affinity.h).
    // A client key limited to some models (keys --model GLOB) asking for another: 403 in the
    // route's dialect. False when the request was answered.
    static bool modelPermitted(const http::HttpRequest &req, const QString &model,
                               http::ResponseWriter *w, Dialect d);
    PickRequest pickRequest(const http::HttpRequest &req, const QJsonObject &body, Dialect d) const;

    // Counts the answer to `req` in the metrics (and writes its console line) once it ends.
    void observe(const http::HttpRequest &req, int route, http::ResponseWriter *writer);
    void responseEnded(http::ResponseWriter *writer, bool clientGone) override;

    // Parses a JSON object body or answers 400 in the route's dialect.
    std::optional<QJsonObject> jsonBody(const http::HttpRequest &req, http::ResponseWriter *w,
                                        Dialect d);

    Runtime &m_runtime;
    RelayContext m_relay;
    CorsPolicy m_cors;
    QList<Route> m_routes;
    // Responses kept for previous_response_id / item_reference (memory only, bounded).
    std::unique_ptr<responses::ResponseStore> m_responseStore;
};

} // namespace qp
