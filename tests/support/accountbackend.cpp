#include "accountbackend.h"

#include <QtDebug>

namespace qp::test {

DeviceFlow::Timing AccountBackend::fastTiming()
{
    DeviceFlow::Timing t;
    t.initialPollMs = 10;
    t.maxPollMs = 40;
    return t;
}

bool AccountBackend::open(const OAuthConfig &config)
{
    if (!dir.isValid()) {
        qWarning("AccountBackend: no temporary directory");
        return false;
    }
    auto s = AccountStore::open(dir.filePath(QStringLiteral("accounts.sqlite")));
    if (!s) {
        qWarning() << "AccountBackend: cannot open the account store:" << s.error().message;
        return false;
    }
    store = std::move(s.value());
    secrets = std::make_unique<MemorySecretStore>();
    makeService(config);
    return true;
}

bool AccountBackend::start(const DeviceFlow::Timing &t)
{
    timing = t;
    fake = std::make_unique<FakeOAuthServer>();
    if (!fake->start()) {
        qWarning("AccountBackend: the fake OAuth server did not start");
        return false;
    }
    return open(fake->config());
}

void AccountBackend::makeService(const OAuthConfig &config)
{
    service = std::make_unique<AccountService>(store.get(), secrets.get(), &nam, config);
    if (timing)
        service->setDeviceFlowTiming(*timing);
}

} // namespace qp::test
