#include "accounts/accountstore.h"

#include "common/sqltransaction.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QUuid>
#include <QVariant>

Q_LOGGING_CATEGORY(lcAccountStore, "qp.core.accounts.store")

namespace qp {

namespace {

// Ordered migrations: entry i brings the schema from version i to i+1. Never edit a shipped entry;
// append a new one. Types and statements are chosen to run unchanged on SQLite and PostgreSQL.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> m = {
        {
            QStringLiteral("CREATE TABLE accounts ("
                           " id VARCHAR(64) NOT NULL PRIMARY KEY,"
                           " label VARCHAR(200) NOT NULL DEFAULT '',"
                           " provider VARCHAR(32) NOT NULL,"
                           " resource_url VARCHAR(500) NOT NULL DEFAULT '',"
                           " created_ms BIGINT NOT NULL,"
                           " last_used_ms BIGINT,"
                           " status VARCHAR(32) NOT NULL DEFAULT 'active',"
                           " status_reason VARCHAR(500) NOT NULL DEFAULT '',"
                           " is_default SMALLINT NOT NULL DEFAULT 0)"),
            // At most one row may carry the default flag; the code keeps "at least one".
            QStringLiteral("CREATE UNIQUE INDEX accounts_one_default ON accounts (is_default) "
                           "WHERE is_default = 1"),
            QStringLiteral("CREATE TABLE daily_usage ("
                           " account_id VARCHAR(64) NOT NULL,"
                           " day CHAR(10) NOT NULL,"
                           " requests BIGINT NOT NULL DEFAULT 0,"
                           " errors BIGINT NOT NULL DEFAULT 0,"
                           " input_tokens BIGINT NOT NULL DEFAULT 0,"
                           " output_tokens BIGINT NOT NULL DEFAULT 0,"
                           " cached_tokens BIGINT NOT NULL DEFAULT 0,"
                           " PRIMARY KEY (account_id, day))"),
        },
        {
            // Usage per account, model and UTC day (usage/usagestore.h). requests counts every
            // finished request; successes and errors are its outcomes, and the rest are requests
            // the client abandoned (status 499), which are neither.
            QStringLiteral("CREATE TABLE usage_daily ("
                           " account_id VARCHAR(64) NOT NULL,"
                           " model VARCHAR(200) NOT NULL,"
                           " day CHAR(10) NOT NULL,"
                           " requests BIGINT NOT NULL DEFAULT 0,"
                           " successes BIGINT NOT NULL DEFAULT 0,"
                           " errors BIGINT NOT NULL DEFAULT 0,"
                           " input_tokens BIGINT NOT NULL DEFAULT 0,"
                           " output_tokens BIGINT NOT NULL DEFAULT 0,"
                           " cached_tokens BIGINT NOT NULL DEFAULT 0,"
                           " PRIMARY KEY (account_id, model, day))"),
            QStringLiteral("CREATE INDEX usage_daily_day ON usage_daily (day)"),
            // Schema 1 counted successes as requests and did not know the model: its rows land
            // under model '' ("before per-model counting"). The old table is then dropped rather
            // than left behind: two tables with the same job would drift apart.
            QStringLiteral("INSERT INTO usage_daily (account_id, model, day, requests, successes, "
                           "errors, input_tokens, output_tokens, cached_tokens) "
                           "SELECT account_id, '', day, requests + errors, requests, errors, "
                           "input_tokens, output_tokens, cached_tokens FROM daily_usage"),
            QStringLiteral("DROP TABLE daily_usage"),
            // The request log: one row per UsageRecord, bounded by the usage store's retention.
            QStringLiteral("CREATE TABLE request_log ("
                           " at_ms BIGINT NOT NULL,"
                           " account_id VARCHAR(64) NOT NULL,"
                           " provider VARCHAR(32) NOT NULL,"
                           " dialect VARCHAR(16) NOT NULL,"
                           " client VARCHAR(200) NOT NULL,"
                           " client_model VARCHAR(200) NOT NULL,"
                           " model VARCHAR(200) NOT NULL,"
                           " status INTEGER NOT NULL,"
                           " error_class VARCHAR(32) NOT NULL,"
                           " stream SMALLINT NOT NULL,"
                           " attempts INTEGER NOT NULL,"
                           " latency_ms BIGINT NOT NULL,"
                           " first_token_ms BIGINT NOT NULL,"
                           " input_tokens BIGINT NOT NULL,"
                           " output_tokens BIGINT NOT NULL,"
                           " cached_tokens BIGINT NOT NULL)"),
            QStringLiteral("CREATE INDEX request_log_time ON request_log (at_ms)"),
            QStringLiteral("CREATE INDEX request_log_account ON request_log (account_id, at_ms)"),
            // Quota minute buckets, so quota windows survive a restart.
            QStringLiteral("CREATE TABLE quota_minutes ("
                           " account_id VARCHAR(64) NOT NULL,"
                           " minute_ms BIGINT NOT NULL,"
                           " requests BIGINT NOT NULL DEFAULT 0,"
                           " tokens BIGINT NOT NULL DEFAULT 0,"
                           " PRIMARY KEY (account_id, minute_ms))"),
            // Retention deletes by age: without this index each prune would scan the table.
            QStringLiteral("CREATE INDEX quota_minutes_minute ON quota_minutes (minute_ms)"),
        },
        {
            // Per-account limits for the pool (pool/accountpool.h): the quota plan as its text
            // spec (pool/quotaplan.h), and optional concurrency and requests-per-minute caps.
            QStringLiteral("ALTER TABLE accounts ADD COLUMN quota_plan VARCHAR(500) NOT NULL "
                           "DEFAULT ''"),
            QStringLiteral("ALTER TABLE accounts ADD COLUMN max_concurrent INTEGER NOT NULL "
                           "DEFAULT 0"),
            QStringLiteral("ALTER TABLE accounts ADD COLUMN max_per_minute INTEGER NOT NULL "
                           "DEFAULT 0"),
        },
        {
            // Providers the user added (providers/providerstore.h). Each is served by the account
            // of the same id; the key and proxy credentials are in the secret store.
            QStringLiteral("CREATE TABLE providers ("
                           " id VARCHAR(64) NOT NULL PRIMARY KEY,"
                           " preset VARCHAR(64) NOT NULL,"
                           " kind VARCHAR(32) NOT NULL,"
                           " base_url VARCHAR(500) NOT NULL,"
                           " models VARCHAR(2000) NOT NULL DEFAULT '',"
                           " proxy VARCHAR(500) NOT NULL DEFAULT '',"
                           " header_names VARCHAR(500) NOT NULL DEFAULT '',"
                           " created_ms BIGINT NOT NULL)"),
        },
        {
            // Client keys (access/clientkeystore.h): only the SHA-256 of each secret is kept.
            QStringLiteral("CREATE TABLE client_keys ("
                           " id VARCHAR(16) NOT NULL PRIMARY KEY,"
                           " name VARCHAR(200) NOT NULL DEFAULT '',"
                           " digest VARCHAR(64) NOT NULL,"
                           " created_ms BIGINT NOT NULL,"
                           " expires_ms BIGINT NOT NULL DEFAULT 0,"
                           " revoked_ms BIGINT NOT NULL DEFAULT 0,"
                           " scopes VARCHAR(100) NOT NULL,"
                           " models VARCHAR(2000) NOT NULL DEFAULT '',"
                           " rpm INTEGER NOT NULL DEFAULT 0,"
                           " tpm BIGINT NOT NULL DEFAULT 0,"
                           " concurrency INTEGER NOT NULL DEFAULT 0,"
                           " daily_requests BIGINT NOT NULL DEFAULT 0,"
                           " daily_tokens BIGINT NOT NULL DEFAULT 0)"),
            // Which client key made each logged request ('' for a trusted local caller).
            QStringLiteral("ALTER TABLE request_log ADD COLUMN client_key VARCHAR(16) NOT NULL "
                           "DEFAULT ''"),
        },
    };
    return m;
}

