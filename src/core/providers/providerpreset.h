#pragma once
// The providers a user can add by name: where each one lives, what its keys look like, which
// models it serves and which quota windows its plan has. docs/providers.md lists them with their
// sources; every base URL and key check here is tested (tests/core/tst_providers.cpp).

#include "common/error.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace qp {

enum class ProviderKind {
    QwenOAuth,           // device-flow logins (accounts of `qwen-proxy auth`)
    OpenAICompatible,    // POST {base}/chat/completions, Bearer key
    AnthropicCompatible, // POST {base}/v1/messages; Anthropic clients only, passed through verbatim
};
QString providerKindName(ProviderKind k); // "qwen-oauth", "openai", "anthropic"
std::optional<ProviderKind> providerKindFromName(const QString &name);

struct ProviderPreset {
    QString id;    // "coding-plan-intl"
    QString title; // "Alibaba Coding Plan (international)"
    ProviderKind kind = ProviderKind::OpenAICompatible;
    QString baseUrl;            // empty: the user must give --base-url (custom)
    bool qwenFlavour = false;   // Alibaba hosts: Qwen-only fields and DashScope headers apply
    bool strict = false;        // only standard OpenAI chat fields
    bool keyRequired = true;    // local servers take any key or none
    QString keyPrefix;          // a key must start with this ("sk-sp-"); empty: any
    QString keyForbiddenPrefix; // a key of another plan that fails here ("sk-sp-" on pay-as-you-go)
    QString keyHint;            // where the key comes from, for messages
    QStringList models;         // what the plan serves (first = default model)
    QString quotaPlan;          // the pool's quota windows (pool/quotaplan.h); empty: unmetered
    bool local = false;         // runs on this machine (Ollama, LM Studio, ...)

    QString defaultModel() const { return models.value(0); }
};

const QList<ProviderPreset> &providerPresets();
const ProviderPreset *findProviderPreset(const QString &id);
QStringList providerPresetIds();

// Why `key` cannot be this preset's key (wrong plan, whitespace, missing), or nullopt. The key
// itself never appears in the message.
std::optional<QString> checkProviderKey(const ProviderPreset &preset, const QString &key);

} // namespace qp
