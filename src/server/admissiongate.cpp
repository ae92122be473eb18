#include "admissiongate.h"

#include "access/clientkey.h"
#include "access/clientkeystore.h"
#include "logging/logging.h"
#include "settings/settings.h"

using namespace Qt::StringLiterals;

namespace qp {

namespace {
// How often a serving process asks the database whether keys changed: at most once a second, and
// only when a request comes (an idle proxy does no work for it).
constexpr qint64 kKeyPollMs = 1000;

using HeaderPairs = QList<QPair<QByteArray, QByteArray>>;

qint64 wholeSeconds(qint64 ms)
{
    return (ms + 999) / 1000;
}

// Retry-After in seconds, and retry-after-ms, which the OpenAI and Anthropic SDKs prefer; with
// `shouldRetry`, x-should-retry, which they obey.
HeaderPairs retryHeaders(qint64 ms, std::optional<bool> shouldRetry)
{
    HeaderPairs h{{"Retry-After", QByteArray::number(wholeSeconds(ms))},
                  {"retry-after-ms", QByteArray::number(ms)}};
    if (shouldRetry)
        h.emplaceBack("x-should-retry", *shouldRetry ? "true" : "false");
    return h;
}

HeaderPairs limitHeaders(const KeyLimiter::Refusal &r)
{
    HeaderPairs h = retryHeaders(r.retryAfterMs, r.retryable);
    if (r.requestLimit > 0) {
        const QByteArray reset = QDateTime::currentDateTimeUtc()
                                     .addMSecs(r.retryAfterMs)
                                     .toString(Qt::ISODate)
                                     .toLatin1();
        const QByteArray limit = QByteArray::number(r.requestLimit);
        const QByteArray remaining = QByteArray::number(r.requestsRemaining);
        h.emplaceBack("x-ratelimit-limit-requests", limit);
        h.emplaceBack("x-ratelimit-remaining-requests", remaining);
        h.emplaceBack("x-ratelimit-reset-requests",
                      QByteArray::number(wholeSeconds(r.retryAfterMs)) + "s");
        h.emplaceBack("anthropic-ratelimit-requests-limit", limit);
        h.emplaceBack("anthropic-ratelimit-requests-remaining", remaining);
        h.emplaceBack("anthropic-ratelimit-requests-reset", reset);
    }
    return h;
}
} // namespace

AdmissionGate::Config AdmissionGate::Config::fromSettings(const Settings &s,
                                                          const QString &machineHostName)
{
    Config c;
    c.admission = AdmissionRules::fromSettings(s, machineHostName);
    c.trust = TrustRules::fromSettings(s);
    c.unkeyedPerMinute = int(s.integer(u"unkeyed_requests_per_minute"_s));
    for (const QString &k : s.string(u"client_keys"_s).split(u',', Qt::SkipEmptyParts)) {
        const auto parts = clientkey::parse(k.trimmed().toLatin1());
        if (!parts)
            continue; // the setting's check refuses such a value before this runs
        ClientKeyInfo info;
        info.id = parts->id;
        info.name = u"QWEN_PROXY_API_KEYS"_s;
        info.digest = clientkey::digest(parts->secret);
        info.scopes = unsigned(KeyScope::Inference) | unsigned(KeyScope::Read);
        c.envKeys.append(info);
    }
    return c;
}

AdmissionGate::AdmissionGate(Config config, std::unique_ptr<ClientKeyStore> store, Clock &clock)
    : m_config(std::move(config)), m_store(std::move(store)), m_clock(clock), m_limiter(clock),
      m_lockout(clock), m_unkeyed(clock, m_config.unkeyedPerMinute)
{
    refreshKeys(true);
}

AdmissionGate::~AdmissionGate() = default;

void AdmissionGate::refreshKeys(bool force)
{
    if (!force && m_sincePoll.isValid() && m_sincePoll.elapsed() < kKeyPollMs)
        return;
    m_sincePoll.start();
    if (!force && !(m_store && m_store->changed()))
        return;
    KeyTable keys;
    for (const auto &k : m_config.envKeys)
        keys.insert(k.id, k);
    if (m_store) {
        auto stored = m_store->list();
        if (!stored) {
            // Keep serving with the keys we had: a locked or busy database is no reason to let
            // everyone in or shut everyone out.
            qCWarning(lcServer).noquote() << "client keys:" << stored.error().message;
            return;
        }
        for (const auto &k : stored.value())
            if (!keys.contains(k.id))
                keys.insert(k.id, k);
    }
    m_keys = std::move(keys);
}

bool AdmissionGate::anyUsableKey()
{
    refreshKeys(true);
    const qint64 now = m_clock.nowMs();
    for (const auto &k : std::as_const(m_keys))
        if (k.usableAt(now))
            return true;
    return false;
}

http::HttpServer::Gate AdmissionGate::gate()
{
    return [this](const http::HttpRequest &head, const QHostAddress &peer, bool hasBody) {
        return check(head, peer, hasBody);
    };
}

std::variant<http::HttpServer::Refusal, http::HttpServer::Pass>
AdmissionGate::check(const http::HttpRequest &head, const QHostAddress &peer, bool hasBody)
{
    using Refusal = http::HttpServer::Refusal;
    AdmissionRequest areq;
    areq.method = head.method;
    areq.versionMinor = head.versionMinor;
    areq.headers = &head.headers;
    areq.hasBody = hasBody;
    const Admission a = admit(areq, m_config.admission);
    if (!a.admitted())
        return Refusal{a.status, a.message, {}};

    const bool trustedPeer = isTrustedPeer(peer, m_config.trust);
    if (!trustedPeer) {
        if (const qint64 locked = m_lockout.lockedFor(peer))
            return Refusal{429,
                           u"too many requests with invalid client keys from this address; try "
                           "again in %1 s"_s.arg(wholeSeconds(locked)),
                           retryHeaders(locked, false)};
    }

    refreshKeys(false);
    AuthRequest req;
    req.peer = peer;
    req.method = head.method;
    req.path = head.path;
    req.query = head.query;
    req.headers = &head.headers;
    req.host = a.host; // admitted: the one Host header, already classified
    const Authorization auth = authorize(req, m_config.trust, m_keys, m_clock.nowMs());
    if (!trustedPeer && !auth.key) {
        // Scanners, wrong keys and /health pollers from the network: bounded per address.
        if (const qint64 wait = m_unkeyed.take(peer))
            return Refusal{429,
                           u"too many requests without a valid client key from this address; "
                           "try again in %1 s"_s.arg(wholeSeconds(wait)),
                           retryHeaders(wait, std::nullopt)};
    }
    if (!auth.admitted()) {
        if (auth.failedKey && !trustedPeer)
            m_lockout.recordFailure(peer);
        HeaderPairs headers;
        if (auth.status == 401)
            headers.emplaceBack("WWW-Authenticate", "Bearer");
        return Refusal{auth.status, auth.message, headers};
    }

    http::HttpServer::Pass pass;
    if (!auth.key) {
        // Trusted-local, or anyone on an open path (/health's short answer, preflights).
        pass.caller.mayRead = auth.trustedLocal;
        return pass;
    }
    const ClientKeyInfo &key = *auth.key;
    pass.caller.keyId = key.id;
    pass.caller.models = key.models;
    pass.caller.mayRead = key.has(KeyScope::Read);
    if (auth.openPath)
        return pass; // /health and preflights count against no limit
    auto ticket = m_limiter.acquire(key);
    if (auto *refused = std::get_if<KeyLimiter::Refusal>(&ticket))
        return Refusal{429, refused->message, limitHeaders(*refused)};
    pass.ticket = std::move(std::get<KeyLimiter::Ticket>(ticket));
    return pass;
}

} // namespace qp
