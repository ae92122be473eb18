#include "auth/qwencredentials.h"

#include "common/jsoninteger.h"

#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace qp {

Result<QwenCredentials> QwenCredentials::fromJson(const QJsonObject &o)
{
    const auto str = [&](const char *k) { return o.value(QLatin1String(k)); };
    if (!str("access_token").isString() || str("access_token").toString().isEmpty() ||
        !str("refresh_token").isString() || str("refresh_token").toString().isEmpty() ||
        !str("token_type").isString() || str("token_type").toString().isEmpty() ||
        !str("expiry_date").isDouble())
        return Error::make(Error::Kind::NeedsLogin,
                           u"credentials need access_token, refresh_token, token_type and a "
                           "numeric expiry_date"_s);
    QwenCredentials c;
    c.accessToken = str("access_token").toString();
    c.refreshToken = str("refresh_token").toString();
    c.tokenType = str("token_type").toString();
    c.resourceUrl = str("resource_url").toString();
    c.idToken = str("id_token").toString();
    c.expiryDateMs = jsonInteger(str("expiry_date").toDouble());
    return c;
}

QJsonObject QwenCredentials::toJson() const
{
    QJsonObject o{{u"access_token"_s, accessToken},
                  {u"refresh_token"_s, refreshToken},
                  {u"token_type"_s, tokenType.isEmpty() ? u"Bearer"_s : tokenType},
                  {u"expiry_date"_s, double(expiryDateMs)}};
    if (!resourceUrl.isEmpty())
        o.insert(u"resource_url"_s, resourceUrl);
    if (!idToken.isEmpty())
        o.insert(u"id_token"_s, idToken);
    return o;
}

QByteArray QwenCredentials::toFileBytes() const
{
    // QJsonDocument indents by 4; qwen-code writes 2. Re-indent so a diff of the user's file
    // after our refresh shows only the changed values.
    const QByteArray four = QJsonDocument(toJson()).toJson(QJsonDocument::Indented);
    QByteArray out;
    out.reserve(four.size());
    for (const QByteArray &line : four.split('\n')) {
        int spaces = 0;
        while (spaces < line.size() && line.at(spaces) == ' ')
            ++spaces;
        out += QByteArray(spaces / 2, ' ') + line.mid(spaces) + '\n';
    }
    return out.trimmed() + '\n';
}

Result<QwenCredentials> QwenCredentials::fromTokenResponse(const QJsonObject &o, qint64 nowMs,
                                                           const QwenCredentials *previous)
{
    const QString access = o.value(u"access_token"_s).toString();
    if (access.isEmpty())
        return Error::make(Error::Kind::UpstreamError, u"token endpoint answered without access_token"_s);
    QwenCredentials c;
    if (previous)
        c = *previous;
    c.accessToken = access;
    const QString refresh = o.value(u"refresh_token"_s).toString();
    if (!refresh.isEmpty())
        c.refreshToken = refresh;
    const QString type = o.value(u"token_type"_s).toString();
    c.tokenType = type.isEmpty() ? u"Bearer"_s : type;
    QString resource = o.value(u"resource_url"_s).toString();
    if (resource.isEmpty())
        resource = o.value(u"endpoint"_s).toString(); // the seeds' fallback name
    if (!resource.isEmpty())
        c.resourceUrl = resource;
    const QString idTok = o.value(u"id_token"_s).toString();
    if (!idTok.isEmpty())
        c.idToken = idTok;
    const double expiresIn = o.value(u"expires_in"_s).toDouble(3600);
    // In doubles, so a huge expires_in saturates instead of overflowing.
    c.expiryDateMs = jsonInteger(double(nowMs) + expiresIn * 1000);
    if (c.refreshToken.isEmpty())
        return Error::make(Error::Kind::UpstreamError, u"token endpoint answered without refresh_token"_s);
    return c;
}

QUrl qwenApiBaseUrl(const QString &resourceUrl, const QString &fallbackBaseUrl)
{
    QString base = resourceUrl.trimmed();
    if (base.isEmpty())
        base = fallbackBaseUrl.trimmed();
    static const QRegularExpression scheme(u"^https?://"_s, QRegularExpression::CaseInsensitiveOption);
    if (!scheme.match(base).hasMatch())
        base.prepend(u"https://"_s);
    while (base.endsWith(u'/'))
        base.chop(1);
    if (!base.endsWith(u"/v1"))
        base += u"/v1"_s;
    return QUrl(base);
}

} // namespace qp
