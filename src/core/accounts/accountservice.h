#pragma once
// The one-call facade over accounts for the CLI, the HTTP /auth routes and the tray: log in (device
// flow -> secret store -> account row), import qwen-code / seed files, list, remove, set default,
// and hand out a CredentialSource per account for the TokenManager.
//
// Persistence order keeps the two stores consistent without transactions across them: secrets are
// written before the metadata row (a row never points at missing secrets because of us), and
// removed before the row (a failed secret delete leaves the row, so `remove` can be retried and
// nothing stays orphaned in the keychain).

#include "accounts/account.h"
#include "accounts/credentialimport.h"
#include "auth/deviceflow.h"
#include "auth/oauthendpoints.h"
#include "auth/qwencredentials.h"
#include "secrets/secretstore.h"

#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace qp {

class AccountStore;
class LoginSession;
class StoredCredentialSource;
struct ImportRun;

struct AddAccountOptions {
    QString accountId; // empty: the next free "account-N"
    QString label;
    bool replaceExisting = false; // re-login / re-import into an existing id (keeps its metadata)
    bool makeDefault = false;
};

class AccountService : public QObject
{
    Q_OBJECT
public:
    // Borrows all three; they must outlive the service.
    AccountService(AccountStore *store, SecretStore *secrets, QNetworkAccessManager *nam,
                   OAuthConfig oauth, QObject *parent = nullptr);

    AccountStore *store() const { return m_store; }
    SecretStore *secrets() const { return m_secrets; }
    QNetworkAccessManager *networkAccessManager() const { return m_nam; }
    const OAuthConfig &oauthConfig() const { return m_oauth; }
    void setDeviceFlowTiming(const DeviceFlow::Timing &t) { m_timing = t; }
    const DeviceFlow::Timing &deviceFlowTiming() const { return m_timing; }

    // Validates the options, then starts a device login whose success is stored as an account.
    // The session belongs to `parent` (or deletes itself after finishing when parent is null).
    Result<LoginSession *> startLogin(const AddAccountOptions &options, QObject *parent = nullptr);

    // Stores credentials obtained elsewhere (device flow, import) as an account.
    void addAccount(const QwenCredentials &creds, const AddAccountOptions &options,
                    std::function<void(Result<Account>)> done);

    Result<QList<Account>> list() const;
    // Removes the account's secrets, then its row (see the header comment).
    void remove(const QString &id, std::function<void(std::optional<Error>)> done);
    std::optional<Error> setDefault(const QString &id);

    // The account's credentials as a source for the TokenManager (NeedsLogin if none stored).
    void
    credentialSource(const QString &id,
                     std::function<void(Result<std::shared_ptr<StoredCredentialSource>>)> done);

    // Copies every usable file found by CredentialImport::scan(qwenDir) into the store, one after
    // the other, and reports each file. Existing ids are skipped unless `replaceExisting`.
    void importFrom(const QString &qwenDir, bool replaceExisting,
                    std::function<void(QList<ImportReportEntry>)> done,
                    const QString &defaultFileAccountId = QStringLiteral("default"));

    // The first "account-N" (N = 1, 2, ...) not in use.
    QString nextFreeId() const;
    // Validation shared by startLogin() and addAccount(); returns the id to use.
    Result<QString> resolveId(const AddAccountOptions &options) const;

signals:
    void accountsChanged();

private:
    void importNext(std::shared_ptr<ImportRun> run);

    AccountStore *m_store;
    QPointer<SecretStore> m_secrets;
    QNetworkAccessManager *m_nam;
    OAuthConfig m_oauth;
    DeviceFlow::Timing m_timing;
};

} // namespace qp
