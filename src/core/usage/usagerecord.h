#pragma once
// The one usage record: everything known about one finished client request. The relay fills it
// once, when the request ends; the account pool meters quota windows from it, the usage store
// aggregates it per account, model and UTC day and keeps it in the request log, and /metrics and
// the tray read the aggregates. No other type carries per-request usage.

#include <QString>
#include <QtGlobal>

namespace qp {

struct UsageRecord {
    qint64 atMs = 0;     // when the request ended, ms since the epoch (UTC)
    QString accountId;   // the pool account that served it; empty when none could
    QString provider;    // the account's provider ("qwen-oauth", "api-key", ...)
    QString dialect;     // "openai", "anthropic", "responses"
    QString client;      // the client's product from its User-Agent ("claude-cli/2.1.197")
    QString clientKey;   // the client key's id ("" for a trusted local caller)
    QString clientModel; // the model the client asked for
    QString model;       // the model sent upstream
    int status = 0;      // the HTTP status the client saw (499: the client left)
    QString errorClass;  // empty on success, else ErrorClass name ("quota", "transient", ...)
    bool stream = false;
    int attempts = 1;         // upstream attempts, retries and rotations included
    qint64 latencyMs = 0;     // request received -> response ended
    qint64 firstTokenMs = -1; // request received -> first streamed token; -1 when none
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cachedTokens = 0;

    bool ok() const { return status >= 200 && status < 400; }
    qint64 totalTokens() const { return inputTokens + outputTokens; }
};

// Requests and tokens one account used in one whole minute (quota windows are metered from these
// buckets, so a 5-hour window is exact to the minute and a month costs at most 44,640 rows).
struct QuotaBucket {
    QString accountId;
    qint64 minuteMs = 0; // start of the minute, ms since the epoch (UTC), a multiple of 60,000
    qint64 requests = 0;
    qint64 tokens = 0;
};

} // namespace qp
