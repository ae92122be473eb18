#include "loginbackend.h"

#include <QtDebug>

namespace qp::test {

DeviceFlow::Timing LoginBackend::fastTiming()
{
    DeviceFlow::Timing t;
    t.initialPollMs = 10;
    t.maxPollMs = 40;
    return t;
}

bool LoginBackend::start(const DeviceFlow::Timing &t)
{
    timing = t;
    fake = std::make_unique<FakeOAuthServer>();
    if (!dir.isValid() || !fake->start()) {
        qWarning("LoginBackend: no temporary directory or the fake OAuth server did not start");
        return false;
    }
    auto s = AccountStore::open(dir.filePath(QStringLiteral("accounts.sqlite")));
    if (!s) {
        qWarning() << "LoginBackend: cannot open the account store:" << s.error().message;
        return false;
    }
    store = std::move(s.value());
    secrets = std::make_unique<MemorySecretStore>();
    makeService(fake->config());
    return true;
}

void LoginBackend::makeService(const OAuthConfig &config)
{
    service = std::make_unique<AccountService>(store.get(), secrets.get(), &nam, config);
    service->setDeviceFlowTiming(timing);
}

} // namespace qp::test
