#pragma once
// The server's admission gate: the core's rules applied to each request's head as the HTTP server
// reads it, before the body and before any route (docs/access-control.md). In order: the Host,
// Origin and media-type rules (access/admission.h), the source's lockout after failed keys, who
// the caller is and whether its key is valid (access/authorization.h), then the key's limits
// (access/keylimiter.h).
//
// Keys come from the database (`qwen-proxy keys`, read again within a second of a change another
// process commits) and from QWEN_PROXY_API_KEYS (the container's way; kept as digests only).

#include "access/admission.h"
#include "access/authorization.h"
#include "access/keylimiter.h"
#include "access/keylockout.h"
#include "access/sourcerate.h"
#include "http/httpserver.h"

#include <QElapsedTimer>
#include <memory>

namespace qp {

class Settings;
class ClientKeyStore;

class AdmissionGate
{
public:
    struct Config {
        AdmissionRules admission;
        TrustRules trust;
        QList<ClientKeyInfo> envKeys; // from the client_keys setting (QWEN_PROXY_API_KEYS)
        int unkeyedPerMinute = 120;   // requests without a valid key per untrusted source

        static Config fromSettings(const Settings &s, const QString &machineHostName);
    };

    // `store` may be null (no database keys: tests, or a store that could not be opened).
    AdmissionGate(Config config, std::unique_ptr<ClientKeyStore> store, Clock &clock);
    ~AdmissionGate();

    http::HttpServer::Gate gate();
    // A finished request's tokens, for the key's token limits.
    void addTokens(const QString &keyId, qint64 tokens) { m_limiter.addTokens(keyId, tokens); }
    // Whether any key (stored or from the environment) is usable now.
    bool anyUsableKey();
    const KeyLimiter &limiter() const { return m_limiter; }

private:
    std::variant<http::HttpServer::Refusal, http::HttpServer::Pass>
    check(const http::HttpRequest &head, const QHostAddress &peer, bool hasBody);
    void refreshKeys(bool force);

    Config m_config;
    std::unique_ptr<ClientKeyStore> m_store;
    Clock &m_clock;
    KeyTable m_keys;
    QElapsedTimer m_sincePoll;
    KeyLimiter m_limiter;
    KeyLockout m_lockout;
    SourceRateLimit m_unkeyed;
};

} // namespace qp
