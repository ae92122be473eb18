#include "secrets/keychainsecretstore.h"

#include <QLoggingCategory>
#include <QPointer>
#include <qt6keychain/keychain.h>

Q_LOGGING_CATEGORY(lcKeychain, "qp.core.secrets.keychain")

namespace qp {

namespace {

Error keychainError(const QKeychain::Job *job, const QString &op)
{
    return Error::make(Error::Kind::Internal, QStringLiteral("OS keychain %1 failed (%2): %3")
                                                  .arg(op)
                                                  .arg(int(job->error()))
                                                  .arg(job->errorString()));
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QString service, QObject *parent)
    : SecretStore(parent), m_service(std::move(service))
{}

QString KeychainSecretStore::describe() const
{
    return QStringLiteral("OS keychain (service \"%1\")").arg(m_service);
}

void KeychainSecretStore::enqueue(Step step)
{
    m_queue.push_back(std::move(step));
    if (!m_running) {
        m_running = true;
        // Deferred even when idle: callbacks must never run inside the call.
        QMetaObject::invokeMethod(
            this, [this] { stepFinished(); }, Qt::QueuedConnection);
    }
}

void KeychainSecretStore::stepFinished()
{
    if (m_queue.empty()) {
        m_running = false;
        return;
    }
    Step next = std::move(m_queue.front());
    m_queue.pop_front();
    next();
}

void KeychainSecretStore::deliver(const std::function<void()> &report)
{
    // The report may destroy the store (a caller dropping it after its last answer).
    QPointer<KeychainSecretStore> self(this);
    report();
    if (self)
        stepFinished();
}

void KeychainSecretStore::write(const QString &key, const QByteArray &value, DoneCallback done)
{
    enqueue([this, key, value, done = std::move(done)] {
        auto *job = new QKeychain::WritePasswordJob(m_service);
        job->setAutoDelete(true);
        job->setKey(key);
        job->setBinaryData(value);
        connect(job, &QKeychain::Job::finished, this, [this, done](QKeychain::Job *j) {
            std::optional<Error> result;
            if (j->error() != QKeychain::NoError)
                result = keychainError(j, QStringLiteral("write"));
            deliver([&] { done(result); });
        });
        job->start();
    });
}

void KeychainSecretStore::read(const QString &key, ReadCallback done)
{
    enqueue([this, key, done = std::move(done)] {
        auto *job = new QKeychain::ReadPasswordJob(m_service);
        job->setAutoDelete(true);
        job->setKey(key);
        connect(job, &QKeychain::Job::finished, this, [this, key, done](QKeychain::Job *j) {
            Result<QByteArray> result =
                j->error() == QKeychain::NoError
                    ? Result<QByteArray>(static_cast<QKeychain::ReadPasswordJob *>(j)->binaryData())
                : j->error() == QKeychain::EntryNotFound
                    ? Result<QByteArray>(
                          Error::make(Error::Kind::NotFound,
                                      QStringLiteral("No secret stored for %1").arg(key)))
                    : Result<QByteArray>(keychainError(j, QStringLiteral("read")));
            deliver([&] { done(result); });
        });
        job->start();
    });
}

void KeychainSecretStore::remove(const QString &key, DoneCallback done)
{
    enqueue([this, key, done = std::move(done)] {
        auto *job = new QKeychain::DeletePasswordJob(m_service);
        job->setAutoDelete(true);
        job->setKey(key);
        connect(job, &QKeychain::Job::finished, this, [this, done](QKeychain::Job *j) {
            std::optional<Error> result;
            if (j->error() != QKeychain::NoError && j->error() != QKeychain::EntryNotFound)
                result = keychainError(j, QStringLiteral("delete"));
            deliver([&] { done(result); });
        });
        job->start();
    });
}

} // namespace qp
