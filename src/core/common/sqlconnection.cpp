#include "common/sqlconnection.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace qp {

Result<QString> openSqlConnection(const QString &dbFilePath, const QString &prefix,
                                  const QString &what)
{
    const QString name = prefix + QUuid::createUuid().toString(QUuid::WithoutBraces);
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
    db.setDatabaseName(dbFilePath);
    if (!db.open() || !QSqlQuery(db).exec(u"PRAGMA busy_timeout = 5000"_s)) {
        const Error e =
            Error::make(Error::Kind::Internal,
                        u"%1: cannot open %2: %3"_s.arg(what, dbFilePath, db.lastError().text()));
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return e;
    }
    return name;
}

void closeSqlConnection(const QString &name)
{
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

} // namespace qp
