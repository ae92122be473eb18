#include "upstream/errorclass.h"

using namespace Qt::StringLiterals;

namespace qp {

ErrorClass errorClassOf(const Error &e)
{
    using K = Error::Kind;
    switch (e.kind) {
    case K::Quota:
        return ErrorClass::Quota;
    case K::Discontinued:
        return ErrorClass::Discontinued;
    case K::UpstreamAuth:
        return ErrorClass::Auth;
    case K::Forbidden:
        // Our own 403s (access control) carry no upstream status and are not the account's doing.
        return e.upstreamStatus ? ErrorClass::Auth : ErrorClass::Local;
    case K::NeedsLogin:
        return ErrorClass::NeedsLogin;
    case K::UpstreamError:
        // A redirect would be given again: the upstream's base URL moved, nothing transient.
        if (e.upstreamStatus >= 300 && e.upstreamStatus < 400)
            return ErrorClass::Blocked;
        return ErrorClass::Transient;
    case K::RateLimited:
    case K::UpstreamUnavailable:
    case K::UpstreamTimeout:
    case K::Overloaded:
        return ErrorClass::Transient;
    case K::UpstreamBlocked:
        return ErrorClass::Blocked;
    case K::InvalidRequest:
    case K::NotFound:
    case K::PayloadTooLarge:
        return e.upstreamStatus || e.kind == K::InvalidRequest ? ErrorClass::Client
                                                               : ErrorClass::Local;
    case K::Unauthenticated:
    case K::MethodNotAllowed:
    case K::Conflict:
    case K::NoUpstream:
    case K::Internal:
        return ErrorClass::Local;
    }
    return ErrorClass::Local;
}

QString errorClassName(ErrorClass c)
{
    switch (c) {
    case ErrorClass::Quota:
        return u"quota"_s;
    case ErrorClass::Discontinued:
        return u"discontinued"_s;
    case ErrorClass::Auth:
        return u"auth"_s;
    case ErrorClass::NeedsLogin:
        return u"needs_login"_s;
    case ErrorClass::Transient:
        return u"transient"_s;
    case ErrorClass::Blocked:
        return u"blocked"_s;
    case ErrorClass::Client:
        return u"client"_s;
    case ErrorClass::Local:
        return u"local"_s;
    }
    return u"local"_s;
}

bool isRotatable(ErrorClass c)
{
    return c == ErrorClass::Quota || c == ErrorClass::Discontinued || c == ErrorClass::Auth ||
           c == ErrorClass::NeedsLogin || c == ErrorClass::Transient || c == ErrorClass::Blocked;
}

} // namespace qp
