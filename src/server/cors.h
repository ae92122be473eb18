#pragma once
// CORS for browser-based clients. Default: localhost origins only, so a web page on the internet
// cannot drive a proxy that holds the user's credentials.

#include "http/httprequest.h"
#include "http/responsewriter.h"

#include <QStringList>

namespace qp {

class CorsPolicy
{
public:
    explicit CorsPolicy(const QString &setting); // "" = localhost origins, "*" = any, else a list
    bool allows(const QByteArray &origin) const;
    // Headers for an actual (non-preflight) request; empty when there is no or a foreign origin.
    http::Headers headersFor(const http::HttpRequest &req) const;
    // Answers an OPTIONS preflight (204 or 403).
    void answerPreflight(const http::HttpRequest &req, http::ResponseWriter *writer) const;

private:
    bool m_any = false;
    QStringList m_origins;
};

} // namespace qp
