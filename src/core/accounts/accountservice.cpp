#include "accounts/accountservice.h"

#include "accounts/accountstore.h"
#include "accounts/loginsession.h"
#include "accounts/storedcredentialsource.h"
#include "secrets/secretstore.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcAccounts, "qp.core.accounts")

namespace qp {

struct ImportRun {
    QList<ImportCandidate> candidates;
    qsizetype next = 0;
    bool replaceExisting = false;
    QList<ImportReportEntry> report;
    std::function<void(QList<ImportReportEntry>)> done;
};

AccountService::AccountService(AccountStore *store, SecretStore *secrets,
                               QNetworkAccessManager *nam, OAuthConfig oauth, QObject *parent)
    : QObject(parent), m_store(store), m_secrets(secrets), m_nam(nam), m_oauth(std::move(oauth))
{}

QString AccountService::nextFreeId() const
{
    for (int n = 1;; ++n) {
        const QString id = QStringLiteral("account-%1").arg(n);
        if (!m_store->contains(id))
            return id;
    }
}

Result<QString> AccountService::resolveId(const AddAccountOptions &options) const
{
    const QString id = options.accountId.isEmpty() ? nextFreeId() : options.accountId;
    if (!Account::isValidId(id))
        return Error::make(Error::Kind::InvalidRequest,
                           QStringLiteral("Invalid account id \"%1\": use 1-64 letters, digits, "
                                          "'.', '_' or '-'")
                               .arg(id));
    if (!options.replaceExisting && m_store->contains(id))
        return Error::make(Error::Kind::InvalidRequest,
                           QStringLiteral("Account \"%1\" already exists").arg(id));
    return id;
}

Result<LoginSession *> AccountService::startLogin(const AddAccountOptions &options, QObject *parent)
{
    auto id = resolveId(options);
    if (!id)
        return id.error();
    AddAccountOptions resolved = options;
    resolved.accountId = id.value();
    auto *session = new LoginSession(this, resolved, parent);
    if (!parent) {
        connect(session, &LoginSession::succeeded, session, &QObject::deleteLater);
        connect(session, &LoginSession::failed, session, &QObject::deleteLater);
        connect(session, &LoginSession::cancelled, session, &QObject::deleteLater);
    }
    session->start();
    return session;
}

void AccountService::addAccount(const QwenCredentials &creds, const AddAccountOptions &options,
                                std::function<void(Result<Account>)> done)
{
    auto id = resolveId(options);
    if (!id)
        return done(id.error());
    if (!m_secrets)
        return done(Error::make(Error::Kind::Internal, QStringLiteral("secret store closed")));
    const QString accountId = id.value();
    QPointer<AccountService> self(this);
    m_secrets->write(Account::secretKey(accountId), StoredCredentialSource::serialize(creds),
                     [self, accountId, options, creds, done](std::optional<Error> e) {
                         if (!self)
                             return;
                         if (e) {
                             Error err = *e;
                             err.message =
                                 QStringLiteral("Could not store the tokens of \"%1\": %2")
                                     .arg(accountId, e->message);
                             return done(err);
                         }
                         AccountStore *store = self->m_store;
                         if (store->contains(accountId)) {
                             // Re-login or re-import into an existing id: fresh tokens make it
                             // usable again.
                             std::optional<Error> err =
                                 store->setResourceUrl(accountId, creds.resourceUrl);
                             if (!err)
                                 err = store->setStatus(accountId, AccountStatus::Active);
                             if (!err && !options.label.isEmpty())
                                 err = store->setLabel(accountId, options.label);
                             if (!err && options.makeDefault)
                                 err = store->setDefault(accountId);
                             if (err)
                                 return done(*err);
                             emit self->accountsChanged();
                             return done(store->get(accountId));
                         }
                         Account a;
                         a.id = accountId;
                         a.label = options.label;
                         a.resourceUrl = creds.resourceUrl;
                         a.isDefault = options.makeDefault;
                         auto added = store->add(a);
                         if (!added) {
                             // Do not leave tokens behind for an account that does not exist.
                             if (self->m_secrets)
                                 self->m_secrets->remove(Account::secretKey(accountId),
                                                         [](std::optional<Error>) {});
                             return done(added.error());
                         }
                         qCInfo(lcAccounts) << "account" << accountId << "added";
                         emit self->accountsChanged();
                         done(added);
                     });
}

Result<QList<Account>> AccountService::list() const
{
    return m_store->list();
}

void AccountService::remove(const QString &id, std::function<void(std::optional<Error>)> done)
{
    if (!m_store->contains(id))
        return done(
            Error::make(Error::Kind::NotFound, QStringLiteral("No account \"%1\"").arg(id)));
    if (!m_secrets)
        return done(Error::make(Error::Kind::Internal, QStringLiteral("secret store closed")));
    QPointer<AccountService> self(this);
    m_secrets->remove(Account::secretKey(id), [self, id, done](std::optional<Error> e) {
        if (!self)
            return;
        if (e) {
            Error err = *e;
            err.message = QStringLiteral("Could not delete the tokens of \"%1\" (account kept, "
                                         "try again): %2")
                              .arg(id, e->message);
            return done(err);
        }
        if (auto err = self->m_store->remove(id))
            return done(err);
        qCInfo(lcAccounts) << "account" << id << "removed";
        emit self->accountsChanged();
        done(std::nullopt);
    });
}

std::optional<Error> AccountService::setDefault(const QString &id)
{
    auto e = m_store->setDefault(id);
    if (!e)
        emit accountsChanged();
    return e;
}

void AccountService::credentialSource(
    const QString &id, std::function<void(Result<std::shared_ptr<StoredCredentialSource>>)> done)
{
    if (!m_secrets)
        return done(Error::make(Error::Kind::Internal, QStringLiteral("secret store closed")));
    StoredCredentialSource::loadFrom(m_secrets, id, std::move(done));
}

void AccountService::importFrom(const QString &qwenDir, bool replaceExisting,
                                std::function<void(QList<ImportReportEntry>)> done,
                                const QString &defaultFileAccountId)
{
    auto run = std::make_shared<ImportRun>();
    run->candidates = CredentialImport::scan(qwenDir, defaultFileAccountId);
    run->replaceExisting = replaceExisting;
    run->done = std::move(done);
    importNext(run);
}

void AccountService::importNext(std::shared_ptr<ImportRun> run)
{
    using Outcome = ImportReportEntry::Outcome;
    if (run->next >= run->candidates.size())
        return run->done(run->report);
    const ImportCandidate &c = run->candidates.at(run->next++);
    ImportReportEntry entry;
    entry.filePath = c.filePath;
    entry.accountId = c.accountId;
    entry.warning = c.warning;
    if (!c.credentials) {
        entry.outcome = Outcome::Invalid;
        entry.message = c.credentials.error().message;
        run->report.append(entry);
        return importNext(run);
    }
    const bool exists = m_store->contains(c.accountId);
    if (exists && !run->replaceExisting) {
        entry.outcome = Outcome::SkippedExisting;
        entry.message = QStringLiteral("an account with this id exists (use --replace)");
        run->report.append(entry);
        return importNext(run);
    }
    AddAccountOptions opts;
    opts.accountId = c.accountId;
    opts.replaceExisting = run->replaceExisting;
    opts.label = QStringLiteral("imported from %1").arg(c.filePath);
    QPointer<AccountService> self(this);
    addAccount(c.credentials.value(), opts, [self, run, entry, exists](Result<Account> r) mutable {
        if (r) {
            entry.outcome = exists ? Outcome::Replaced : Outcome::Imported;
        } else {
            entry.outcome = Outcome::Failed;
            entry.message = r.error().message;
        }
        run->report.append(entry);
        if (self)
            self->importNext(run);
    });
}

} // namespace qp
