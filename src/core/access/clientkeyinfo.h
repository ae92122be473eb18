#pragma once
// What the proxy knows of one client key: its public id, the digest of its secret, and what it
// may do (docs/access-control.md, "Client keys"). The secret itself is never kept.

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <optional>

namespace qp {

// What a key may call. Inference: the model routes (/v1/chat/completions, /v1/messages,
// /v1/responses, /v1/models...). Read: /metrics and the full /health. Admin: /auth/* (logins and
// accounts).
enum class KeyScope : unsigned { Inference = 1, Read = 2, Admin = 4 };
using KeyScopes = unsigned;
constexpr KeyScopes kDefaultScopes = unsigned(KeyScope::Inference);

// "inference,read" -> bits; nullopt for an unknown name. "all" is every scope.
std::optional<KeyScopes> parseScopes(const QString &text);
QString scopesText(KeyScopes scopes);

// Whether `model` matches one of `globs` (* any run, ? one character, case-insensitive); an empty
// list allows every model.
bool modelAllowed(const QStringList &globs, const QString &model);

// Every limit is "none" at 0.
struct KeyLimits {
    int requestsPerMinute = 0;
    qint64 tokensPerMinute = 0;
    int concurrency = 0;
    qint64 dailyRequests = 0; // per UTC day
    qint64 dailyTokens = 0;
};

struct ClientKeyInfo {
    QString id;        // the 8 characters after "qpk_": public, shown in lists and logs
    QString name;      // the user's label ("laptop", "ci")
    QByteArray digest; // SHA-256 of the secret (raw bytes)
    qint64 createdMs = 0;
    qint64 expiresMs = 0; // 0: never
    qint64 revokedMs = 0; // 0: not revoked
    KeyScopes scopes = kDefaultScopes;
    QStringList models; // globs ("qwen3-coder-*"); empty: every model
    KeyLimits limits;

    bool usableAt(qint64 nowMs) const
    {
        return revokedMs == 0 && (expiresMs == 0 || nowMs < expiresMs);
    }
    bool has(KeyScope s) const { return scopes & unsigned(s); }
    // Whether the key may ask for `model` (a glob with * and ?, case-insensitive).
    bool allowsModel(const QString &model) const;
};

} // namespace qp
