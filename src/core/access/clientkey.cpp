#include "access/clientkey.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace qp::clientkey {

namespace {
bool isIdChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool isBase64UrlChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}
} // namespace

NewClientKey generate()
{
    // QRandomGenerator::system() is the OS's secure source (getrandom, BCryptGenRandom).
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    QString id;
    for (int i = 0; i < kIdLength; ++i)
        id += QLatin1Char(alphabet[QRandomGenerator::system()->bounded(36)]);
    quint32 words[8];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray secret =
        QByteArray(reinterpret_cast<const char *>(words), sizeof words)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    NewClientKey k;
    k.id = id;
    k.key = QStringLiteral("qpk_%1_%2").arg(id, QString::fromLatin1(secret));
    k.digest = digest(secret);
    return k;
}

std::optional<ClientKeyParts> parse(QByteArrayView presented)
{
    const QByteArrayView v = presented;
    if (v.size() != 4 + kIdLength + 1 + kSecretLength || !v.startsWith("qpk_") ||
        v[4 + kIdLength] != '_')
        return std::nullopt;
    const QByteArrayView id = v.sliced(4, kIdLength);
    const QByteArrayView secret = v.sliced(4 + kIdLength + 1);
    for (char c : id)
        if (!isIdChar(c))
            return std::nullopt;
    for (char c : secret)
        if (!isBase64UrlChar(c))
            return std::nullopt;
    return ClientKeyParts{QString::fromLatin1(id), secret.toByteArray()};
}

QByteArray digest(const QByteArray &secret)
{
    return QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
}

bool sameDigest(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace qp::clientkey
