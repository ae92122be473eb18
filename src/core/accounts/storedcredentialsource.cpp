#include "accounts/storedcredentialsource.h"

#include "accounts/account.h"
#include "logging/redact.h"
#include "secrets/secretstore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcStoredSource, "qp.core.accounts.credentials")

namespace qp {

StoredCredentialSource::StoredCredentialSource(QString accountId, SecretStore *store,
                                               QwenCredentials initial)
    : m_id(std::move(accountId)), m_store(store), m_creds(std::move(initial))
{
    registerSecret(m_creds.accessToken);
    registerSecret(m_creds.refreshToken);
}

QByteArray StoredCredentialSource::serialize(const QwenCredentials &creds)
{
    return QJsonDocument(creds.toJson()).toJson(QJsonDocument::Compact);
}

Result<QwenCredentials> StoredCredentialSource::deserialize(const QByteArray &bytes)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return Error::make(Error::Kind::NeedsLogin,
                           QStringLiteral("stored credentials are not valid JSON"));
    return QwenCredentials::fromJson(doc.object());
}

void StoredCredentialSource::loadFrom(
    SecretStore *store, const QString &accountId,
    std::function<void(Result<std::shared_ptr<StoredCredentialSource>>)> done)
{
    QPointer<SecretStore> guard(store);
    store->read(Account::secretKey(accountId), [guard, accountId, done](Result<QByteArray> r) {
        if (!r) {
            Error e = r.error();
            if (e.kind == Error::Kind::NotFound)
                e = Error::make(Error::Kind::NeedsLogin,
                                QStringLiteral("No stored tokens for account \"%1\" in the %2; "
                                               "log in again")
                                    .arg(accountId, guard ? guard->kind() : QString()));
            return done(e);
        }
        auto creds = deserialize(r.value());
        if (!creds) {
            Error e = creds.error();
            e.message = QStringLiteral("Stored tokens of account \"%1\" are unusable (%2); log in "
                                       "again")
                            .arg(accountId, e.message);
            return done(e);
        }
        done(std::make_shared<StoredCredentialSource>(accountId, guard.data(), creds.value()));
    });
}

QString StoredCredentialSource::describe() const
{
    return QStringLiteral("account \"%1\" in %2")
        .arg(m_id, m_store ? m_store->describe() : QStringLiteral("a closed secret store"));
}

Result<QwenCredentials> StoredCredentialSource::load()
{
    return m_creds;
}

std::optional<Error> StoredCredentialSource::save(const QwenCredentials &creds)
{
    persist(creds, {});
    return std::nullopt;
}

void StoredCredentialSource::persist(const QwenCredentials &creds,
                                     std::function<void(std::optional<Error>)> done)
{
    m_creds = creds;
    registerSecret(creds.accessToken);
    registerSecret(creds.refreshToken);
    if (!m_store) {
        *m_lastError =
            Error::make(Error::Kind::Internal,
                        QStringLiteral("secret store closed; tokens kept in memory only"));
        if (done)
            done(*m_lastError);
        return;
    }
    auto lastError = m_lastError;
    auto onPersisted = m_onPersisted;
    const QString id = m_id;
    m_store->write(Account::secretKey(m_id), serialize(creds),
                   [lastError, onPersisted, id, done](std::optional<Error> e) {
                       *lastError = e;
                       // Said by the TokenManager when it is the one saving (it retries).
                       if (e && !done)
                           qCWarning(lcStoredSource).noquote()
                               << "refreshed tokens of account" << id
                               << "were not persisted:" << e->message;
                       if (onPersisted)
                           onPersisted(e);
                       if (done)
                           done(e);
                   });
}

} // namespace qp
