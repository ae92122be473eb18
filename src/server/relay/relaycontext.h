#pragma once
// What every relay needs from the runtime, passed as one value so relays stay free of globals.

#include "upstream/chatcall.h"

namespace qp {
class NamPool;
class TokenManager;
class UpstreamRouter;

struct RelayContext {
    NamPool *pool = nullptr;
    TokenManager *tokens = nullptr;
    UpstreamRouter *router = nullptr;
    ChatCallConfig callConfig;
};
} // namespace qp
