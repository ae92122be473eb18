#pragma once
// PKCE (RFC 7636) as Qwen's device flow uses it (qwen-protocol.md §A.1): the verifier is 32 random
// bytes in base64url without padding (43 characters), the challenge base64url(SHA-256(verifier)),
// method S256. The verifier never leaves the process that started the login.

#include <QByteArray>

namespace qp::pkce {

struct Pair {
    QByteArray verifier;
    QByteArray challenge;
};

// 32 bytes from the system CSPRNG, base64url without padding.
QByteArray generateVerifier();
// base64url(SHA-256(verifier)) without padding.
QByteArray challengeFor(const QByteArray &verifier);
Pair generate();

inline constexpr const char *kMethod = "S256";

} // namespace qp::pkce
