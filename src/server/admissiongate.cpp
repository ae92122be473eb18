#include "admissiongate.h"

#include "access/admission.h"

#include <QHostInfo>

namespace qp {

http::HttpServer::Gate makeAdmissionGate(const Settings &settings)
{
    return [rules = AdmissionRules::fromSettings(settings, QHostInfo::localHostName())](
               const http::HttpRequest &head,
               bool hasBody) -> std::optional<http::HttpServer::Refusal> {
        AdmissionRequest req;
        req.method = head.method;
        req.versionMinor = head.versionMinor;
        req.headers = &head.headers;
        req.hasBody = hasBody;
        const Admission a = admit(req, rules);
        if (a.admitted())
            return std::nullopt;
        return http::HttpServer::Refusal{a.status, a.message};
    };
}

} // namespace qp
