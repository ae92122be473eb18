#pragma once
// A named QSQLITE connection of one store's own (stores never share one: each is used from the
// thread that opened it). For stores whose file AccountStore::open has already created and
// migrated; those set their own pragmas.

#include "common/error.h"

#include <QString>

namespace qp {

// Opens `dbFilePath` under a fresh name starting with `prefix`, with a busy timeout so the CLI and
// a running server can write the same file. The error names `what` ("Provider database").
Result<QString> openSqlConnection(const QString &dbFilePath, const QString &prefix,
                                  const QString &what);
// Closes and forgets a connection openSqlConnection() made.
void closeSqlConnection(const QString &name);

} // namespace qp
