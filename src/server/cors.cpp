#include "cors.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace qp {

CorsPolicy::CorsPolicy(const QString &setting)
{
    const QString s = setting.trimmed();
    m_any = s == u"*";
    for (const QString &o : s.split(u',', Qt::SkipEmptyParts))
        if (o.trimmed() != u"*")
            m_origins.append(o.trimmed());
}

bool CorsPolicy::allows(const QByteArray &origin) const
{
    if (origin.isEmpty())
        return false;
    if (m_any)
        return true;
    const QString o = QString::fromUtf8(origin);
    if (!m_origins.isEmpty())
        return m_origins.contains(o);
    const QUrl u(o);
    const QString host = u.host();
    return (u.scheme() == u"http" || u.scheme() == u"https") &&
           (host == u"localhost" || host == u"127.0.0.1" || host == u"::1");
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
