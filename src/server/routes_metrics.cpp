// GET /metrics: Prometheus text format. Local callers only: per-account state and quota use are
// the user's business, and a scraper runs beside the proxy anyway.
#include "apiroutes.h"
#include "http/httpserver.h"
#include "metrics/proxymetrics.h"
#include "runtime.h"

using namespace Qt::StringLiterals;

namespace qp {

void ApiRoutes::metrics(http::HttpRequest &req, http::ResponseWriter *w)
{
    if (!fromLoopback(req)) {
        sendError(w,
                  Error::make(Error::Kind::Forbidden, u"/metrics accepts loopback callers only"_s),
                  Dialect::OpenAI);
        return;
    }
    ProxyMetrics::Gauges gauges;
    gauges.activeConnections = m_runtime.server().connectionCount();
    gauges.accounts = m_runtime.pool().snapshot();
    w->send(200, metrics::kContentType.toByteArray(), m_runtime.metrics().render(gauges));
}

} // namespace qp
