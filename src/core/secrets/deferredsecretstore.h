#pragma once
// A secret store chosen on first use. Probing the OS keychain loads D-Bus and libsecret (2.8 MB
// of resident memory, measured) and can wait seconds for a locked keyring; a proxy that runs on
// an environment key, or has no account yet, never needs it. The first operation starts the
// choice (the keychain probe: secretstoreprobe.h); operations issued meanwhile wait, in order,
// and run against the chosen store. Contract as SecretStore: answers come later from the event
// loop, in issue order, never after this object is gone (the chosen store is its child).

#include "secrets/secretstore.h"

#include <functional>
#include <vector>

namespace qp {

struct SecretStoreChoice;

class DeferredSecretStore : public SecretStore
{
    Q_OBJECT
public:
    // Calls its argument exactly once with the chosen store (taken over) or a null one.
    using Chooser = std::function<void(std::function<void(SecretStoreChoice)>)>;

    // `fallbackFile`: the 0600 file store used when the chooser gives no store at all.
    DeferredSecretStore(Chooser choose, QString fallbackFile, QObject *parent = nullptr);

    QString kind() const override;
    QString describe() const override;
    void write(const QString &key, const QByteArray &value, DoneCallback done) override;
    void read(const QString &key, ReadCallback done) override;
    void remove(const QString &key, DoneCallback done) override;

    bool isChosen() const { return m_store != nullptr; }

Q_SIGNALS:
    void choosing();                     // the first operation started the choice
    void chosen(const QString &warning); // empty when the keychain works

private:
    void whenChosen(std::function<void(SecretStore *)> op);
    void onChoice(SecretStoreChoice choice);

    Chooser m_choose;
    QString m_fallbackFile;
    SecretStore *m_store = nullptr;
    bool m_choosing = false;
    std::vector<std::function<void(SecretStore *)>> m_pending;
};

} // namespace qp
