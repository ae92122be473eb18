#pragma once
// What an upstream failure means for the account that served it, decided once from the Error's
// kind (which upstreamerror.cpp sets when the answer is parsed). The account pool acts on the class
// and the usage record stores its name; nothing else re-reads error messages.
//
//   quota        the account's allowance is spent: rotate now, cool until the window resets
//   discontinued the provider ended or suspended this access (OAuth shutdown, ban, arrears):
//                park the account with the upstream's reason until a person acts
//   auth         credentials refused (after the one forced refresh of an OAuth token): rotate
//   needs_login  the refresh token is dead: rotate, the account waits for a new login
//   transient    throttling, 5xx, resets, timeouts: retry with backoff, then rotate
//   blocked      an HTML page instead of JSON (a WAF or captcha in front of the upstream), or a
//                redirect (we never follow one): the same request would meet it again, so no
//                retry here; another account (maybe another provider) may pass, so rotate, and
//                count it like a transient failure
//   client       the request itself is wrong (400, 404, 413, 422, context length): answer as is
//   local        not the account's doing (no upstream, the client left, our bug): no state change

#include "common/error.h"

namespace qp {

enum class ErrorClass { Quota, Discontinued, Auth, NeedsLogin, Transient, Blocked, Client, Local };

ErrorClass errorClassOf(const Error &e);
QString errorClassName(ErrorClass c);
// Another account could serve the same request (so the pool may rotate before the first byte).
bool isRotatable(ErrorClass c);

} // namespace qp
