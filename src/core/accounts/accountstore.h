#pragma once
// Account metadata in SQLite (QSQLITE, WAL). open() also creates and migrates the file for every
// table in it, the usage tables included (usage/sqliteusagestore.h). Secrets are not here: see
// secrets/secretstore.h. The SQL stays portable (plain types, ON CONFLICT upserts, a partial unique
// index) so the same migrations can later run on PostgreSQL (roadmap.md, "Team scale").
//
// Files: the data dir is created 0700, the database 0600 before SQLite opens it (SQLite gives its
// -wal and -shm files the database's mode). Each instance owns its own named connection, so several
// stores (tests, CLI + server in one process) never share one. A QSqlDatabase connection belongs to
// the thread that opened it: use a store from one thread only. A busy timeout lets the CLI and a
// running server write the same file.

#include "accounts/account.h"
#include "common/error.h"

#include <QList>
#include <QString>
#include <memory>

namespace qp {

class AccountStore
{
public:
    static constexpr int kSchemaVersion = 5;
    static QString defaultFileName() { return QStringLiteral("qwen-proxy.sqlite"); }

    // Opens (creating and migrating as needed) the database at `dbFilePath`.
    static Result<std::unique_ptr<AccountStore>> open(const QString &dbFilePath);
    ~AccountStore();
    AccountStore(const AccountStore &) = delete;
    AccountStore &operator=(const AccountStore &) = delete;

    QString filePath() const { return m_path; }
    int schemaVersion() const;

    // Adds a new account. createdAt defaults to now; the first account becomes the default, and an
    // account added with isDefault takes the flag from the previous one. Fails (InvalidRequest) on
    // an invalid or existing id.
    Result<Account> add(Account account);
    // Removes the account, its usage counters and its quota minutes. When it was the default, the
    // oldest remaining account becomes the default (exactly one default while any account
    // exists). NotFound if absent.
    std::optional<Error> remove(const QString &id);
    Result<Account> get(const QString &id) const; // NotFound if absent
    bool contains(const QString &id) const;
    Result<QList<Account>> list() const; // oldest first

    std::optional<Error> setDefault(const QString &id);
    // The pool's limits for this account: a quota plan spec (validated by the caller with
    // QuotaPlan::fromSpec), and caps on concurrent requests and requests per minute (0 = none).
    std::optional<Error> setLimits(const QString &id, const QString &quotaPlanSpec,
                                   int maxConcurrent, int maxPerMinute);
    QString defaultAccountId() const; // empty when there is no account
    std::optional<Error> setLabel(const QString &id, const QString &label);
    std::optional<Error> setStatus(const QString &id, AccountStatus status,
                                   const QString &reason = {});
    std::optional<Error> setResourceUrl(const QString &id, const QString &resourceUrl);
    std::optional<Error> touch(const QString &id, const QDateTime &whenUtc);

private:
    explicit AccountStore(QString path, QString connectionName);
    std::optional<Error> migrate();
    std::optional<Error> updateColumn(const QString &id, const char *column, const QVariant &v);

    QString m_path;
    QString m_connection;
};

} // namespace qp
