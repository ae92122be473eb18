#include "cors.h"

using namespace Qt::StringLiterals;

namespace qp {

bool CorsPolicy::allows(const QByteArray &origin) const
{
    return originAllowed(origin, m_rules);
}

http::Headers CorsPolicy::headersFor(const http::HttpRequest &req) const
{
    const QByteArray origin = req.header("origin");
    if (!allows(origin))
        return {};
    return {{"Access-Control-Allow-Origin", origin}, {"Vary", "Origin"}};
}

void CorsPolicy::answerPreflight(const http::HttpRequest &req, http::ResponseWriter *writer) const
{
    const QByteArray origin = req.header("origin");
    if (!allows(origin)) {
        writer->send(403, "application/json",
                     R"({"error":{"message":"origin not allowed","type":"permission_error"}})");
        return;
    }
    QByteArray requested = req.header("access-control-request-headers");
    if (requested.isEmpty())
        requested = "authorization, content-type, x-api-key, anthropic-version, anthropic-beta";
    writer->send(204, QByteArray(), QByteArray(),
                 {{"Access-Control-Allow-Origin", origin},
                  {"Vary", "Origin"},
                  {"Access-Control-Allow-Methods", "GET, POST, OPTIONS"},
                  {"Access-Control-Allow-Headers", requested},
                  {"Access-Control-Max-Age", "600"}});
}

} // namespace qp
