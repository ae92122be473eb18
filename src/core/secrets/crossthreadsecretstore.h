#pragma once
// A SecretStore used on one thread whose real store lives on another. The engine thread runs Qt's
// plain UNIX event dispatcher, but the OS keychain (QtKeychain over libsecret or D-Bus) needs the
// GLib main loop of the GUI thread (docs/engine-thread.md). Every operation is queued to the real
// store's thread and its answer is queued back, so callers keep the interface's contract:
// answers arrive later from this thread's event loop, in issue order, and never after this object
// is destroyed. The real store must outlive this one (the engine deletes it after joining).

#include "common/returnaddress.h"
#include "secrets/secretstore.h"

namespace qp {

class CrossThreadSecretStore : public SecretStore
{
    Q_OBJECT
public:
    // `target` lives on another thread; this object on the calling one.
    explicit CrossThreadSecretStore(SecretStore *target, QObject *parent = nullptr);
    ~CrossThreadSecretStore() override;

    QString kind() const override { return m_kind; }
    QString describe() const override { return m_description; }
    void write(const QString &key, const QByteArray &value, DoneCallback done) override;
    void read(const QString &key, ReadCallback done) override;
    void remove(const QString &key, DoneCallback done) override;

private:
    template <typename T> std::function<void(T)> answerHere(std::function<void(T)> done);

    SecretStore *m_target;
    // Read once here: the target's descriptions are fixed when it is made, and reading them
    // later would touch an object of another thread.
    QString m_kind;
    QString m_description;
    ReturnAddress m_home; // where answers are posted back
};

} // namespace qp
