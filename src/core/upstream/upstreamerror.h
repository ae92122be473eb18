#pragma once
// Turns what an upstream answered (status + body, or a network failure) into a classified
// qp::Error. The class is decided here, once, so the pool and the edge never re-parse messages.

#include "common/error.h"

#include <QNetworkReply>

namespace qp {

Error classifyHttpError(int status, const QByteArray &body, const QByteArray &retryAfterHeader,
                        const QString &upstreamName);
// The same knowing the answer's Content-Type: an HTML page is a block (or, for 429 and 5xx, keeps
// its class without the page's markup as the message).
Error classifyHttpError(int status, const QByteArray &body, const QByteArrayView &contentType,
                        const QByteArray &retryAfterHeader, const QString &upstreamName);
Error classifyNetworkError(QNetworkReply::NetworkError code, const QString &errorString,
                           const QString &host);
// In-band errors inside a 200 stream: an {"error":{...}} chunk or finish_reason "error_finish".
Error classifyStreamError(const QString &message, const QString &code);
// An Anthropic stream's in-band `event: error` (data {"type":"error","error":{"type","message"}}):
// classified as the HTTP answer its error type stands for (overloaded_error as 529, ...).
Error classifyAnthropicStreamError(const QByteArray &data, const QString &upstreamName);
std::optional<int> parseRetryAfter(const QByteArray &header);

// An HTML page where JSON or SSE was due (quirk html-is-block): by its Content-Type (text/html)
// or, whatever the type says, by a body that starts with '<' (<!DOCTYPE, <html, ...).
bool looksLikeHtml(const QByteArray &contentType, const QByteArrayView &bodyStart);
// The error for it: Kind::UpstreamBlocked (502), with the page's <title> when it has one.
Error upstreamBlockedError(int status, const QByteArray &body, const QString &upstreamName);

// The answer Qwen gives every OAuth request since the free tier ended on 2026-04-15.
QString discontinuedMessage();

} // namespace qp