Error sqlError(const QString &what, const QSqlError &e)
{
    return Error::make(Error::Kind::Internal,
                       QStringLiteral("Account database: %1: %2").arg(what, e.text()));
}

Error notFound(const QString &id)
{
    return Error::make(Error::Kind::NotFound, QStringLiteral("No account \"%1\"").arg(id));
}

// A null QString binds as SQL NULL; our text columns are NOT NULL with '' for "none".
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

Account accountFromQuery(const QSqlQuery &q)
{
    Account a;
    a.id = q.value(0).toString();
    a.label = q.value(1).toString();
    a.provider = q.value(2).toString();
    a.resourceUrl = q.value(3).toString();
    a.createdAt = QDateTime::fromMSecsSinceEpoch(q.value(4).toLongLong(), QTimeZone::utc());
    if (!q.value(5).isNull())
        a.lastUsedAt = QDateTime::fromMSecsSinceEpoch(q.value(5).toLongLong(), QTimeZone::utc());
    a.status = accountStatusFromString(q.value(6).toString());
    a.statusReason = q.value(7).toString();
    a.isDefault = q.value(8).toInt() != 0;
    a.quotaPlan = q.value(9).toString();
    a.maxConcurrent = q.value(10).toInt();
    a.maxPerMinute = q.value(11).toInt();
    return a;
}

