#pragma once
// Secrets in the OS keychain (libsecret / macOS Keychain / Windows Credential Manager) through
// QtKeychain. One keychain entry per key, no size handling: wrap it in a ChunkedSecretStore (as
// secretstoreprobe.h does) to stay below Windows' credential blob limit.
//
// Jobs run one at a time in issue order: libsecret gives no ordering guarantee between concurrent
// jobs, and "write then read" must read what was written. Jobs are not parented to the store, so
// destroying the store mid-job never frees a job that libsecret still calls back into; they delete
// themselves, and their reports are dropped.

#include "secrets/secretstore.h"

#include <deque>

namespace qp {

class KeychainSecretStore : public SecretStore
{
    Q_OBJECT
public:
    // `service` groups our entries in the keychain ("qwen-proxy"; tests use a unique one).
    explicit KeychainSecretStore(QString service, QObject *parent = nullptr);

    static QString defaultService() { return QStringLiteral("qwen-proxy"); }
    QString service() const { return m_service; }

    QString kind() const override { return QStringLiteral("keychain"); }
    QString describe() const override;
    void write(const QString &key, const QByteArray &value, DoneCallback done) override;
    void read(const QString &key, ReadCallback done) override;
    void remove(const QString &key, DoneCallback done) override;

private:
    using Step = std::function<void()>;
    void enqueue(Step step);
    void stepFinished();
    void deliver(const std::function<void()> &report);

    QString m_service;
    std::deque<Step> m_queue;
    bool m_running = false;
};

} // namespace qp
