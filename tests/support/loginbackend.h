#pragma once
// What a login test stands on: the fake OAuth server, a fresh account store and an in-memory
// secret store in a temporary directory, and an AccountService wired to them with a device flow
// that polls every few milliseconds. The server-side login tests (PendingLogins) and the login
// window's end-to-end test share it, so both log in against the same setup.

#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "auth/deviceflow.h"
#include "secrets/memorysecretstore.h"
#include "support/fakeoauthserver.h"

#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <memory>

namespace qp::test {

struct LoginBackend {
    // Polls at 10 ms, backing off to 40 ms at most.
    static DeviceFlow::Timing fastTiming();

    // Starts the server, opens the store and builds the service; false (with a warning) when a
    // step fails.
    bool start(const DeviceFlow::Timing &timing = fastTiming());
    // A new service over the same store and secrets, for another OAuth endpoint (an unreachable
    // one, say); the timing given to start() stays.
    void makeService(const OAuthConfig &config);

    // Declared in the order they are built: destroyed service first, server last.
    QTemporaryDir dir;
    QNetworkAccessManager nam;
    std::unique_ptr<FakeOAuthServer> fake;
    std::unique_ptr<AccountStore> store;
    std::unique_ptr<MemorySecretStore> secrets;
    std::unique_ptr<AccountService> service;
    DeviceFlow::Timing timing;
};

} // namespace qp::test