const char *kSelectAccount = "SELECT id, label, provider, resource_url, created_ms, last_used_ms, "
                             "status, status_reason, is_default, quota_plan, max_concurrent, "
                             "max_per_minute FROM accounts";

} // namespace

AccountStore::AccountStore(QString path, QString connectionName)
    : m_path(std::move(path)), m_connection(std::move(connectionName))
{}

AccountStore::~AccountStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

Result<std::unique_ptr<AccountStore>> AccountStore::open(const QString &dbFilePath)
{
    const QFileInfo info(dbFilePath);
    QDir dir = info.absoluteDir();
    if (!dir.exists()) {
        if (!dir.mkpath(QStringLiteral(".")))
            return Error::make(Error::Kind::Internal,
                               QStringLiteral("Cannot create data directory %1").arg(dir.path()));
        // Only a directory we created is tightened: a user-chosen existing one stays as it is.
        QFile::setPermissions(dir.absolutePath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                      QFileDevice::ExeOwner);
    }
    if (!info.exists()) {
        // An empty file is a valid new SQLite database; creating it ourselves fixes the mode
        // before SQLite writes anything (and SQLite copies it to -wal/-shm).
        QFile f(dbFilePath);
        if (!f.open(QIODevice::WriteOnly) ||
            !f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            return Error::make(
                Error::Kind::Internal,
                QStringLiteral("Cannot create %1: %2").arg(dbFilePath, f.errorString()));
    }

    const QString name =
        QStringLiteral("qp.accounts.") + QUuid::createUuid().toString(QUuid::Id128);
    std::unique_ptr<AccountStore> store(new AccountStore(info.absoluteFilePath(), name));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(info.absoluteFilePath());
        if (!db.open())
            return sqlError(QStringLiteral("cannot open %1").arg(dbFilePath), db.lastError());
        QSqlQuery q(db);
        // busy_timeout first: another process may hold the lock while we switch to WAL.
        for (const char *pragma : {"PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL",
                                   "PRAGMA foreign_keys = ON"}) {
            if (!q.exec(QLatin1String(pragma)))
                return sqlError(QLatin1String(pragma), q.lastError());
        }
    }
    if (auto e = store->migrate())
        return *e;
    return store;
}

int AccountStore::schemaVersion() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (q.exec(QStringLiteral("SELECT version FROM schema_version")) && q.next())
        return q.value(0).toInt();
    return 0;
}

