#pragma once
// Secrets in a hash in memory: the test double, and the store behind --no-keychain dry runs.

#include "secrets/secretstore.h"

#include <QHash>

namespace qp {

class MemorySecretStore : public SecretStore
{
    Q_OBJECT
public:
    using SecretStore::SecretStore;

    QString kind() const override { return QStringLiteral("memory"); }
    QString describe() const override { return QStringLiteral("memory (not persisted)"); }
    void write(const QString &key, const QByteArray &value, DoneCallback done) override;
    void read(const QString &key, ReadCallback done) override;
    void remove(const QString &key, DoneCallback done) override;

    // Test hooks: inspect the raw contents, and make the next operations fail.
    const QHash<QString, QByteArray> &contents() const { return m_values; }
    void setFailure(std::optional<Error> failure) { m_failure = std::move(failure); }

private:
    QHash<QString, QByteArray> m_values;
    std::optional<Error> m_failure;
};

} // namespace qp
