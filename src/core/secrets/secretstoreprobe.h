#pragma once
// Chooses where secrets go at start-up (docs/qt-notes.md, "Keychain"): write a random probe value
// to the OS keychain, read it back, delete it. Only a clean round trip counts; read results alone
// prove nothing (libsecret answers "not found" for a keyring it cannot open). On any failure, or
// when the keychain does not answer within the timeout (a desktop prompter nobody answers), secrets
// go to the 0600 file store and the result carries one clear warning for the caller to show once.

#include "secrets/secretstore.h"

#include <QObject>
#include <functional>

namespace qp {

struct SecretStoreChoice {
    SecretStore *store = nullptr; // the caller owns it (parent it or delete it)
    bool usingFallback = false;
    QString warning; // empty when the keychain works
};

class SecretStoreProbe
{
public:
    // The production keychain store: QtKeychain wrapped in a ChunkedSecretStore (2048-byte parts).
    static SecretStore *makeKeychainStore(const QString &service);

    // Probes `candidate` (taken over: returned as the choice, or deleted after a failure) and
    // calls `done` exactly once. `fallbackFilePath` is the FileSecretStore used on failure.
    static void choose(SecretStore *candidate, const QString &fallbackFilePath,
                       std::function<void(SecretStoreChoice)> done, int timeoutMs = 20000);

    // Shortcut: makeKeychainStore(service) + choose(). With `skipKeychain` (setting / env for
    // headless deployments) the file store is chosen without touching D-Bus and without a warning.
    static void chooseDefault(const QString &service, const QString &fallbackFilePath,
                              bool skipKeychain, std::function<void(SecretStoreChoice)> done,
                              int timeoutMs = 20000);
};

} // namespace qp
