#include "providers/providerstore.h"

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
    return Error::make(Error::Kind::Internal, u"Provider database: %1: %2"_s.arg(what, e.text()));
}

const QString kColumns = u"id, preset, kind, base_url, models, proxy, header_names, created_ms"_s;

ProviderConfig fromQuery(const QSqlQuery &q)
{
    ProviderConfig c;
    c.id = q.value(0).toString();
    c.preset = q.value(1).toString();
    c.kind = providerKindFromName(q.value(2).toString()).value_or(ProviderKind::OpenAICompatible);
    c.baseUrl = q.value(3).toString();
    c.models = q.value(4).toString().split(u',', Qt::SkipEmptyParts);
    c.proxy = q.value(5).toString();
    c.headerNames = q.value(6).toString().split(u',', Qt::SkipEmptyParts);
    c.createdAt = QDateTime::fromMSecsSinceEpoch(q.value(7).toLongLong(), Qt::UTC);
    return c;
}
} // namespace

Result<std::unique_ptr<ProviderStore>> ProviderStore::open(const QString &dbFilePath)
{
    {
        // Creates and migrates the file (every table of it).
        auto accounts = AccountStore::open(dbFilePath);
        if (!accounts)
            return accounts.error();
    }
    auto name = openSqlConnection(dbFilePath, u"qp-providers-"_s, u"Provider database"_s);
    if (!name)
        return name.error();
    return std::unique_ptr<ProviderStore>(new ProviderStore(name.value()));
}

ProviderStore::~ProviderStore()
{
    closeSqlConnection(m_connection);
}

std::optional<Error> ProviderStore::add(const ProviderConfig &c)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(u"INSERT INTO providers ("_s + kColumns + u") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s);
    // A null QString binds as SQL NULL; the text columns are NOT NULL with '' for "none".
    auto text = [](const QString &s) { return s.isNull() ? u""_s : s; };
    q.addBindValue(c.id);
    q.addBindValue(text(c.preset));
    q.addBindValue(providerKindName(c.kind));
    q.addBindValue(text(c.baseUrl));
    q.addBindValue(text(c.models.join(u',')));
    q.addBindValue(text(c.proxy));
    q.addBindValue(text(c.headerNames.join(u',')));
    q.addBindValue((c.createdAt.isValid() ? c.createdAt : QDateTime::currentDateTimeUtc())
                       .toMSecsSinceEpoch());
    if (!q.exec())
        return sqlError(u"add %1"_s.arg(c.id), q.lastError());
    return std::nullopt;
}

std::optional<Error> ProviderStore::remove(const QString &id)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(u"DELETE FROM providers WHERE id = ?"_s);
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(u"remove %1"_s.arg(id), q.lastError());
    if (q.numRowsAffected() == 0)
        return Error::make(Error::Kind::NotFound, u"no provider \"%1\""_s.arg(id));
    return std::nullopt;
}

Result<ProviderConfig> ProviderStore::get(const QString &id) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(u"SELECT "_s + kColumns + u" FROM providers WHERE id = ?"_s);
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(u"get %1"_s.arg(id), q.lastError());
    if (!q.next())
        return Error::make(Error::Kind::NotFound, u"no provider \"%1\""_s.arg(id));
    return fromQuery(q);
}

Result<QList<ProviderConfig>> ProviderStore::list() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(u"SELECT "_s + kColumns + u" FROM providers ORDER BY created_ms, id"_s))
        return sqlError(u"list"_s, q.lastError());
    QList<ProviderConfig> out;
    while (q.next())
        out.append(fromQuery(q));
    return out;
}

} // namespace qp
