#pragma once
// Client keys: what a caller from beyond loopback (or any caller, with require_key=always)
// presents to use the proxy (docs/access-control.md).
//
//   qpk_<id>_<secret>
//
// <id> is 8 lower-case letters and digits, the key's public name (logs, `qwen-proxy keys list`,
// usage); <secret> is 256 random bits in base64url without padding (43 characters). Keys are
// never chosen by the user. Only SHA-256 of the secret is stored; the whole key is shown once,
// when it is made. Comparisons of digests take the same time whatever they hold.

#include <QByteArray>
#include <QString>
#include <optional>

namespace qp {

struct ClientKeyParts {
    QString id;
    QByteArray secret; // the base64url text, as presented
};

struct NewClientKey {
    QString id;
    QString key;       // the whole key: shown once, never stored
    QByteArray digest; // what is stored
};

namespace clientkey {

constexpr int kIdLength = 8;
constexpr int kSecretLength = 43; // 32 bytes, base64url, no padding

// A fresh key from the system's secure random source.
NewClientKey generate();
// Splits a presented key; nullopt for anything not exactly of the form above.
std::optional<ClientKeyParts> parse(QByteArrayView presented);
// SHA-256 of the secret part.
QByteArray digest(const QByteArray &secret);
// Equal length and bytes, without an early exit (the time says nothing about where they differ).
bool sameDigest(QByteArrayView a, QByteArrayView b);

} // namespace clientkey
} // namespace qp
