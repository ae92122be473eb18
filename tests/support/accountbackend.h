#pragma once
// What an account or login test stands on: an AccountService over a fresh account store and an
// in-memory secret store in a temporary directory. open() talks to a given OAuth endpoint (the
// real defaults, for tests that never reach it); start() first starts the fake OAuth server and
// gives the service a device flow that polls every few milliseconds. The account service, import,
// PendingLogins and login window tests share it instead of each writing the setup out.

#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "auth/deviceflow.h"
#include "secrets/memorysecretstore.h"
#include "support/fakeoauthserver.h"

#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <memory>
#include <optional>

namespace qp::test {

struct AccountBackend {
    // Polls at 10 ms, backing off to 40 ms at most.
    static DeviceFlow::Timing fastTiming();

    // Opens the store and builds the service for `config`; false (with a warning) on failure.
    bool open(const OAuthConfig &config);
    // Starts the fake OAuth server, then open()s against it with `timing`.
    bool start(const DeviceFlow::Timing &timing = fastTiming());
    // A new service over the same store and secrets, for another OAuth endpoint (an unreachable
    // one, say); the timing given to start() stays.
    void makeService(const OAuthConfig &config);

    // Declared in the order they are built: destroyed service first, server last.
    QTemporaryDir dir;
    QNetworkAccessManager nam;
    std::unique_ptr<FakeOAuthServer> fake; // only after start()
    std::unique_ptr<AccountStore> store;
    std::unique_ptr<MemorySecretStore> secrets;
    std::unique_ptr<AccountService> service;
    std::optional<DeviceFlow::Timing> timing;
};

} // namespace qp::test
