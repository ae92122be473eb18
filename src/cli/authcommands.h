#pragma once
// The verbs of `qwen-proxy auth` (issue 3 §2). cmd_auth.cpp parses the command line, builds the
// Runtime (settings, account store, secret store; no HTTP listener) and calls one of these. Each
// returns an ExitCode (cliargs.h) and prints its own messages: results on stdout, errors on stderr.
// None of them ever prints a token.

#include "accounts/accountservice.h"

#include <QString>
#include <optional>

namespace qp {
class Runtime;
}

namespace qp::cli {

struct LoginUi {
    bool showQr = true;
    bool openBrowser = true;
    bool lightTerminal = false; // QR drawn for dark text on a light background
};

// Device login into opts.accountId: URL, user code, QR, browser, countdown; Ctrl-C cancels and
// leaves nothing stored.
int authAdd(Runtime &rt, const AddAccountOptions &opts, const LoginUi &ui);
// `qwen-proxy auth` without a verb (the original `npm run auth`): refreshes the default account
// when its refresh token still works, else logs it in again; with no account, logs in "default".
int authDefaultLogin(Runtime &rt, const LoginUi &ui);

int authList(Runtime &rt);
int authRemove(Runtime &rt, const QString &id);
int authSetDefault(Runtime &rt, const QString &id);
int authCounts(Runtime &rt);
// Takes an account out of the pool until enabled again (a running server notices within seconds);
// enabling also clears a stored needs-login or discontinued mark, so the pool tries it again.
int authSetEnabled(Runtime &rt, const QString &id, bool enabled, const QString &reason);

struct PlanOptions {
    QString accountId;
    QString plan;                     // a preset name, a text spec (pool/quotaplan.h) or "none"
    std::optional<int> maxConcurrent; // unset: keep the stored cap
    std::optional<int> maxPerMinute;
};
// Sets the account's pool limits in the store; a running server's account watcher picks them up.
// A plan that does not parse is a usage error (2) whose one line names the bad part.
int authPlan(Runtime &rt, const PlanOptions &opts);
// Copies qwen-code's and the original proxies' credential files from `qwenDir` into the store.
int authImport(Runtime &rt, const QString &qwenDir, bool replaceExisting);

} // namespace qp::cli
