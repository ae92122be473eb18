// LoginSession and PendingLogins (the /auth/initiate + /auth/poll backend) against the fake OAuth
// server: a success becomes a stored account, a cancel leaves nothing, the verifier never leaks.
#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "accounts/loginsession.h"
#include "accounts/storedcredentialsource.h"
#include "auth/pendinglogins.h"
#include "secrets/memorysecretstore.h"
#include "support/accountbackend.h"

#include <QJsonDocument>
#include <QtTest>

using namespace qp;
using qp::test::AccountBackend;
using qp::test::FakeOAuthServer;
using Status = PendingLogins::PollResult::Status;

class TestPendingLogins : public QObject
{
    Q_OBJECT
    std::unique_ptr<AccountBackend> m_b; // fake server, store, secrets, service
    std::unique_ptr<PendingLogins> m_pending;

    PendingLogins::Initiated initiate(AddAccountOptions o = {})
    {
        std::optional<Result<PendingLogins::Initiated>> out;
        m_pending->initiate(o, this, [&](Result<PendingLogins::Initiated> r) { out = r; });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, 5000) || !*out)
            return {};
        return out->value();
    }

private slots:
    void init()
    {
        m_b = std::make_unique<AccountBackend>();
        QVERIFY(m_b->start());
        m_pending = std::make_unique<PendingLogins>(m_b->service.get());
    }
    void cleanup()
    {
        m_pending.reset();
        m_b.reset();
    }

    void loginSessionStoresTheAccount()
    {
        m_b->fake->queuePending(2);
        m_b->fake->queue(FakeOAuthServer::success(QStringLiteral("at-s"), QStringLiteral("rt-s")));
        auto session =
            m_b->service->startLogin({QStringLiteral("work"), QStringLiteral("Work")}, this);
        QVERIFY(session);
        QSignalSpy started(*session, &LoginSession::started);
        std::optional<Account> account;
        connect(*session, &LoginSession::succeeded, this, [&](const Account &a) { account = a; });
        QTRY_VERIFY_WITH_TIMEOUT(account.has_value(), 5000);
        QCOMPARE(started.size(), 1);
        QCOMPARE(account->id, QStringLiteral("work"));
        QCOMPARE(account->label, QStringLiteral("Work"));
        QCOMPARE(account->resourceUrl, QStringLiteral("portal.qwen.ai"));
        QVERIFY(m_b->store->contains(QStringLiteral("work")));
        QCOMPARE(StoredCredentialSource::deserialize(
                     m_b->secrets->contents().value(Account::secretKey(QStringLiteral("work"))))
                     ->refreshToken,
                 QStringLiteral("rt-s"));
        delete *session;
    }

    void loginRejectsAnExistingIdBeforeContactingQwen()
    {
        Account a;
        a.id = QStringLiteral("taken");
        QVERIFY(m_b->store->add(a));
        auto session = m_b->service->startLogin({QStringLiteral("taken")}, this);
        QVERIFY(!session);
        QVERIFY(session.error().message.contains(QStringLiteral("already exists")));
        QCOMPARE(m_b->fake->requests().size(), 0);
    }

    void cancelLeavesNothingBehind()
    {
        m_b->fake->queuePending(1000);
        auto session = m_b->service->startLogin({QStringLiteral("never")}, this);
        QVERIFY(session);
        QTRY_VERIFY_WITH_TIMEOUT(m_b->fake->tokenRequests() >= 2, 5000);
        QSignalSpy cancelled(*session, &LoginSession::cancelled);
        (*session)->cancel();
        QCOMPARE(cancelled.size(), 1);
        QVERIFY(!(*session)->isActive());
        QVERIFY(!m_b->store->contains(QStringLiteral("never")));
        QVERIFY(m_b->secrets->contents().isEmpty());
        delete *session;
    }

    void initiateThenPollToSuccess()
    {
        m_b->fake->queuePending(3);
        m_b->fake->queue(FakeOAuthServer::success());
        const auto info = initiate({QStringLiteral("web")});
        QVERIFY(!info.deviceCode.isEmpty());
        QCOMPARE(info.userCode, QStringLiteral("ABCD-1234"));
        QCOMPARE(info.verificationUriComplete, m_b->fake->lastVerificationUriComplete());
        const QJsonObject json = info.toJson();
        QCOMPARE(json.keys(),
                 (QStringList{QStringLiteral("device_code"), QStringLiteral("expires_in"),
                              QStringLiteral("user_code"), QStringLiteral("verification_uri"),
                              QStringLiteral("verification_uri_complete")}));
        // The verifier is what the fake saw in code_verifier; it must appear in no answer.
        const auto first = m_pending->poll(info.deviceCode);
        QCOMPARE(first.status, Status::Pending);
        QCOMPARE(first.toJson().value(QStringLiteral("status")).toString(),
                 QStringLiteral("pending"));

        QTRY_VERIFY_WITH_TIMEOUT(m_pending->poll(info.deviceCode).status != Status::Pending, 5000);
        QVERIFY(m_b->store->contains(QStringLiteral("web")));
        // The terminal answer was delivered (by the QTRY above) and is not repeated.
        const auto after = m_pending->poll(info.deviceCode);
        QCOMPARE(after.status, Status::Unknown);
        QCOMPARE(after.toJson().value(QStringLiteral("status")).toString(),
                 QStringLiteral("unknown"));
        const QString verifier =
            m_b->fake->requests().last().form.value(QStringLiteral("code_verifier"));
        QVERIFY(!verifier.isEmpty());
        QVERIFY(!QJsonDocument(json).toJson().contains(verifier.toLatin1()));
    }

    void pollReportsSuccessOnce()
    {
        m_b->fake->queue(FakeOAuthServer::success());
        const auto info = initiate({QStringLiteral("once")});
        QTRY_VERIFY_WITH_TIMEOUT(m_b->store->contains(QStringLiteral("once")), 5000);
        const auto r = m_pending->poll(info.deviceCode);
        QCOMPARE(r.status, Status::Success);
        QCOMPARE(r.accountId, QStringLiteral("once"));
        QCOMPARE(r.toJson().value(QStringLiteral("account_id")).toString(), QStringLiteral("once"));
        QCOMPARE(m_pending->poll(info.deviceCode).status, Status::Unknown);
    }

    void pollReportsTheError()
    {
        m_b->fake->queue(FakeOAuthServer::oauthError(400, QStringLiteral("access_denied")));
        const auto info = initiate();
        QTRY_VERIFY_WITH_TIMEOUT(m_pending->activeCount() == 0, 5000);
        const auto r = m_pending->poll(info.deviceCode);
        QCOMPARE(r.status, Status::Error);
        QCOMPARE(r.toJson().value(QStringLiteral("code")).toString(),
                 QStringLiteral("access_denied"));
        QVERIFY(r.error.message.startsWith(QStringLiteral("Authorization denied by user")));
        QVERIFY(m_b->store->list()->isEmpty());
    }

    void initiateFailsWhenQwenRefuses()
    {
        m_b->fake->setDeviceCodeAnswer(FakeOAuthServer::Answer{503, {}, "maintenance"});
        std::optional<Result<PendingLogins::Initiated>> out;
        m_pending->initiate({}, this, [&](Result<PendingLogins::Initiated> r) { out = r; });
        QTRY_VERIFY(out.has_value());
        QVERIFY(!*out);
        QVERIFY(
            out->error().message.startsWith(QStringLiteral("Device authorization failed: 503")));
        QCOMPARE(m_pending->activeCount(), 0);
    }

    void cancelByDeviceCode()
    {
        const auto info = initiate({QStringLiteral("c")});
        QVERIFY(m_pending->cancel(info.deviceCode));
        QCOMPARE(m_pending->activeCount(), 0);
        QCOMPARE(m_pending->poll(info.deviceCode).status, Status::Unknown);
        QVERIFY(!m_pending->cancel(info.deviceCode));
        const int requests = m_b->fake->tokenRequests();
        QTest::qWait(100); // ten poll intervals
        QCOMPARE(m_b->fake->tokenRequests(), requests);
        QVERIFY(m_b->secrets->contents().isEmpty());
    }

    void boundedNumberOfLogins()
    {
        m_pending->setMaxPending(2);
        initiate();
        initiate();
        std::optional<Result<PendingLogins::Initiated>> out;
        m_pending->initiate({}, this, [&](Result<PendingLogins::Initiated> r) { out = r; });
        QVERIFY(out.has_value()); // refused at once
        QVERIFY(!*out);
        QCOMPARE(out->error().code, QStringLiteral("too_many_logins"));
        QCOMPARE(m_b->fake->deviceCodeRequests(), 2);
    }
};

QTEST_GUILESS_MAIN(TestPendingLogins)
#include "tst_pendinglogins.moc"
