#pragma once
// What every relay needs from the runtime, passed as one value so relays stay free of globals.

#include "upstream/chatcall.h"
#include "usage/usagerecord.h"

#include <functional>

namespace qp {
class AccountPool;
class HttpClient;
class ProxyMetrics;
class TokenManager;
class UpstreamRouter;

struct RelayContext {
    HttpClient *client = nullptr;
    TokenManager *tokens = nullptr;
    UpstreamRouter *router = nullptr;
    AccountPool *pool = nullptr;
    ChatCallConfig callConfig;
    // Anthropic streams get a ping this often while the upstream is silent (long thinking), so
    // clients and middleboxes do not time the stream out.
    int anthropicPingMs = 15000;
    // Every finished request's usage record goes here (the usage store), after the pool saw it.
    std::function<void(const UsageRecord &)> recordUsage;
    // Wall-clock time for usage records (a fake clock in tests).
    std::function<qint64()> nowMs;
    // Counters the relays feed directly (backpressure); may be null.
    ProxyMetrics *metrics = nullptr;
};
} // namespace qp
