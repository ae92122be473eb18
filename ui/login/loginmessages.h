#pragma once
// What the login window says when a device login ends badly: the device flow's error (a value
// from the core) sorted into the few cases a person can act on, each with its own words.

#include "common/error.h"

#include <QCoreApplication>
#include <QString>

namespace qp {

struct LoginProblem {
    enum class Kind {
        Expired,      // the code was not approved in time
        Denied,       // the user (or Qwen) refused the authorization
        Network,      // Qwen could not be reached
        Discontinued, // Qwen's free OAuth tier has ended: no login can work
        RateLimited,  // Qwen is throttling logins
        Other,
    };
    Kind kind = Kind::Other;
    QString title;
    QString body;
    QString detail;       // the technical message, for the curious and for bug reports
    bool canRetry = true; // a new attempt can work (not for the discontinued tier)
};

class LoginMessages
{
    Q_DECLARE_TR_FUNCTIONS(qp::LoginMessages)
public:
    static LoginProblem::Kind classify(const Error &error);
    static LoginProblem describe(const Error &error);
    // The problem shown when the countdown reaches zero before the flow itself says so.
    static LoginProblem expired();
};

} // namespace qp
