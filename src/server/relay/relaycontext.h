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
};
} // namespace qp