std::optional<Error> AccountStore::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    if (!q.exec(
            QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")))
        return sqlError(QStringLiteral("schema_version"), q.lastError());
    int version = schemaVersion();
    if (version > int(migrations().size()))
        return Error::make(
            Error::Kind::Internal,
            QStringLiteral("%1 was written by a newer version (schema %2, this build "
                           "knows %3); refusing to touch it")
                .arg(m_path)
                .arg(version)
                .arg(migrations().size()));
    while (version < int(migrations().size())) {
        SqlTransaction tx(db);
        if (!tx.isOpen())
            return sqlError(QStringLiteral("begin migration"), db.lastError());
        for (const QString &stmt : migrations().at(version)) {
            if (!q.exec(stmt))
                return sqlError(QStringLiteral("migration to %1").arg(version + 1), q.lastError());
        }
        const bool first = version == 0;
        q.prepare(first ? QStringLiteral("INSERT INTO schema_version (version) VALUES (?)")
                        : QStringLiteral("UPDATE schema_version SET version = ?"));
        q.addBindValue(version + 1);
        if (!q.exec() || !tx.commit())
            return sqlError(QStringLiteral("migration to %1").arg(version + 1), db.lastError());
        ++version;
        qCInfo(lcAccountStore) << "account database migrated to schema" << version;
    }
    return std::nullopt;
}

Result<Account> AccountStore::add(Account a)
{
    if (!Account::isValidId(a.id))
        return Error::make(Error::Kind::InvalidRequest,
                           QStringLiteral("Invalid account id \"%1\": use 1-64 letters, digits, "
                                          "'.', '_' or '-'")
                               .arg(a.id));
    if (contains(a.id))
        return Error::make(Error::Kind::InvalidRequest,
                           QStringLiteral("Account \"%1\" already exists").arg(a.id));
    if (!a.createdAt.isValid())
        a.createdAt = QDateTime::currentDateTimeUtc();
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    SqlTransaction tx(db);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM accounts WHERE is_default = 1")) || !q.next())
        return sqlError(QStringLiteral("add"), q.lastError());
    const bool hasDefault = q.value(0).toInt() > 0;
    a.isDefault = a.isDefault || !hasDefault;
    if (a.isDefault && hasDefault &&
        !q.exec(QStringLiteral("UPDATE accounts SET is_default = 0 WHERE is_default = 1")))
        return sqlError(QStringLiteral("add"), q.lastError());
    q.prepare(QStringLiteral("INSERT INTO accounts (id, label, provider, resource_url, created_ms, "
                             "last_used_ms, status, status_reason, is_default) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(a.id);
    q.addBindValue(text(a.label));
    q.addBindValue(text(a.provider));
    q.addBindValue(text(a.resourceUrl));
    q.addBindValue(a.createdAt.toMSecsSinceEpoch());
    q.addBindValue(a.lastUsedAt.isValid() ? QVariant(a.lastUsedAt.toMSecsSinceEpoch())
                                          : QVariant(QMetaType::fromType<qlonglong>()));
    q.addBindValue(accountStatusToString(a.status));
    q.addBindValue(text(a.statusReason));
    q.addBindValue(a.isDefault ? 1 : 0);
    if (!q.exec() || !tx.commit())
        return sqlError(QStringLiteral("add %1").arg(a.id), q.lastError());
    return a;
}

std::optional<Error> AccountStore::remove(const QString &id)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    SqlTransaction tx(db);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT is_default FROM accounts WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(QStringLiteral("remove %1").arg(id), q.lastError());
    if (!q.next())
        return notFound(id);
    const bool wasDefault = q.value(0).toInt() != 0;
    // Its counters go with it, so a new account with the same id starts at zero; the request
    // log is history and ages out by itself.
    for (const QString &stmt : {QStringLiteral("DELETE FROM usage_daily WHERE account_id = ?"),
                                QStringLiteral("DELETE FROM quota_minutes WHERE account_id = ?"),
                                QStringLiteral("DELETE FROM accounts WHERE id = ?")}) {
        q.prepare(stmt);
        q.addBindValue(id);
        if (!q.exec())
            return sqlError(QStringLiteral("remove %1").arg(id), q.lastError());
    }
    if (wasDefault &&
        !q.exec(QStringLiteral("UPDATE accounts SET is_default = 1 WHERE id = (SELECT id FROM "
                               "accounts ORDER BY created_ms, id LIMIT 1)")))
        return sqlError(QStringLiteral("remove %1").arg(id), q.lastError());
    if (!tx.commit())
        return sqlError(QStringLiteral("remove %1").arg(id), db.lastError());
    return std::nullopt;
}

Result<Account> AccountStore::get(const QString &id) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QLatin1String(kSelectAccount) + QStringLiteral(" WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(QStringLiteral("get %1").arg(id), q.lastError());
    if (!q.next())
        return notFound(id);
    return accountFromQuery(q);
}

bool AccountStore::contains(const QString &id) const
{
    return get(id).ok();
}

Result<QList<Account>> AccountStore::list() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(QLatin1String(kSelectAccount) + QStringLiteral(" ORDER BY created_ms, id")))
        return sqlError(QStringLiteral("list"), q.lastError());
    QList<Account> out;
    while (q.next())
        out.append(accountFromQuery(q));
    return out;
}

