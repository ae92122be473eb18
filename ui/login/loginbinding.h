#pragma once
// Wires a LoginSession to a LoginWindow. The session lives where the engine lives (its thread
// once the engine has one): its signals reach the window through queued connections, and the
// window's cancel reaches the session through a call queued to the session's thread. Only
// signals and values cross: the window never holds the session.

#include "common/clock.h"

namespace qp {

class LoginSession;
class LoginWindow;

// `clock` turns the flow's "expires in N s" into a time for the window's countdown; it must be
// safe to read from the GUI thread (the system clock is). Retrying needs a new session: the
// window's retryRequested() is for the owner, who starts one and binds it again.
void bindLoginSession(LoginSession *session, LoginWindow *window, Clock &clock);

} // namespace qp
