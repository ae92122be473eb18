#include "providers/providerpreset.h"

using namespace Qt::StringLiterals;

namespace qp {

QString providerKindName(ProviderKind k)
{
    switch (k) {
    case ProviderKind::QwenOAuth:
        return u"qwen-oauth"_s;
    case ProviderKind::OpenAICompatible:
        return u"openai"_s;
    case ProviderKind::AnthropicCompatible:
        return u"anthropic"_s;
    }
    return {};
}

std::optional<ProviderKind> providerKindFromName(const QString &name)
{
    for (ProviderKind k : {ProviderKind::QwenOAuth, ProviderKind::OpenAICompatible,
                           ProviderKind::AnthropicCompatible})
        if (providerKindName(k) == name)
            return k;
    return std::nullopt;
}

namespace {

// What Alibaba's plans served in the second half of 2026 (docs/providers.md). The upstream's own
// /models answer is the truth at run time (`qwen-proxy provider models <id>`).
const QStringList kCodingPlanModels = {
    u"qwen3-coder-plus"_s, u"qwen3-coder-next"_s,     u"qwen3.7-plus"_s, u"qwen3.6-plus"_s,
    u"qwen3.5-plus"_s,     u"qwen3-max-2026-01-23"_s, u"glm-5"_s,        u"glm-4.7"_s,
    u"kimi-k2.5"_s,        u"MiniMax-M2.5"_s};
const QStringList kTokenPlanModels = {
    u"qwen3.6-plus"_s,      u"qwen3.7-max"_s, u"qwen3.6-flash"_s, u"deepseek-v4-pro"_s,
    u"deepseek-v4-flash"_s, u"kimi-k2.6"_s,   u"glm-5.1"_s};
const QStringList kModelStudioModels = {u"qwen3.7-plus"_s, u"qwen3.8-max"_s, u"qwen3.7-max"_s,
                                        u"qwen3.6-plus"_s, u"qwen3-coder-plus"_s};

ProviderPreset alibaba(QString id, QString title, QString baseUrl, QStringList models,
                       QString keyPrefix, QString forbidden, QString hint, QString quota = {})
{
    ProviderPreset p;
    p.id = std::move(id);
    p.title = std::move(title);
    p.baseUrl = std::move(baseUrl);
    p.qwenFlavour = true;
    p.models = std::move(models);
    p.keyPrefix = std::move(keyPrefix);
    p.keyForbiddenPrefix = std::move(forbidden);
    p.keyHint = std::move(hint);
    p.quotaPlan = std::move(quota);
    return p;
}

ProviderPreset anthropicOf(ProviderPreset p, QString id, QString title, QString baseUrl)
{
    p.id = std::move(id);
    p.title = std::move(title);
    p.baseUrl = std::move(baseUrl);
    p.kind = ProviderKind::AnthropicCompatible;
    return p;
}

ProviderPreset local(QString id, QString title, QString baseUrl, QStringList models)
{
    ProviderPreset p;
    p.id = std::move(id);
    p.title = std::move(title);
    p.baseUrl = std::move(baseUrl);
    p.keyRequired = false;
    p.local = true;
    p.models = std::move(models);
    p.keyHint = u"local servers need no key"_s;
    return p;
}

QList<ProviderPreset> makePresets()
{
    QList<ProviderPreset> out;
    {
        ProviderPreset p;
        p.id = u"qwen-oauth"_s;
        p.title = u"Qwen OAuth (device login; the free tier ended on 2026-04-15)"_s;
        p.kind = ProviderKind::QwenOAuth;
        p.qwenFlavour = true;
        p.keyRequired = false;
        p.models = {u"coder-model"_s, u"vision-model"_s};
        out.append(p);
    }
    const QString cpHint = u"a Coding Plan key starts with sk-sp- (Model Studio console, Coding "
                           u"Plan page)"_s;
    const QString paygHint = u"a Model Studio key (sk-…) of the same region; Coding Plan keys "
                             u"(sk-sp-…) work only on the Coding Plan hosts"_s;
    const QString tpHint = u"a Token Plan key of the same region"_s;
    const ProviderPreset cpIntl =
        alibaba(u"coding-plan-intl"_s, u"Alibaba Coding Plan (international)"_s,
                u"https://coding-intl.dashscope.aliyuncs.com/v1"_s, kCodingPlanModels, u"sk-sp-"_s,
                {}, cpHint, u"coding-plan-lite"_s);
    out.append(alibaba(u"coding-plan-cn"_s, u"Alibaba Coding Plan (China)"_s,
                       u"https://coding.dashscope.aliyuncs.com/v1"_s, kCodingPlanModels,
                       u"sk-sp-"_s, {}, cpHint, u"coding-plan-lite"_s));
    out.append(cpIntl);
    out.append(anthropicOf(cpIntl, u"coding-plan-intl-anthropic"_s,
                           u"Alibaba Coding Plan (international), Anthropic endpoint"_s,
                           u"https://coding-intl.dashscope.aliyuncs.com/apps/anthropic"_s));
    const ProviderPreset tpBj =
        alibaba(u"token-plan-beijing"_s, u"Alibaba Token Plan (Beijing)"_s,
                u"https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1"_s,
                kTokenPlanModels, {}, u"sk-sp-"_s, tpHint);
    const ProviderPreset tpSg =
        alibaba(u"token-plan-singapore"_s, u"Alibaba Token Plan (Singapore)"_s,
                u"https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1"_s,
                kTokenPlanModels, {}, u"sk-sp-"_s, tpHint);
    out.append(tpBj);
    out.append(tpSg);
    out.append(anthropicOf(tpBj, u"token-plan-beijing-anthropic"_s,
                           u"Alibaba Token Plan (Beijing), Anthropic endpoint"_s,
                           u"https://token-plan.cn-beijing.maas.aliyuncs.com/apps/anthropic"_s));
    out.append(
        anthropicOf(tpSg, u"token-plan-singapore-anthropic"_s,
                    u"Alibaba Token Plan (Singapore), Anthropic endpoint"_s,
                    u"https://token-plan.ap-southeast-1.maas.aliyuncs.com/apps/anthropic"_s));
    const struct {
        const char16_t *id;
        const char16_t *region;
        const char16_t *url;
    } regions[] = {
        {u"modelstudio-beijing", u"Beijing", u"https://dashscope.aliyuncs.com/compatible-mode/v1"},
        {u"modelstudio-singapore", u"Singapore",
         u"https://dashscope-intl.aliyuncs.com/compatible-mode/v1"},
        {u"modelstudio-us", u"US (Virginia)",
         u"https://dashscope-us.aliyuncs.com/compatible-mode/v1"},
        {u"modelstudio-hongkong", u"Hong Kong",
         u"https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1"},
    };
    for (const auto &r : regions)
        out.append(alibaba(
            QString::fromUtf16(r.id),
            u"Alibaba Model Studio pay-as-you-go (%1)"_s.arg(QString::fromUtf16(r.region)),
            QString::fromUtf16(r.url), kModelStudioModels, u"sk-"_s, u"sk-sp-"_s, paygHint));
    out.append(anthropicOf(out.at(out.size() - 3), u"modelstudio-singapore-anthropic"_s,
                           u"Alibaba Model Studio pay-as-you-go (Singapore), Anthropic endpoint"_s,
                           u"https://dashscope-intl.aliyuncs.com/apps/anthropic"_s));
    {
        ProviderPreset p;
        p.id = u"modelscope"_s;
        p.title = u"ModelScope API inference (China, free tier)"_s;
        p.baseUrl = u"https://api-inference.modelscope.cn/v1"_s;
        p.models = {u"Qwen/Qwen3-Coder-480B-A35B-Instruct"_s,
                    u"Qwen/Qwen3-235B-A22B-Instruct-2507"_s};
        p.keyHint = u"a ModelScope access token (modelscope.cn, Access Tokens)"_s;
        out.append(p);
    }
    {
        ProviderPreset p;
        p.id = u"openrouter"_s;
        p.title = u"OpenRouter"_s;
        p.baseUrl = u"https://openrouter.ai/api/v1"_s;
        p.models = {u"qwen/qwen3-coder"_s, u"qwen/qwen3-max"_s};
        p.keyPrefix = u"sk-or-"_s;
        p.keyHint = u"an OpenRouter key starts with sk-or-"_s;
        out.append(p);
    }
    out.append(local(u"ollama"_s, u"Ollama"_s, u"http://localhost:11434/v1"_s, {u"qwen3-coder"_s}));
    out.append(local(u"lmstudio"_s, u"LM Studio"_s, u"http://localhost:1234/v1"_s, {}));
    out.append(local(u"vllm"_s, u"vLLM"_s, u"http://localhost:8000/v1"_s, {}));
    out.append(local(u"llamacpp"_s, u"llama.cpp server"_s, u"http://localhost:8080/v1"_s, {}));
    {
        ProviderPreset p;
        p.id = u"custom"_s;
        p.title = u"Any OpenAI-compatible server (give --base-url)"_s;
        p.keyRequired = false;
        out.append(p);
        ProviderPreset s = p;
        s.id = u"custom-strict"_s;
        s.title = u"An OpenAI-compatible server that rejects unknown fields (give --base-url)"_s;
        s.strict = true;
        out.append(s);
        ProviderPreset a = p;
        a.id = u"anthropic"_s;
        a.title = u"Any Anthropic-compatible server (give --base-url)"_s;
        a.kind = ProviderKind::AnthropicCompatible;
        out.append(a);
    }
    return out;
}

} // namespace

const QList<ProviderPreset> &providerPresets()
{
    static const QList<ProviderPreset> presets = makePresets();
    return presets;
}

const ProviderPreset *findProviderPreset(const QString &id)
{
    for (const ProviderPreset &p : providerPresets())
        if (p.id.compare(id, Qt::CaseInsensitive) == 0)
            return &p;
    return nullptr;
}

QStringList providerPresetIds()
{
    QStringList ids;
    for (const ProviderPreset &p : providerPresets())
        ids.append(p.id);
    return ids;
}

std::optional<QString> checkProviderKey(const ProviderPreset &preset, const QString &key)
{
    if (key.isEmpty())
        return preset.keyRequired ? std::optional<QString>(u"%1 needs an API key (%2)"_s.arg(
                                        preset.title, preset.keyHint))
                                  : std::nullopt;
    for (QChar c : key)
        if (c.isSpace() || c.unicode() < 0x21 || c.unicode() > 0x7e)
            return u"the key contains spaces or characters a key never has (was something else "
                   u"pasted with it?)"_s;
    if (!preset.keyForbiddenPrefix.isEmpty() && key.startsWith(preset.keyForbiddenPrefix))
        return u"this looks like a key of another plan (it starts with %1): %2. Keys work only "
               u"on their own plan's host."_s.arg(preset.keyForbiddenPrefix, preset.keyHint);
    if (!preset.keyPrefix.isEmpty() && !key.startsWith(preset.keyPrefix))
        return u"this is not a key for %1: %2"_s.arg(preset.title, preset.keyHint);
    return std::nullopt;
}

} // namespace qp