std::optional<Error> AccountStore::setLimits(const QString &id, const QString &quotaPlanSpec,
                                             int maxConcurrent, int maxPerMinute)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    SqlTransaction tx(db);
    if (!contains(id))
        return notFound(id);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE accounts SET quota_plan = ?, max_concurrent = ?, "
                             "max_per_minute = ? WHERE id = ?"));
    q.addBindValue(quotaPlanSpec.isNull() ? QStringLiteral("") : quotaPlanSpec);
    q.addBindValue(std::max(0, maxConcurrent));
    q.addBindValue(std::max(0, maxPerMinute));
    q.addBindValue(id);
    if (!q.exec() || !tx.commit())
        return sqlError(QStringLiteral("set limits"), q.lastError());
    return std::nullopt;
}

std::optional<Error> AccountStore::setDefault(const QString &id)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    SqlTransaction tx(db);
    if (!contains(id))
        return notFound(id);
    QSqlQuery q(db);
    // Clear first: the partial unique index would reject two flagged rows even for a moment.
    if (!q.exec(QStringLiteral("UPDATE accounts SET is_default = 0 WHERE is_default = 1")))
        return sqlError(QStringLiteral("set default"), q.lastError());
    q.prepare(QStringLiteral("UPDATE accounts SET is_default = 1 WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec() || !tx.commit())
        return sqlError(QStringLiteral("set default"), q.lastError());
    return std::nullopt;
}

QString AccountStore::defaultAccountId() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (q.exec(QStringLiteral("SELECT id FROM accounts WHERE is_default = 1")) && q.next())
        return q.value(0).toString();
    return {};
}

std::optional<Error> AccountStore::updateColumn(const QString &id, const char *column,
                                                const QVariant &v)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    // `column` is one of our literals, never user input.
    q.prepare(QStringLiteral("UPDATE accounts SET %1 = ? WHERE id = ?").arg(QLatin1String(column)));
    q.addBindValue(v.typeId() == QMetaType::QString ? text(v.toString()) : v);
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(QStringLiteral("update %1").arg(id), q.lastError());
    if (q.numRowsAffected() == 0)
        return notFound(id);
    return std::nullopt;
}

std::optional<Error> AccountStore::setLabel(const QString &id, const QString &label)
{
    return updateColumn(id, "label", label);
}

std::optional<Error> AccountStore::setStatus(const QString &id, AccountStatus status,
                                             const QString &reason)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    SqlTransaction tx(db);
    if (auto e = updateColumn(id, "status", accountStatusToString(status)))
        return e;
    if (auto e = updateColumn(id, "status_reason", reason))
        return e;
    if (!tx.commit())
        return sqlError(QStringLiteral("set status"), db.lastError());
    return std::nullopt;
}

std::optional<Error> AccountStore::setResourceUrl(const QString &id, const QString &resourceUrl)
{
    return updateColumn(id, "resource_url", resourceUrl);
}

std::optional<Error> AccountStore::touch(const QString &id, const QDateTime &whenUtc)
{
    return updateColumn(id, "last_used_ms", whenUtc.toMSecsSinceEpoch());
}

} // namespace qp
