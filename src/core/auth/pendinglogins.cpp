#include "auth/pendinglogins.h"

#include "accounts/loginsession.h"

#include <QJsonValue>

namespace qp {

namespace {
constexpr qint64 kKeepFinishedMs = 10 * 60 * 1000;
}

QJsonObject PendingLogins::Initiated::toJson() const
{
    return {{QStringLiteral("verification_uri"), verificationUri},
            {QStringLiteral("verification_uri_complete"), verificationUriComplete},
            {QStringLiteral("user_code"), userCode},
            {QStringLiteral("device_code"), deviceCode},
            {QStringLiteral("expires_in"), expiresIn}};
}

QJsonObject PendingLogins::PollResult::toJson() const
{
    switch (status) {
    case Status::Pending:
        return {{QStringLiteral("status"), QStringLiteral("pending")},
                {QStringLiteral("expires_in"), secondsLeft}};
    case Status::Success:
        return {{QStringLiteral("status"), QStringLiteral("success")},
                {QStringLiteral("account_id"), accountId}};
    case Status::Error:
        return {{QStringLiteral("status"), QStringLiteral("error")},
                {QStringLiteral("error"), error.message},
                {QStringLiteral("code"), error.code}};
    case Status::Unknown:
        break;
    }
    return {{QStringLiteral("status"), QStringLiteral("unknown")},
            {QStringLiteral("error"), error.message}};
}

PendingLogins::PendingLogins(AccountService *service, QObject *parent)
    : QObject(parent), m_service(service)
{}

PendingLogins::~PendingLogins()
{
    for (auto &e : m_entries)
        if (e.session)
            e.session->cancel();
}

int PendingLogins::activeCount() const
{
    int n = 0;
    for (const auto &e : m_entries)
        n += e.session && e.session->isActive() ? 1 : 0;
    return n;
}

void PendingLogins::purge()
{
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (it->finishedAt.isValid() && it->finishedAt.hasExpired(kKeepFinishedMs))
            it = m_entries.erase(it);
        else
            ++it;
    }
}

void PendingLogins::initiate(const AddAccountOptions &options, QObject *context,
                             std::function<void(Result<Initiated>)> done)
{
    purge();
    QPointer<QObject> ctx(context);
    auto reply = [ctx, done](Result<Initiated> r) {
        if (ctx)
            done(std::move(r));
    };
    if (activeCount() >= m_maxPending) {
        Error e = Error::make(Error::Kind::RateLimited,
                              QStringLiteral("Too many logins in progress (%1); finish or cancel "
                                             "one first")
                                  .arg(m_maxPending));
        e.code = QStringLiteral("too_many_logins");
        return reply(e);
    }
    auto started = m_service->startLogin(options, this);
    if (!started)
        return reply(started.error());
    LoginSession *session = started.value();
    QPointer<PendingLogins> self(this);

    // Until started() fires the login has no device code; a failure before it goes to `done`.
    auto answered = std::make_shared<bool>(false);
    connect(
        session, &LoginSession::started, this,
        [self, session, reply, answered](const QString &uri, const QString &uriComplete,
                                         const QString &userCode, int expiresIn) {
            *answered = true;
            Initiated info{uri, uriComplete, userCode, session->flow()->deviceCode(), expiresIn};
            Entry entry;
            entry.session = session;
            entry.result.status = PollResult::Status::Pending;
            entry.result.secondsLeft = expiresIn;
            self->m_entries.insert(info.deviceCode, entry);
            reply(info);
        });
    auto finishEntry = [self, session](const std::function<void(PollResult &)> &set) {
        const QString code = session->flow()->deviceCode();
        if (auto it = self->m_entries.find(code); it != self->m_entries.end()) {
            set(it->result);
            it->finishedAt.start();
        }
        session->deleteLater();
    };
    connect(session, &LoginSession::secondsLeftChanged, this, [self, session](int left) {
        if (auto it = self->m_entries.find(session->flow()->deviceCode());
            it != self->m_entries.end())
            it->result.secondsLeft = left;
    });
    connect(session, &LoginSession::succeeded, this, [finishEntry](const Account &a) {
        finishEntry([&](PollResult &r) {
            r.status = PollResult::Status::Success;
            r.accountId = a.id;
        });
    });
    connect(session, &LoginSession::failed, this, [finishEntry, reply, answered](const Error &e) {
        if (!*answered) {
            *answered = true;
            reply(e);
        }
        finishEntry([&](PollResult &r) {
            r.status = PollResult::Status::Error;
            r.error = e;
        });
    });
    connect(session, &LoginSession::cancelled, this, [finishEntry]() {
        finishEntry([](PollResult &r) {
            r.status = PollResult::Status::Error;
            r.error = Error::make(Error::Kind::InvalidRequest, QStringLiteral("Login cancelled"));
            r.error.code = QStringLiteral("cancelled");
        });
    });
}

PendingLogins::PollResult PendingLogins::poll(const QString &deviceCode)
{
    purge();
    auto it = m_entries.find(deviceCode);
    if (it == m_entries.end()) {
        PollResult r;
        r.status = PollResult::Status::Unknown;
        r.error = Error::make(Error::Kind::NotFound,
                              QStringLiteral("Unknown or finished device code; start a new login"));
        r.error.code = QStringLiteral("unknown_device_code");
        return r;
    }
    PollResult r = it->result;
    if (r.status != PollResult::Status::Pending)
        m_entries.erase(it); // a terminal answer is delivered once
    return r;
}

bool PendingLogins::cancel(const QString &deviceCode)
{
    auto it = m_entries.find(deviceCode);
    if (it == m_entries.end() || !it->session || !it->session->isActive())
        return false;
    it->session->cancel(); // the cancelled handler records the outcome
    m_entries.erase(m_entries.find(deviceCode));
    return true;
}

} // namespace qp
