#pragma once
// Where one Qwen OAuth account's tokens live. The TokenManager refreshes through this interface, so
// an account linked to qwen-code's shared ~/.qwen/oauth_creds.json (lock-file protocol, §A.6) and
// an account kept in the OS keychain are refreshed by the same single-flight code.

#include "auth/qwencredentials.h"
#include "common/error.h"

#include <QObject>
#include <functional>

namespace qp {

class CredentialSource
{
public:
    virtual ~CredentialSource() = default;

    // A short human description for logs and errors ("~/.qwen/oauth_creds.json", "keychain").
    virtual QString describe() const = 0;

    // The credentials as currently stored (may have been changed by another process).
    virtual Result<QwenCredentials> load() = 0;

    // Takes whatever cross-process lock the storage needs before a refresh, asynchronously, and
    // calls `done` with an empty error on success. Stores without a shared file succeed at once.
    virtual void lockForRefresh(std::function<void(std::optional<Error>)> done)
    {
        done(std::nullopt);
    }
    virtual void unlockAfterRefresh() {}

    // Stores refreshed credentials (atomically). Called while locked.
    virtual std::optional<Error> save(const QwenCredentials &creds) = 0;
    // The same, with the outcome reported to `done`, at once or later (a secret store's write
    // finishes from the event loop). The TokenManager persists through this, so it learns that a
    // write failed and retries it. A failed write must leave the stored credentials as they were.
    virtual void persist(const QwenCredentials &creds,
                         std::function<void(std::optional<Error>)> done)
    {
        done(save(creds));
    }
};

} // namespace qp
