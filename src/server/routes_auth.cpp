// POST /auth/initiate and /auth/poll: the device login over HTTP, kept from the original proxies.
// The PKCE verifier stays server-side, keyed by device_code. Loopback callers only: these routes
// add credentials to the proxy, so the admission gate admits only trusted-local callers and keys
// with the admin scope to them (access/authorization.h).
#include "apiroutes.h"
#include "auth/pendinglogins.h"
#include "runtime.h"

using namespace Qt::StringLiterals;

namespace qp {

void ApiRoutes::authInitiate(http::HttpRequest &req, http::ResponseWriter *w)
{
    QJsonObject body;
    if (!req.body.trimmed().isEmpty()) {
        auto parsed = jsonBody(req, w, Dialect::OpenAI);
        if (!parsed)
            return;
        body = *parsed;
    }
    AddAccountOptions opts;
    opts.accountId = body.value(u"account_id"_s).toString();
    opts.label = body.value(u"label"_s).toString();
    opts.replaceExisting = body.value(u"replace"_s).toBool();
    QPointer<http::ResponseWriter> writer(w);
    m_runtime.pendingLogins().initiate(opts, w, [writer](Result<PendingLogins::Initiated> r) {
        if (!writer)
            return;
        if (!r) {
            sendError(writer, r.error(), Dialect::OpenAI);
            return;
        }
        writer->sendJson(200, r->toJson());
    });
}

void ApiRoutes::authPoll(http::HttpRequest &req, http::ResponseWriter *w)
{
    auto body = jsonBody(req, w, Dialect::OpenAI);
    if (!body)
        return;
    const QString deviceCode = body->value(u"device_code"_s).toString();
    if (deviceCode.isEmpty()) {
        Error e = Error::make(Error::Kind::InvalidRequest, u"device_code is required"_s);
        e.param = u"device_code"_s;
        sendError(w, e, Dialect::OpenAI);
        return;
    }
    const auto result = m_runtime.pendingLogins().poll(deviceCode);
    using S = PendingLogins::PollResult::Status;
    const int status = result.status == S::Unknown ? 404 : result.status == S::Error ? 400 : 200;
    w->sendJson(status, result.toJson());
}

} // namespace qp
