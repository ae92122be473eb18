#pragma once
// One upstream account as the account store knows it: metadata only. Its tokens live in a
// SecretStore under secretKey(id), never in SQLite.

#include <QDateTime>
#include <QString>

namespace qp {

enum class AccountStatus {
    Active,       // usable
    NeedsLogin,   // refresh token dead or secrets missing: `auth login <id>` again
    Discontinued, // the provider ended this kind of access (Qwen free tier, §0)
    Disabled,     // switched off by the user
};

QString accountStatusToString(AccountStatus s);
// Unknown strings read as Disabled: a newer version's status must not make an account usable.
AccountStatus accountStatusFromString(const QString &s);

struct Account {
    static constexpr const char *kProviderQwenOAuth = "qwen-oauth";

    QString id;    // [A-Za-z0-9._-]{1,64}; header X-Qwen-Account / ?account= value
    QString label; // free text for humans
    QString provider = QLatin1String(kProviderQwenOAuth);
    QString resourceUrl;  // copy of the credential's resource_url (not secret), for display
    QDateTime createdAt;  // UTC
    QDateTime lastUsedAt; // UTC; invalid when never used
    AccountStatus status = AccountStatus::Active;
    QString statusReason; // why it is not Active, for humans
    bool isDefault = false;
    QString quotaPlan;     // the pool's quota windows as a text spec (pool/quotaplan.h)
    int maxConcurrent = 0; // 0 = no cap
    int maxPerMinute = 0;  // 0 = no cap

    static bool isValidId(const QString &id);
    // The SecretStore key that holds this account's credentials JSON.
    static QString secretKey(const QString &id) { return QStringLiteral("account/") + id; }
};

} // namespace qp
