#include "login/loginmessages.h"

using namespace Qt::StringLiterals;

namespace qp {

LoginProblem::Kind LoginMessages::classify(const Error &e)
{
    // deviceflow.cpp sets these codes; the kinds cover answers that arrive without one.
    if (e.kind == Error::Kind::Discontinued)
        return LoginProblem::Kind::Discontinued;
    if (e.code == u"expired_token"_s || e.code == u"timeout"_s)
        return LoginProblem::Kind::Expired;
    if (e.code == u"access_denied"_s)
        return LoginProblem::Kind::Denied;
    if (e.code == u"network"_s || e.kind == Error::Kind::UpstreamUnavailable ||
        e.kind == Error::Kind::UpstreamTimeout || e.kind == Error::Kind::UpstreamBlocked)
        return LoginProblem::Kind::Network;
    if (e.kind == Error::Kind::RateLimited)
        return LoginProblem::Kind::RateLimited;
    // A 401 on the token endpoint: "device code expired or invalid".
    if (e.kind == Error::Kind::UpstreamAuth && e.upstreamStatus == 401)
        return LoginProblem::Kind::Expired;
    return LoginProblem::Kind::Other;
}

LoginProblem LoginMessages::expired()
{
    LoginProblem p;
    p.kind = LoginProblem::Kind::Expired;
    p.title = tr("The code expired");
    p.body = tr("The login was not approved in time. Try again to get a new code.");
    return p;
}

LoginProblem LoginMessages::describe(const Error &e)
{
    LoginProblem p;
    p.kind = classify(e);
    p.detail = e.message;
    switch (p.kind) {
    case LoginProblem::Kind::Expired:
        p = expired();
        p.detail = e.message;
        break;
    case LoginProblem::Kind::Denied:
        p.title = tr("The login was denied");
        p.body = tr("The authorization was refused in the browser. If that was a mistake, try "
                    "again and approve it.");
        break;
    case LoginProblem::Kind::Network:
        p.title = tr("Cannot reach Qwen");
        p.body = tr("Check your internet connection and proxy settings, then try again.");
        break;
    case LoginProblem::Kind::Discontinued:
        p.title = tr("Qwen's free OAuth tier has ended");
        p.body = tr("Qwen stopped free access through OAuth logins on 2026-04-15, so a new "
                    "login cannot serve requests. Add a Coding Plan or Model Studio API key "
                    "instead.");
        p.canRetry = false;
        break;
    case LoginProblem::Kind::RateLimited:
        p.title = tr("Too many login attempts");
        p.body = tr("Qwen is limiting login requests. Wait a minute, then try again.");
        break;
    case LoginProblem::Kind::Other:
        p.title = tr("The login failed");
        p.body = tr("Qwen did not complete the login. Try again; if it keeps failing, the "
                    "details below help with a bug report.");
        break;
    }
    return p;
}

} // namespace qp
