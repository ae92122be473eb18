#pragma once
// CredentialSource for an account whose tokens live in a SecretStore (keychain or 0600 file).
//
// CredentialSource is synchronous (the TokenManager calls load()/save() inline) while secret
// stores are asynchronous, so this source keeps the authoritative copy in memory: it is filled once
// by loadFrom() before the account goes into service, load() returns it, and save() replaces it at
// once and persists in the background. A failed background write is logged and kept in
// lastPersistError(); the process keeps working with the refreshed tokens, and the TokenManager,
// which saves through persist() and so sees the outcome, writes them again until it succeeds. The
// cost: a crash between a refresh and its write loses the new refresh token (the old one is then
// usually dead, so the account needs a new login). Keychain writes take ~15 ms, so the window is
// small.

#include "auth/credentialsource.h"

#include <QPointer>
#include <memory>

namespace qp {

class SecretStore;

class StoredCredentialSource : public CredentialSource
{
public:
    StoredCredentialSource(QString accountId, SecretStore *store, QwenCredentials initial);

    // Reads the account's credentials from `store` and builds the source. NeedsLogin when the
    // store has no (valid) credentials for the account.
    static void loadFrom(SecretStore *store, const QString &accountId,
                         std::function<void(Result<std::shared_ptr<StoredCredentialSource>>)> done);

    QString describe() const override;
    Result<QwenCredentials> load() override;
    std::optional<Error> save(const QwenCredentials &creds) override;
    void persist(const QwenCredentials &creds,
                 std::function<void(std::optional<Error>)> done) override;

    QString accountId() const { return m_id; }
    std::optional<Error> lastPersistError() const { return *m_lastError; }
    // Called after each background write with its outcome (e.g. to copy resource_url into the
    // account store, or to warn in the UI).
    void setPersistedCallback(std::function<void(std::optional<Error>)> cb) { m_onPersisted = cb; }

    static QByteArray serialize(const QwenCredentials &creds);
    static Result<QwenCredentials> deserialize(const QByteArray &bytes);

private:
    QString m_id;
    QPointer<SecretStore> m_store;
    QwenCredentials m_creds;
    // Shared with in-flight write callbacks, which may outlive this object.
    std::shared_ptr<std::optional<Error>> m_lastError = std::make_shared<std::optional<Error>>();
    std::function<void(std::optional<Error>)> m_onPersisted;
};

} // namespace qp
