#pragma once
// Errors are values inside the core. Only the HTTP edge (server/apierror.cpp) turns an Error into a
// status code and a body in the client's dialect, so every layer below can stay dialect-agnostic.

#include <QString>
#include <optional>
#include <utility>
#include <variant>

namespace qp {

struct Error {
    // The kind is set once, where an answer is parsed; upstream/errorclass.h derives from it what
    // the account pool does (rotate on quota, park on discontinued, retry transient, ...).
    enum class Kind {
        InvalidRequest,      // the client sent something we or the upstream cannot accept (400)
        Unauthenticated,     // client credentials missing or wrong (401)
        Forbidden,           // 403
        NotFound,            // 404
        MethodNotAllowed,    // 405
        Conflict,            // the request names something that exists but cannot serve now (409)
        PayloadTooLarge,     // 413
        UpstreamAuth,        // upstream rejected our credentials (401/403 from upstream)
        NeedsLogin,          // refresh token dead: the user must log in again
        Discontinued,        // the Qwen OAuth free tier answer (discontinued 2026-04-15)
        Quota,               // hard quota exhausted (429 insufficient_quota)
        RateLimited,         // transient throttling (429)
        UpstreamUnavailable, // connection refused / reset / DNS (502)
        UpstreamTimeout,     // connect, first-byte, idle or total timeout (504)
        UpstreamError,       // upstream 5xx or a malformed upstream answer (502)
        UpstreamBlocked,     // an HTML page instead of JSON: a firewall / WAF / captcha (502)
        Overloaded,          // 529
        NoUpstream,          // no account / upstream configured (503)
        Internal,            // our bug (500)
    };

    Kind kind = Kind::Internal;
    QString message;
    int upstreamStatus = 0;               // status the upstream answered, 0 if none
    std::optional<int> retryAfterSeconds; // from Retry-After when the upstream gave one
    QString code; // upstream error code when known (e.g. insufficient_quota)
    QString param;

    static Error make(Kind k, QString msg)
    {
        Error e;
        e.kind = k;
        e.message = std::move(msg);
        return e;
    }
};

// Minimal expected<T, Error>: std::expected is C++23 and g++ 12 runs us in C++20.
template <typename T> class Result
{
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}
    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() { return std::get<0>(m_v); }
    const T &value() const { return std::get<0>(m_v); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() { return value(); }
    const Error &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

} // namespace qp
