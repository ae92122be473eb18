#pragma once
// The client_keys table (schema in accounts/accountstore.cpp, where every migration of the file
// lives). `qwen-proxy keys` writes it; a running server reads it again whenever changed() says
// another connection committed (within its 1 s poll, docs/access-control.md). Like the other
// stores: one connection of its own, used from one thread.

#include "access/clientkeyinfo.h"
#include "common/error.h"

#include <QList>
#include <memory>

namespace qp {

class ClientKeyStore
{
public:
    static Result<std::unique_ptr<ClientKeyStore>> open(const QString &dbFilePath);
    ~ClientKeyStore();
    ClientKeyStore(const ClientKeyStore &) = delete;
    ClientKeyStore &operator=(const ClientKeyStore &) = delete;

    std::optional<Error> add(const ClientKeyInfo &key); // fails on an existing id
    // Replaces name, expiry, scopes, models and limits (never the digest or the dates).
    std::optional<Error> update(const ClientKeyInfo &key);
    std::optional<Error> revoke(const QString &id, qint64 nowMs); // NotFound if absent
    Result<ClientKeyInfo> get(const QString &id) const;           // NotFound if absent
    Result<QList<ClientKeyInfo>> list() const;                    // oldest first
    // True when another connection (the CLI) committed to the file since the last call: SQLite's
    // data_version, which costs no read of the table.
    bool changed();

private:
    explicit ClientKeyStore(QString connection) : m_connection(std::move(connection)) {}
    QString m_connection;
    qint64 m_dataVersion = -1;
};

} // namespace qp
