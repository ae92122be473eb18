#pragma once
// Qwen OAuth credentials as qwen-code stores them (qwen-protocol.md §A.4) and the base-URL rule
// that derives the chat endpoint from resource_url (§B.1).

#include "common/error.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>

namespace qp {

struct QwenCredentials {
    QString accessToken;
    QString refreshToken;
    QString tokenType = QStringLiteral("Bearer");
    QString resourceUrl; // e.g. "portal.qwen.ai"; may be empty
    QString idToken;     // optional, kept when present so we never drop what qwen-code wrote
    qint64 expiryDateMs = 0;

    // qwen-code: valid iff now < expiry - TOKEN_REFRESH_BUFFER.
    bool isValidAt(qint64 nowMs, qint64 refreshBufferMs) const
    {
        return !accessToken.isEmpty() && nowMs < expiryDateMs - refreshBufferMs;
    }

    // Parses qwen-code's file format. qwen-code accepts a file only when access_token,
    // refresh_token and token_type are non-empty strings and expiry_date is a number.
    static Result<QwenCredentials> fromJson(const QJsonObject &o);
    // Pretty-printed like qwen-code (2-space indent is what JSON.stringify(x, null, 2) writes).
    QJsonObject toJson() const;
    QByteArray toFileBytes() const;

    // Applies a token-endpoint answer ({access_token, refresh_token?, expires_in, resource_url?}).
    // The old refresh token and resource_url are kept when the answer omits them (§A.5).
    static Result<QwenCredentials> fromTokenResponse(const QJsonObject &o, qint64 nowMs,
                                                     const QwenCredentials *previous = nullptr);
};

// §B.1: https:// added when resource_url has no scheme, http(s) URLs used as they are, /v1
// appended when missing; `fallbackBaseUrl` (QWEN_BASE_URL or DashScope's) when resource_url is empty.
QUrl qwenApiBaseUrl(const QString &resourceUrl, const QString &fallbackBaseUrl);

} // namespace qp
