#pragma once
// The providers table (schema in accounts/accountstore.cpp, where every migration of the file
// lives). Rows only: ProviderService keeps the row, its account and its secret consistent.
// Like the other stores, one connection of its own, used from one thread.

#include "common/error.h"
#include "providers/provider.h"

namespace qp {

class ProviderStore
{
public:
    static Result<std::unique_ptr<ProviderStore>> open(const QString &dbFilePath);
    ~ProviderStore();
    ProviderStore(const ProviderStore &) = delete;
    ProviderStore &operator=(const ProviderStore &) = delete;

    std::optional<Error> add(const ProviderConfig &config); // fails on an existing id
    std::optional<Error> remove(const QString &id);         // NotFound if absent
    Result<ProviderConfig> get(const QString &id) const;    // NotFound if absent
    Result<QList<ProviderConfig>> list() const;             // oldest first

private:
    explicit ProviderStore(QString connection) : m_connection(std::move(connection)) {}
    QString m_connection;
};

} // namespace qp
