#pragma once
// An upstream is a value (roadmap.md "Providers and routes"): where to send a chat request, how to
// authenticate, and which quirks apply. Qwen OAuth is one kind of it; the relay never assumes Qwen.

#include <QByteArray>
#include <QList>
#include <QNetworkProxy>
#include <QPair>
#include <QString>
#include <QUrl>

namespace qp {

struct Upstream {
    enum class Auth { QwenOAuth, ApiKey, None };
    // What the upstream speaks: OpenAI chat/completions (translated to for Anthropic clients),
    // or Anthropic messages (Anthropic clients are passed through verbatim; docs/providers.md).
    enum class Api { OpenAIChat, AnthropicMessages };

    QString name; // shown in logs, /health and errors; never a secret
    QUrl baseUrl; // ends in /v1 (or wherever chat/completions lives); empty for Qwen OAuth
                  // accounts, whose base comes from the credentials' resource_url
    Auth auth = Auth::None;
    QString apiKey;    // Auth::ApiKey only
    QString accountId; // Auth::QwenOAuth only
    QList<QPair<QByteArray, QByteArray>> extraHeaders;
    bool qwenQuirks = false;               // DashScope headers, Qwen-only fields allowed
    bool passThroughUnknownModels = false; // the upstream knows models we do not
    QString modelOverride;                 // HAIKU_MODEL_NAME for the small-model route
    Api api = Api::OpenAIChat;
    QString providerId;        // the provider this upstream belongs to ("qwen-oauth", "cp", ...)
    QString preset;            // the provider's preset ("coding-plan-intl"); empty for custom
    bool strictFields = false; // only standard OpenAI chat fields (strict providers)
    // Egress: DefaultProxy = the system's (environment, then platform settings; never for
    // loopback), NoProxy = direct, anything else = this provider's own proxy.
    QNetworkProxy proxy = QNetworkProxy(QNetworkProxy::DefaultProxy);

    QUrl chatCompletionsUrl(const QUrl &base) const { return below(base, "/chat/completions"); }
    // Api::AnthropicMessages: the base is what Claude Code takes as ANTHROPIC_BASE_URL
    // (https://dashscope-intl.aliyuncs.com/apps/anthropic); messages live at {base}/v1/messages.
    QUrl messagesUrl(const QUrl &base) const { return below(base, "/v1/messages"); }
    // `base` with `path` appended, however many slashes the base ends with.
    static QUrl below(const QUrl &base, const char *path)
    {
        QUrl u = base;
        QString p = u.path();
        while (p.endsWith(u'/'))
            p.chop(1);
        u.setPath(p + QLatin1String(path));
        return u;
    }
};

} // namespace qp
