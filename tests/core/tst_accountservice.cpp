// AccountService: adding keeps secrets and rows consistent; removing removes the secrets first.
#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "accounts/storedcredentialsource.h"
#include "secrets/memorysecretstore.h"
#include "support/accountbackend.h"

#include <QtTest>

using namespace qp;
using qp::test::AccountBackend;

class TestAccountService : public QObject
{
    Q_OBJECT
    std::unique_ptr<AccountBackend> m_b; // store, secrets, service

    static QwenCredentials creds(const QString &tag)
    {
        QwenCredentials c;
        c.accessToken = QStringLiteral("at-") + tag;
        c.refreshToken = QStringLiteral("rt-") + tag;
        c.resourceUrl = QStringLiteral("portal.qwen.ai");
        c.expiryDateMs = 1760000000000;
        return c;
    }
    Result<Account> add(const QwenCredentials &c, AddAccountOptions o)
    {
        std::optional<Result<Account>> out;
        m_b->service->addAccount(c, o, [&](Result<Account> r) { out = r; });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, 5000))
            return Error::make(Error::Kind::Internal, QStringLiteral("timeout"));
        return *out;
    }
    std::optional<Error> remove(const QString &id)
    {
        std::optional<std::optional<Error>> out;
        m_b->service->remove(id, [&](std::optional<Error> e) { out = e; });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, 5000))
            return Error::make(Error::Kind::Internal, QStringLiteral("timeout"));
        return *out;
    }

private slots:
    void init()
    {
        m_b = std::make_unique<AccountBackend>();
        QVERIFY(m_b->open(OAuthConfig::defaults()));
    }
    void cleanup() { m_b.reset(); }

    void addGeneratesIdsAndStoresSecrets()
    {
        QSignalSpy changed(m_b->service.get(), &AccountService::accountsChanged);
        auto a = add(creds(QStringLiteral("1")), {});
        QVERIFY(a);
        QCOMPARE(a->id, QStringLiteral("account-1"));
        QVERIFY(a->isDefault);
        auto b =
            add(creds(QStringLiteral("2")), {QString(), QStringLiteral("Second"), false, true});
        QCOMPARE(b->id, QStringLiteral("account-2"));
        QCOMPARE(b->label, QStringLiteral("Second"));
        QCOMPARE(m_b->store->defaultAccountId(), QStringLiteral("account-2"));
        QCOMPARE(changed.size(), 2);

        std::optional<Result<std::shared_ptr<StoredCredentialSource>>> src;
        m_b->service->credentialSource(QStringLiteral("account-2"), [&](auto r) { src = r; });
        QTRY_VERIFY(src.has_value());
        QVERIFY(*src);
        QCOMPARE((*src).value()->load()->refreshToken, QStringLiteral("rt-2"));
    }

    void duplicateIdNeedsReplace()
    {
        QVERIFY(add(creds(QStringLiteral("1")), {QStringLiteral("me")}));
        QVERIFY(!m_b->store->setStatus(QStringLiteral("me"), AccountStatus::NeedsLogin,
                                       QStringLiteral("dead")));
        auto dup = add(creds(QStringLiteral("2")), {QStringLiteral("me")});
        QVERIFY(!dup);
        QVERIFY(dup.error().message.contains(QStringLiteral("already exists")));
        auto re = add(creds(QStringLiteral("3")), {QStringLiteral("me"), QString(), true});
        QVERIFY(re);
        QCOMPARE(re->status, AccountStatus::Active); // a new login revives it
        QCOMPARE(StoredCredentialSource::deserialize(
                     m_b->secrets->contents().value(Account::secretKey(QStringLiteral("me"))))
                     ->accessToken,
                 QStringLiteral("at-3"));
    }

    void removeDeletesSecretsThenRow()
    {
        QVERIFY(add(creds(QStringLiteral("1")), {QStringLiteral("gone")}));
        QVERIFY(m_b->secrets->contents().contains(Account::secretKey(QStringLiteral("gone"))));
        QVERIFY(!remove(QStringLiteral("gone")));
        QVERIFY(m_b->secrets->contents().isEmpty());
        QVERIFY(!m_b->store->contains(QStringLiteral("gone")));
        QCOMPARE(remove(QStringLiteral("gone"))->kind, Error::Kind::NotFound);
    }

    void failedSecretDeleteKeepsTheRow()
    {
        QVERIFY(add(creds(QStringLiteral("1")), {QStringLiteral("stuck")}));
        m_b->secrets->setFailure(
            Error::make(Error::Kind::Internal, QStringLiteral("keychain locked")));
        auto e = remove(QStringLiteral("stuck"));
        QVERIFY(e);
        QVERIFY(e->message.contains(QStringLiteral("try again")));
        QVERIFY(m_b->store->contains(QStringLiteral("stuck")));
        m_b->secrets->setFailure(std::nullopt);
        QVERIFY(!remove(QStringLiteral("stuck")));
    }

    void missingSecretsMeanNeedsLogin()
    {
        Account a;
        a.id = QStringLiteral("orphan");
        QVERIFY(m_b->store->add(a));
        std::optional<Result<std::shared_ptr<StoredCredentialSource>>> src;
        m_b->service->credentialSource(QStringLiteral("orphan"), [&](auto r) { src = r; });
        QTRY_VERIFY(src.has_value());
        QVERIFY(!*src);
        QCOMPARE((*src).error().kind, Error::Kind::NeedsLogin);
    }

    void sourceSavesInBackground()
    {
        QVERIFY(add(creds(QStringLiteral("1")), {QStringLiteral("s")}));
        std::optional<Result<std::shared_ptr<StoredCredentialSource>>> src;
        m_b->service->credentialSource(QStringLiteral("s"), [&](auto r) { src = r; });
        QTRY_VERIFY(src.has_value());
        auto source = (*src).value();
        std::optional<std::optional<Error>> persisted;
        source->setPersistedCallback([&](std::optional<Error> e) { persisted = e; });
        QVERIFY(!source->save(creds(QStringLiteral("refreshed"))));
        QCOMPARE(source->load()->accessToken, QStringLiteral("at-refreshed")); // at once
        QTRY_VERIFY(persisted.has_value());
        QVERIFY(!*persisted);
        QCOMPARE(StoredCredentialSource::deserialize(
                     m_b->secrets->contents().value(Account::secretKey(QStringLiteral("s"))))
                     ->accessToken,
                 QStringLiteral("at-refreshed"));
        // A failing store: the tokens stay usable in memory and the error is kept.
        m_b->secrets->setFailure(Error::make(Error::Kind::Internal, QStringLiteral("locked")));
        persisted.reset();
        QVERIFY(!source->save(creds(QStringLiteral("again"))));
        QTRY_VERIFY(persisted.has_value());
        QVERIFY(source->lastPersistError());
        QCOMPARE(source->load()->accessToken, QStringLiteral("at-again"));
    }
};

QTEST_GUILESS_MAIN(TestAccountService)
#include "tst_accountservice.moc"
