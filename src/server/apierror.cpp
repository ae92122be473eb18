#include "apierror.h"

#include "logging/redact.h"
#include "protocol/anthropicresponse.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qp {

Dialect dialectForPath(QByteArrayView path)
{
    if (path.startsWith("/anthropic/") || path.startsWith("/v1/messages"))
        return Dialect::Anthropic;
    return Dialect::OpenAI;
}

int httpStatusFor(const Error &e, Dialect d)
{
    using K = Error::Kind;
    switch (e.kind) {
    case K::InvalidRequest:
        // Keep the upstream's precise 4xx (422, 409...) when it gave one.
        return (e.upstreamStatus >= 400 && e.upstreamStatus < 500) ? e.upstreamStatus : 400;
    case K::Unauthenticated:
    case K::UpstreamAuth:
    case K::NeedsLogin:
    case K::Discontinued:
        return 401;
    case K::Forbidden:
        return 403;
    case K::NotFound:
        return 404;
    case K::MethodNotAllowed:
        return 405;
    case K::Conflict:
        return 409;
    case K::PayloadTooLarge:
        return 413;
    case K::Quota:
    case K::RateLimited:
        return 429;
    case K::UpstreamUnavailable:
    case K::UpstreamError:
    case K::UpstreamBlocked:
        return 502;
    case K::UpstreamTimeout:
        return 504;
    case K::Overloaded:
        return d == Dialect::Anthropic ? 529 : 503;
    case K::NoUpstream:
        return 503;
    case K::Internal:
        return 500;
    }
    return 500;
}

QString anthropicErrorType(int status)
{
    return anthropic::errorTypeForStatus(status); // one mapping, shared with the translator
}

static QString openAIErrorType(const Error &e, int status)
{
    if (e.kind == Error::Kind::Quota)
        return u"insufficient_quota"_s;
    switch (status) {
    case 400:
        return u"invalid_request_error"_s;
    case 401:
        return u"authentication_error"_s;
    case 403:
        return u"permission_error"_s;
    case 404:
        return u"not_found_error"_s;
    case 405:
        return u"invalid_request_error"_s;
    case 413:
        return u"invalid_request_error"_s;
    case 429:
        return u"rate_limit_exceeded"_s;
    case 504:
        return u"timeout_error"_s;
    default:
        return status >= 500 ? u"api_error"_s : u"invalid_request_error"_s;
    }
}

QJsonObject errorBody(const Error &e, Dialect d)
{
    const int status = httpStatusFor(e, d);
    const QString message = redact(e.message);
    if (d == Dialect::Anthropic)
        return QJsonObject{{u"type"_s, u"error"_s},
                           {u"error"_s, QJsonObject{{u"type"_s, anthropicErrorType(status)},
                                                    {u"message"_s, message}}}};
    QJsonObject err{{u"message"_s, message},
                    {u"type"_s, openAIErrorType(e, status)},
                    {u"param"_s, e.param.isEmpty() ? QJsonValue() : QJsonValue(e.param)},
                    {u"code"_s, e.code.isEmpty() ? QJsonValue() : QJsonValue(e.code)}};
    return QJsonObject{{u"error"_s, err}};
}

void sendError(http::ResponseWriter *writer, const Error &e, Dialect d)
{
    if (!writer)
        return;
    http::Headers h;
    if (e.retryAfterSeconds)
        h.append({"Retry-After", QByteArray::number(*e.retryAfterSeconds)});
    if (e.kind == Error::Kind::MethodNotAllowed && !e.param.isEmpty())
        h.append({"Allow", e.param.toLatin1()});
    writer->sendJson(httpStatusFor(e, d), errorBody(e, d), h);
}

void sendStatusError(http::ResponseWriter *writer, int status, const QString &message, Dialect d)
{
    Error e;
    switch (status) {
    case 401:
        e.kind = Error::Kind::Unauthenticated;
        break;
    case 403:
        e.kind = Error::Kind::Forbidden;
        break;
    case 404:
        e.kind = Error::Kind::NotFound;
        break;
    case 405:
        e.kind = Error::Kind::MethodNotAllowed;
        break;
    case 413:
        e.kind = Error::Kind::PayloadTooLarge;
        break;
    case 429:
        e.kind = Error::Kind::RateLimited;
        break;
    default:
        e.kind = status >= 500 ? Error::Kind::Internal : Error::Kind::InvalidRequest;
        break;
    }
    e.message = message;
    QJsonObject body = errorBody(e, d);
    writer->sendJson(status, body);
}

QByteArray openAIStreamError(const Error &e)
{
    const QJsonObject body = errorBody(e, Dialect::OpenAI);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace qp
