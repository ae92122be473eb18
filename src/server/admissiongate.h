#pragma once
// The server's admission gate: the core's rules (access/admission.h) applied to each request's
// head as the HTTP server reads it, before the body and before any route.

#include "http/httpserver.h"

namespace qp {

class Settings;

http::HttpServer::Gate makeAdmissionGate(const Settings &settings);

} // namespace qp
