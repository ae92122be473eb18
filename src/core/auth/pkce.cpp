#include "auth/pkce.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <array>

namespace qp::pkce {

namespace {
constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
}

QByteArray generateVerifier()
{
    // QRandomGenerator::system() is the OS CSPRNG (getrandom / BCryptGenRandom); the global()
    // generator is only seeded from it and must not be used for secrets.
    std::array<quint32, 8> words{};
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    const QByteArray raw(reinterpret_cast<const char *>(words.data()), sizeof(words));
    return raw.toBase64(kBase64Url);
}

QByteArray challengeFor(const QByteArray &verifier)
{
    return QCryptographicHash::hash(verifier, QCryptographicHash::Sha256).toBase64(kBase64Url);
}

Pair generate()
{
    Pair p;
    p.verifier = generateVerifier();
    p.challenge = challengeFor(p.verifier);
    return p;
}

} // namespace qp::pkce
