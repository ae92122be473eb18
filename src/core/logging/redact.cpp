#include "logging/redact.h"

#include <QReadWriteLock>
#include <QRegularExpression>
#include <QSet>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
struct Registry {
    QReadWriteLock lock;
    QSet<QString> secrets;
};
Registry &registry()
{
    static Registry r;
    return r;
}
} // namespace

void registerSecret(const QString &secret)
{
    // Very short values would mask ordinary words; real keys and tokens are long.
    if (secret.size() < 8)
        return;
    QWriteLocker l(&registry().lock);
    registry().secrets.insert(secret);
}

void unregisterSecret(const QString &secret)
{
    QWriteLocker l(&registry().lock);
    registry().secrets.remove(secret);
}

QString redact(QString text)
{
    {
        QReadLocker l(&registry().lock);
        for (const QString &s : std::as_const(registry().secrets))
            if (text.contains(s))
                text.replace(s, u"***"_s);
    }
    static const QRegularExpression bearer(uR"((?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,})"_s);
    static const QRegularExpression keyLike(uR"(\b(sk-|sk_|key-)[A-Za-z0-9._-]{8,})"_s);
    static const QRegularExpression jsonToken(
        uR"re((?i)("(?:access_token|refresh_token|id_token|api_key|apikey|code_verifier)"\s*:\s*")[^"]*")re"_s);
    text.replace(bearer, u"\\1***"_s);
    text.replace(keyLike, u"\\1***"_s);
    text.replace(jsonToken, u"\\1***\""_s);
    return text;
}

QByteArray redact(const QByteArray &text)
{
    return redact(QString::fromUtf8(text)).toUtf8();
}

} // namespace qp
