#include "providers/provider.h"

#include "logging/redact.h"
#include "upstream/egress.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qp {

QString ProviderConfig::defaultModel() const
{
    if (!models.isEmpty())
        return models.first();
    const ProviderPreset *p = presetInfo();
    return p ? p->defaultModel() : QString();
}

QString ProviderConfig::shownBaseUrl() const
{
    return redactedProxyUrl(baseUrl);
}

QByteArray ProviderSecret::toJson() const
{
    QJsonObject o;
    if (!apiKey.isEmpty())
        o.insert(u"api_key"_s, apiKey);
    if (!proxyUrl.isEmpty())
        o.insert(u"proxy"_s, proxyUrl);
    QJsonObject h;
    for (const auto &kv : headers)
        h.insert(QString::fromLatin1(kv.first), QString::fromLatin1(kv.second));
    if (!h.isEmpty())
        o.insert(u"headers"_s, h);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

ProviderSecret ProviderSecret::fromJson(const QByteArray &json)
{
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    ProviderSecret s;
    s.apiKey = o.value(u"api_key"_s).toString();
    s.proxyUrl = o.value(u"proxy"_s).toString();
    const QJsonObject h = o.value(u"headers"_s).toObject();
    for (auto it = h.begin(); it != h.end(); ++it)
        s.headers.append({it.key().toLatin1(), it.value().toString().toLatin1()});
    return s;
}

Upstream upstreamFor(const ProviderConfig &c, const ProviderSecret &secret)
{
    Upstream u;
    u.providerId = c.id;
    u.preset = c.preset;
    u.name = c.id + u" ("_s + QUrl(c.baseUrl).host() + u")"_s;
    u.baseUrl = QUrl(c.baseUrl);
    u.auth = secret.apiKey.isEmpty() ? Upstream::Auth::None : Upstream::Auth::ApiKey;
    u.apiKey = secret.apiKey;
    u.extraHeaders = secret.headers;
    u.passThroughUnknownModels = true;
    u.api = c.kind == ProviderKind::AnthropicCompatible ? Upstream::Api::AnthropicMessages
                                                        : Upstream::Api::OpenAIChat;
    const ProviderPreset *p = c.presetInfo();
    u.qwenQuirks = p && p->qwenFlavour;
    u.strictFields = p && p->strict;
    if (!secret.proxyUrl.isEmpty()) {
        // Validated when the provider was added; a proxy that no longer parses must not fall
        // back to a direct connection the user did not choose.
        auto proxy = parseProxyUrl(secret.proxyUrl);
        u.proxy = proxy ? proxy.value() : QNetworkProxy(QNetworkProxy::HttpProxy, u"0.0.0.0"_s, 1);
    }
    registerSecret(secret.apiKey);
    for (const auto &h : secret.headers)
        registerSecret(QString::fromLatin1(h.second));
    if (u.proxy.type() != QNetworkProxy::DefaultProxy && !u.proxy.password().isEmpty())
        registerSecret(u.proxy.password());
    return u;
}

} // namespace qp
