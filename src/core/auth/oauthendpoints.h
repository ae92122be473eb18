#pragma once
// Where and as whom the Qwen device flow logs in (qwen-protocol.md §A.1). The defaults are
// qwen-code's; settings (QWEN_OAUTH_BASE_URL, QWEN_DEVICE_CODE_ENDPOINT, QWEN_TOKEN_ENDPOINT,
// client id, scope) override them, and tests point the base at the in-process fake OAuth server.

#include <QString>
#include <QUrl>

namespace qp {

class Settings;

struct OAuthConfig {
    static constexpr const char *kDefaultBase = "https://chat.qwen.ai";
    static constexpr const char *kDefaultClientId = "f0304373b74a44d2b584a3fb70ca9e56";
    static constexpr const char *kDefaultScope = "openid profile email model.completion";
    static constexpr const char *kDeviceCodePath = "/api/v1/oauth2/device/code";
    static constexpr const char *kTokenPath = "/api/v1/oauth2/token";
    static constexpr const char *kDeviceGrantType = "urn:ietf:params:oauth:grant-type:device_code";

    QUrl deviceCodeEndpoint;
    QUrl tokenEndpoint;
    QString clientId = QLatin1String(kDefaultClientId);
    QString scope = QLatin1String(kDefaultScope);

    // Both endpoints below `oauthBase` (a path in the base is kept: "http://h/prefix" gives
    // "http://h/prefix/api/v1/oauth2/token"). Empty clientId/scope mean qwen-code's defaults.
    // QWEN_OAUTH_BASE_URL, QWEN_CLIENT_ID, QWEN_SCOPE and the two endpoint overrides.
    static OAuthConfig fromSettings(const Settings &s);
    static OAuthConfig fromBase(const QUrl &oauthBase, const QString &clientId = {},
                                const QString &scope = {})
    {
        OAuthConfig c;
        c.deviceCodeEndpoint = join(oauthBase, QLatin1String(kDeviceCodePath));
        c.tokenEndpoint = join(oauthBase, QLatin1String(kTokenPath));
        if (!clientId.isEmpty())
            c.clientId = clientId;
        if (!scope.isEmpty())
            c.scope = scope;
        return c;
    }

    static OAuthConfig defaults() { return fromBase(QUrl(QLatin1String(kDefaultBase))); }

    // Explicit endpoint settings win over the base-derived ones; empty URLs keep what is there.
    OAuthConfig withEndpoints(const QUrl &deviceCode, const QUrl &token) const
    {
        OAuthConfig c = *this;
        if (!deviceCode.isEmpty())
            c.deviceCodeEndpoint = deviceCode;
        if (!token.isEmpty())
            c.tokenEndpoint = token;
        return c;
    }

private:
    static QUrl join(const QUrl &base, const QString &path)
    {
        QUrl u = base;
        QString p = u.path();
        while (p.endsWith(QLatin1Char('/')))
            p.chop(1);
        u.setPath(p + path);
        return u;
    }
};

} // namespace qp
