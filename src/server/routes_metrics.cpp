// GET /metrics: Prometheus text format. Per-account state and quota use are the user's business:
// the admission gate admits trusted-local callers and keys with the read scope only
// (access/authorization.h).
#include "apiroutes.h"
#include "http/httpserver.h"
#include "metrics/proxymetrics.h"
#include "runtime.h"

using namespace Qt::StringLiterals;

namespace qp {

void ApiRoutes::metrics(http::HttpRequest &, http::ResponseWriter *w)
{
    ProxyMetrics::Gauges gauges;
    gauges.activeConnections = m_runtime.server().connectionCount();
    gauges.accounts = m_runtime.pool().snapshot();
    w->send(200, metrics::kContentType.toByteArray(), m_runtime.metrics().render(gauges));
}

} // namespace qp
