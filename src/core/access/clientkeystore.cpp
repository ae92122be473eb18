#include "access/clientkeystore.h"

#include "accounts/accountstore.h"
#include "common/sqlconnection.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
Error sqlError(const QString &what, const QSqlError &e)
{
    return Error::make(Error::Kind::Internal, u"Client key database: %1: %2"_s.arg(what, e.text()));
}

Error notFound(const QString &id)
{
    return Error::make(Error::Kind::NotFound, u"no client key \"%1\""_s.arg(id));
}

const QString kColumns = u"id, name, digest, created_ms, expires_ms, revoked_ms, scopes, models, "
                         u"rpm, tpm, concurrency, daily_requests, daily_tokens"_s;

ClientKeyInfo fromQuery(const QSqlQuery &q)
{
    ClientKeyInfo k;
    k.id = q.value(0).toString();
    k.name = q.value(1).toString();
    k.digest = QByteArray::fromHex(q.value(2).toString().toLatin1());
    k.createdMs = q.value(3).toLongLong();
    k.expiresMs = q.value(4).toLongLong();
    k.revokedMs = q.value(5).toLongLong();
    // A scope name this build does not know (written by a newer one) grants nothing.
    k.scopes = parseScopes(q.value(6).toString()).value_or(0);
    k.models = q.value(7).toString().split(u',', Qt::SkipEmptyParts);
    k.limits.requestsPerMinute = q.value(8).toInt();
    k.limits.tokensPerMinute = q.value(9).toLongLong();
    k.limits.concurrency = q.value(10).toInt();
    k.limits.dailyRequests = q.value(11).toLongLong();
    k.limits.dailyTokens = q.value(12).toLongLong();
    return k;
}

void bindMutable(QSqlQuery &q, const ClientKeyInfo &k)
{
    q.addBindValue(k.name.isNull() ? u""_s : k.name);
    q.addBindValue(k.expiresMs);
    q.addBindValue(scopesText(k.scopes));
    const QString models = k.models.join(u',');
    q.addBindValue(models.isNull() ? u""_s : models); // a null QString binds as SQL NULL
    q.addBindValue(k.limits.requestsPerMinute);
    q.addBindValue(k.limits.tokensPerMinute);
    q.addBindValue(k.limits.concurrency);
    q.addBindValue(k.limits.dailyRequests);
    q.addBindValue(k.limits.dailyTokens);
}
} // namespace

Result<std::unique_ptr<ClientKeyStore>> ClientKeyStore::open(const QString &dbFilePath)
{
    {
        // Creates and migrates the file (every table of it).
        auto accounts = AccountStore::open(dbFilePath);
        if (!accounts)
            return accounts.error();
    }
    auto name = openSqlConnection(dbFilePath, u"qp-clientkeys-"_s, u"Client key database"_s);
    if (!name)
        return name.error();
    auto store = std::unique_ptr<ClientKeyStore>(new ClientKeyStore(name.value()));
    store->changed(); // the baseline
    return store;
}

ClientKeyStore::~ClientKeyStore()
{
    closeSqlConnection(m_connection);
}

std::optional<Error> ClientKeyStore::add(const ClientKeyInfo &k)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(u"INSERT INTO client_keys (id, digest, created_ms, revoked_ms, name, expires_ms, "
              u"scopes, models, rpm, tpm, concurrency, daily_requests, daily_tokens) "
              u"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    q.addBindValue(k.id);
    q.addBindValue(QString::fromLatin1(k.digest.toHex()));
    q.addBindValue(k.createdMs);
    q.addBindValue(k.revokedMs);
    bindMutable(q, k);
    if (!q.exec())
        return sqlError(u"add %1"_s.arg(k.id), q.lastError());
    return std::nullopt;
}

std::optional<Error> ClientKeyStore::update(const ClientKeyInfo &k)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(u"UPDATE client_keys SET name = ?, expires_ms = ?, scopes = ?, models = ?, rpm = ?, "
              u"tpm = ?, concurrency = ?, daily_requests = ?, daily_tokens = ? WHERE id = ?"_s);
    bindMutable(q, k);
    q.addBindValue(k.id);
    if (!q.exec())
        return sqlError(u"update %1"_s.arg(k.id), q.lastError());
    if (q.numRowsAffected() == 0)
        return notFound(k.id);
    return std::nullopt;
}

std::optional<Error> ClientKeyStore::revoke(const QString &id, qint64 nowMs)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    // Revoking twice keeps the first date.
    q.prepare(u"UPDATE client_keys SET revoked_ms = CASE WHEN revoked_ms = 0 THEN ? ELSE "
              u"revoked_ms END WHERE id = ?"_s);
    q.addBindValue(nowMs);
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(u"revoke %1"_s.arg(id), q.lastError());
    if (q.numRowsAffected() == 0)
        return notFound(id);
    return std::nullopt;
}

Result<ClientKeyInfo> ClientKeyStore::get(const QString &id) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(u"SELECT "_s + kColumns + u" FROM client_keys WHERE id = ?"_s);
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(u"get %1"_s.arg(id), q.lastError());
    if (!q.next())
        return notFound(id);
    return fromQuery(q);
}

Result<QList<ClientKeyInfo>> ClientKeyStore::list() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(u"SELECT "_s + kColumns + u" FROM client_keys ORDER BY created_ms, id"_s))
        return sqlError(u"list"_s, q.lastError());
    QList<ClientKeyInfo> out;
    while (q.next())
        out.append(fromQuery(q));
    return out;
}

bool ClientKeyStore::changed()
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(u"PRAGMA data_version"_s) || !q.next())
        return true; // cannot tell: read again
    const qint64 v = q.value(0).toLongLong();
    const bool differs = v != m_dataVersion;
    m_dataVersion = v;
    return differs;
}

} // namespace qp
