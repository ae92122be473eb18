#include "secrets/deferredsecretstore.h"

#include "secrets/filesecretstore.h"
#include "secrets/secretstoreprobe.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace qp {

DeferredSecretStore::DeferredSecretStore(Chooser choose, QString fallbackFile, QObject *parent)
    : SecretStore(parent), m_choose(std::move(choose)), m_fallbackFile(std::move(fallbackFile))
{}

QString DeferredSecretStore::kind() const
{
    return m_store ? m_store->kind() : u"keychain"_s;
}

QString DeferredSecretStore::describe() const
{
    return m_store ? m_store->describe() : u"the OS keychain (opened when first needed)"_s;
}

void DeferredSecretStore::whenChosen(std::function<void(SecretStore *)> op)
{
    if (m_store) {
        op(m_store);
        return;
    }
    m_pending.push_back(std::move(op));
    if (m_choosing)
        return;
    m_choosing = true;
    Q_EMIT choosing();
    m_choose([self = QPointer<DeferredSecretStore>(this)](SecretStoreChoice choice) {
        if (!self) {
            delete choice.store;
            return;
        }
        self->onChoice(std::move(choice));
    });
}

void DeferredSecretStore::onChoice(SecretStoreChoice choice)
{
    if (!choice.store) { // the chooser never got an answer: the 0600 file, said once
        choice.store = new FileSecretStore(m_fallbackFile);
        choice.usingFallback = true;
        if (choice.warning.isEmpty())
            choice.warning =
                u"the keychain did not answer; tokens are kept in %1"_s.arg(m_fallbackFile);
    }
    choice.store->setParent(this);
    m_store = choice.store;
    // Said before the waiting operations run, so whoever shows the warning has it before the
    // first answer that needed the store.
    Q_EMIT chosen(choice.usingFallback ? choice.warning : QString());
    for (auto &op : std::exchange(m_pending, {}))
        op(m_store);
}

void DeferredSecretStore::write(const QString &key, const QByteArray &value, DoneCallback done)
{
    whenChosen([key, value, done = std::move(done)](SecretStore *s) mutable {
        s->write(key, value, std::move(done));
    });
}

void DeferredSecretStore::read(const QString &key, ReadCallback done)
{
    whenChosen(
        [key, done = std::move(done)](SecretStore *s) mutable { s->read(key, std::move(done)); });
}

void DeferredSecretStore::remove(const QString &key, DoneCallback done)
{
    whenChosen(
        [key, done = std::move(done)](SecretStore *s) mutable { s->remove(key, std::move(done)); });
}

} // namespace qp
