#pragma once
// CORS for browser-based clients. Which origins may use the proxy at all is the admission gate's
// rule (access/admission.h: default localhost origins only, so a web page on the internet cannot
// drive a proxy that holds the user's credentials); this answers preflights and adds the headers
// that let an allowed page read the answer: its own origin back, never "*".

#include "access/admission.h"
#include "http/httprequest.h"
#include "http/responsewriter.h"

#include <QStringList>

namespace qp {

class CorsPolicy
{
public:
    explicit CorsPolicy(AdmissionRules rules) : m_rules(std::move(rules)) {}
    bool allows(const QByteArray &origin) const;
    // Headers for an actual (non-preflight) request; empty when there is no or a foreign origin.
    http::Headers headersFor(const http::HttpRequest &req) const;
    // Answers an OPTIONS preflight (204 or 403).
    void answerPreflight(const http::HttpRequest &req, http::ResponseWriter *writer) const;

private:
    AdmissionRules m_rules;
};

} // namespace qp
