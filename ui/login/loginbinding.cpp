#include "login/loginbinding.h"

#include "accounts/loginsession.h"
#include "login/loginwindow.h"

namespace qp {

void bindLoginSession(LoginSession *session, LoginWindow *window, Clock &clock)
{
    window->showRequesting();
    QObject::connect(session, &LoginSession::started, window,
                     [window, &clock](const QString &uri, const QString &uriComplete,
                                      const QString &userCode, int expiresInSec) {
                         // The complete URL carries the code: scanning it needs no typing.
                         window->showCode({uriComplete.isEmpty() ? uri : uriComplete, userCode,
                                           clock.nowMs() + qint64(expiresInSec) * 1000});
                     });
    QObject::connect(session, &LoginSession::succeeded, window,
                     [window](const Account &account) { window->showSucceeded(account.id); });
    QObject::connect(session, &LoginSession::failed, window, &LoginWindow::showFailed);
    QObject::connect(window, &LoginWindow::cancelRequested, session, [session] {
        // Runs on the session's thread: the lambda's context is the session.
        session->cancel();
    });
}

} // namespace qp
