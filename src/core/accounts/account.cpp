#include "accounts/account.h"

#include <QRegularExpression>

namespace qp {

QString accountStatusToString(AccountStatus s)
{
    switch (s) {
    case AccountStatus::Active:
        return QStringLiteral("active");
    case AccountStatus::NeedsLogin:
        return QStringLiteral("needs_login");
    case AccountStatus::Discontinued:
        return QStringLiteral("discontinued");
    case AccountStatus::Disabled:
        return QStringLiteral("disabled");
    }
    return QStringLiteral("disabled");
}

AccountStatus accountStatusFromString(const QString &s)
{
    if (s == QLatin1String("active"))
        return AccountStatus::Active;
    if (s == QLatin1String("needs_login"))
        return AccountStatus::NeedsLogin;
    if (s == QLatin1String("discontinued"))
        return AccountStatus::Discontinued;
    return AccountStatus::Disabled;
}

bool Account::isValidId(const QString &id)
{
    // Ids appear in file names (oauth_creds_<id>.json), keychain keys, headers and URLs.
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return re.match(id).hasMatch();
}

} // namespace qp
