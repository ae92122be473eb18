#pragma once
// A provider the user added (or one the environment defines): where its upstream lives and how
// to reach it. Its secret part (the key, a proxy URL with credentials, extra header values) is a
// ProviderSecret, kept in the secret store under the provider's account key, never in SQLite.
//
// Each provider is served by one pool account of the same id (accounts/account.h), so the
// account's quota plan, limits, state and usage work for keys exactly as for OAuth logins.

#include "providers/providerpreset.h"
#include "upstream/upstream.h"

#include <QDateTime>
#include <QJsonObject>

namespace qp {

struct ProviderConfig {
    QString id;
    QString preset; // a ProviderPreset id
    ProviderKind kind = ProviderKind::OpenAICompatible;
    QString baseUrl;
    QStringList models; // first = the default model; empty: the preset's
    QString proxy;      // redacted proxy URL for display ("socks5://u:***@h:1080"); "" = system
    QStringList headerNames; // extra headers sent (values are secret)
    QDateTime createdAt;
    QString source; // "" for stored; "OPENAI_BASE_URL" etc. for providers from the environment

    QString defaultModel() const;
    // The base URL as lists, /health and the UI show it: a password in it masked (a URL from the
    // environment may carry a gateway's basic-auth credentials; stored ones may not).
    QString shownBaseUrl() const;
    const ProviderPreset *presetInfo() const { return findProviderPreset(preset); }
    bool fromEnvironment() const { return !source.isEmpty(); }
};

struct ProviderSecret {
    QString apiKey;
    QString proxyUrl; // with credentials; "" = the system proxy, "direct" = none
    QList<QPair<QByteArray, QByteArray>> headers;

    QByteArray toJson() const;
    static ProviderSecret fromJson(const QByteArray &json);
};

// The upstream value the pool leases for this provider (no network, no secret store).
Upstream upstreamFor(const ProviderConfig &config, const ProviderSecret &secret);

} // namespace qp
