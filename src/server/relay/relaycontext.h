#pragma once
// What every relay needs from the runtime, passed as one value so relays stay free of globals.

#include "upstream/chatcall.h"

namespace qp {
class HttpClient;
class TokenManager;
class UpstreamRouter;

struct RelayContext {
    HttpClient *client = nullptr;
    TokenManager *tokens = nullptr;
    UpstreamRouter *router = nullptr;
    ChatCallConfig callConfig;
    // Anthropic streams get a ping this often while the upstream is silent (long thinking), so
    // clients and middleboxes do not time the stream out.
    int anthropicPingMs = 15000;
};
} // namespace qp
