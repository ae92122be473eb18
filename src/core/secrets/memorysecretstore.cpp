#include "secrets/memorysecretstore.h"

#include <QTimer>

namespace qp {

// The state changes at call time and only the report is deferred: later operations issued before
// the event loop runs then see the earlier ones, which is the ordering the interface promises.

void MemorySecretStore::write(const QString &key, const QByteArray &value, DoneCallback done)
{
    std::optional<Error> result = m_failure;
    if (!result)
        m_values.insert(key, value);
    QTimer::singleShot(0, this, [done = std::move(done), result] { done(result); });
}

void MemorySecretStore::read(const QString &key, ReadCallback done)
{
    Result<QByteArray> result =
        m_failure ? Result<QByteArray>(*m_failure)
        : m_values.contains(key)
            ? Result<QByteArray>(m_values.value(key))
            : Result<QByteArray>(Error::make(Error::Kind::NotFound,
                                             QStringLiteral("No secret stored for %1").arg(key)));
    QTimer::singleShot(0, this, [done = std::move(done), result] { done(result); });
}

void MemorySecretStore::remove(const QString &key, DoneCallback done)
{
    std::optional<Error> result = m_failure;
    if (!result)
        m_values.remove(key);
    QTimer::singleShot(0, this, [done = std::move(done), result] { done(result); });
}

} // namespace qp
