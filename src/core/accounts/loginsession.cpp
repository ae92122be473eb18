#include "accounts/loginsession.h"

namespace qp {

LoginSession::LoginSession(AccountService *service, AddAccountOptions options, QObject *parent)
    : QObject(parent), m_service(service), m_options(std::move(options)),
      m_flow(new DeviceFlow(service->networkAccessManager(), service->oauthConfig(), this))
{
    m_flow->setTiming(service->deviceFlowTiming());
    connect(m_flow, &DeviceFlow::started, this, &LoginSession::started);
    connect(m_flow, &DeviceFlow::secondsLeftChanged, this, &LoginSession::secondsLeftChanged);
    connect(m_flow, &DeviceFlow::failed, this, &LoginSession::failed);
    connect(m_flow, &DeviceFlow::cancelled, this, &LoginSession::cancelled);
    connect(m_flow, &DeviceFlow::succeeded, this, &LoginSession::onCredentials);
}

void LoginSession::start()
{
    m_flow->start();
}

void LoginSession::cancel()
{
    m_flow->cancel();
}

void LoginSession::onCredentials(const QwenCredentials &creds)
{
    m_storing = true;
    QPointer<LoginSession> self(this);
    m_service->addAccount(creds, m_options, [self](Result<Account> r) {
        if (!self)
            return;
        self->m_storing = false;
        if (r)
            emit self->succeeded(r.value());
        else
            emit self->failed(r.error());
    });
}

} // namespace qp
