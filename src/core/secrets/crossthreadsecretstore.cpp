#include "secrets/crossthreadsecretstore.h"

namespace qp {

CrossThreadSecretStore::CrossThreadSecretStore(SecretStore *target, QObject *parent)
    : SecretStore(parent), m_target(target), m_kind(target->kind()),
      m_description(target->describe()), m_home(this)
{}

CrossThreadSecretStore::~CrossThreadSecretStore() = default;

template <typename T>
std::function<void(T)> CrossThreadSecretStore::answerHere(std::function<void(T)> done)
{
    // On the target's thread: queued back here, dropped once this store is gone (the contract).
    return [home = m_home, done = std::move(done)](T answer) {
        home.post([done, answer = std::move(answer)]() mutable { done(std::move(answer)); });
    };
}

void CrossThreadSecretStore::write(const QString &key, const QByteArray &value, DoneCallback done)
{
    QMetaObject::invokeMethod(
        m_target,
        [target = m_target, key, value, answer = answerHere(std::move(done))] {
            target->write(key, value, answer);
        },
        Qt::QueuedConnection);
}

void CrossThreadSecretStore::read(const QString &key, ReadCallback done)
{
    QMetaObject::invokeMethod(
        m_target,
        [target = m_target, key, answer = answerHere(std::move(done))] {
            target->read(key, answer);
        },
        Qt::QueuedConnection);
}

void CrossThreadSecretStore::remove(const QString &key, DoneCallback done)
{
    QMetaObject::invokeMethod(
        m_target,
        [target = m_target, key, answer = answerHere(std::move(done))] {
            target->remove(key, answer);
        },
        Qt::QueuedConnection);
}

} // namespace qp
