#include "models/modelcatalog.h"

#include "logging/logging.h"
#include "upstream/quirks.h"
#include "upstream/upstream.h"

using namespace Qt::StringLiterals;

namespace qp {

bool globMatches(QStringView pattern, QStringView text)
{
    // Iterative matcher with single-star backtracking: linear for the patterns we use.
    qsizetype p = 0, t = 0, starP = -1, starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == u'*') {
            starP = p++;
            starT = t;
        } else if (p < pattern.size() &&
                   (pattern[p] == u'?' || pattern[p].toCaseFolded() == text[t].toCaseFolded())) {
            ++p;
            ++t;
        } else if (starP >= 0) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == u'*')
        ++p;
    return p == pattern.size();
}

ModelCatalog::ModelCatalog(QString defaultModel, const QString &extraRules)
    : m_default(defaultModel.isEmpty() ? u"qwen3-coder-plus"_s : std::move(defaultModel))
{
    // What the plans serve (December 2026, docs/quirks.md "Model catalogue"). Output caps follow
    // qwen-code's token limits (qwen3.x 64K, other Qwen 32K, glm-5 128K, glm-4.7 16K, kimi-k2.5
    // 32K, MiniMax-M2.5 64K, deepseek-v4 384K), qwen3.8-max 128K from its model card; 0 where
    // nothing is known (no clamp). coder-model and vision-model are the OAuth tier's names only.
    constexpr unsigned P = TierPayAsYouGo, C = TierCodingPlan, T = TierTokenPlan, O = TierQwenOAuth;
    constexpr qint64 M1 = 1000000, K256 = 262144, K200 = 202752;
    m_models = {
        {u"qwen3.8-max"_s, 131072, false, {}, P, M1, true},
        {u"qwen3.7-max"_s, 65536, false, {}, P | T, M1, false},
        {u"qwen3.7-plus"_s, 65536, true, {}, P | C, M1, false},
        {u"qwen3.6-plus"_s, 65536, true, {}, P | C | T, M1, false},
        {u"qwen3.6-flash"_s, 65536, true, {}, T, M1, false},
        {u"qwen3.5-plus"_s, 65536, true, {}, C, M1, false},
        {u"qwen3-coder-plus"_s, 32768, false, {}, C | O, M1, false},
        {u"qwen3-coder-next"_s, 32768, false, {}, C, K256, false},
        {u"qwen3-max-2026-01-23"_s, 32768, false, {}, C, K256, false},
        {u"glm-5"_s, 131072, false, {}, C, K200, false},
        {u"glm-5.1"_s, 131072, false, {}, T, K200, false},
        {u"glm-4.7"_s, 16384, false, {}, C, K200, false},
        {u"kimi-k2.5"_s, 32768, true, {}, C, K256, false},
        {u"kimi-k2.6"_s, 0, true, {}, T, K256, false},
        {u"MiniMax-M2.5"_s, 65536, false, {}, C, 196608, false},
        {u"deepseek-v4-pro"_s, 393216, false, {}, T, M1, false},
        {u"deepseek-v4-flash"_s, 393216, false, {}, T, M1, false},
        {u"qwen3-vl-plus"_s, 32768, true, {}, 0, K256, false},
        {u"qwen3-vl-max"_s, 32768, true, {}, 0, K256, false},
        {u"coder-model"_s, 65536, true, {u"qwen3.5-plus"_s, u"qwen3.6-plus"_s}, O, M1, false},
        {u"vision-model"_s, 32768, true, {u"qwen3-vl-plus"_s, u"qwen3-vl-max"_s}, O, K256, false},
    };
    for (const QString &pair : extraRules.split(u',', Qt::SkipEmptyParts)) {
        const auto kv = pair.split(u'=');
        if (kv.size() == 2 && !kv[0].trimmed().isEmpty() && !kv[1].trimmed().isEmpty())
            m_rules.append({kv[0].trimmed(), kv[1].trimmed()});
    }
    // Built-in mapping of Claude names (issue 5 §3, issue 9 §2). No plan serves a small coder
    // model any more (qwen3-coder-flash is gone), so haiku gets DEFAULT_MODEL unless
    // HAIKU_MODEL_NAME says otherwise.
    m_rules += QList<ModelRule>{
        {u"*-vision"_s, u"{vision}"_s},       {u"claude-*haiku*"_s, u"{default}"_s},
        {u"claude-*opus*"_s, u"{default}"_s}, {u"claude-*sonnet*"_s, u"{default}"_s},
        {u"claude-*"_s, u"{default}"_s},
    };
}

QList<ModelInfo> ModelCatalog::advertised(bool qwenOAuth) const
{
    QList<ModelInfo> out;
    for (const auto &m : m_models) {
        const bool oauthTier = m.tiers & TierQwenOAuth;
        const bool plans = m.tiers & TierAlibabaPlans;
        if (qwenOAuth ? oauthTier : plans) {
            ModelInfo copy = m;
            if (!qwenOAuth)
                copy.aliases.clear();
            out.append(copy);
        }
    }
    return out;
}

const ModelInfo *ModelCatalog::findId(const QString &id) const
{
    for (const auto &m : m_models)
        if (m.id.compare(id, Qt::CaseInsensitive) == 0)
            return &m;
    return nullptr;
}

const ModelInfo *ModelCatalog::find(const QString &idOrAlias) const
{
    if (const ModelInfo *m = findId(idOrAlias))
        return m;
    for (const auto &m : m_models)
        for (const auto &a : m.aliases)
            if (a.compare(idOrAlias, Qt::CaseInsensitive) == 0)
                return &m;
    return nullptr;
}

bool ModelCatalog::isSmallModelName(const QString &clientModel)
{
    return clientModel.contains(u"haiku"_s, Qt::CaseInsensitive);
}

ModelCatalog::Resolution ModelCatalog::resolve(const QString &clientModel, bool hasImages,
                                               bool passThroughUnknown) const
{
    // Without the upstream: the OAuth tier when unknown names fall back (as OAuth accounts do).
    return resolveFor(clientModel, hasImages, passThroughUnknown,
                      passThroughUnknown ? Flavour::Other : Flavour::QwenOAuth);
}

ModelCatalog::Resolution ModelCatalog::resolve(const QString &clientModel, bool hasImages,
                                               const Upstream &upstream) const
{
    const UpstreamProfile p = profileOf(upstream);
    const Flavour f = p == UpstreamProfile::QwenOAuth ? Flavour::QwenOAuth
                      : p == UpstreamProfile::QwenKey ? Flavour::AlibabaKey
                                                      : Flavour::Other;
    return resolveFor(clientModel, hasImages, upstream.passThroughUnknownModels, f);
}

ModelCatalog::Resolution ModelCatalog::resolveFor(const QString &clientModel, bool hasImages,
                                                  bool passThroughUnknown, Flavour flavour) const
{
    // The model that takes images on this kind of upstream; empty: leave the client's choice.
    const QString visionModel = flavour == Flavour::QwenOAuth    ? u"vision-model"_s
                                : flavour == Flavour::AlibabaKey ? u"qwen3.6-plus"_s
                                                                 : QString();
    Resolution r;
    r.model = clientModel;
    bool ruled = false;
    for (const auto &rule : m_rules) {
        if (globMatches(rule.pattern, clientModel)) {
            if (rule.target == u"{vision}")
                r.model = visionModel.isEmpty() ? m_default : visionModel;
            else
                r.model = rule.target == u"{default}" ? m_default : rule.target;
            r.mapped = true;
            r.rule = rule.pattern;
            ruled = true;
            break;
        }
    }
    if (!ruled) {
        const ModelInfo *m =
            flavour == Flavour::QwenOAuth ? find(clientModel) : findId(clientModel);
        if (m && flavour == Flavour::QwenOAuth && !(m->tiers & TierQwenOAuth)) {
            // A plan model the OAuth tier served under its own name (qwen3.6-plus -> coder-model).
            for (const auto &o : m_models)
                if ((o.tiers & TierQwenOAuth) && o.aliases.contains(m->id, Qt::CaseInsensitive))
                    m = &o;
        }
        if (m) {
            r.model = m->id;
            r.mapped = m->id != clientModel;
        } else if (!passThroughUnknown || clientModel.isEmpty()) {
            r.model = m_default;
            r.mapped = true;
            r.rule = u"unknown model"_s;
            qCInfo(lcRouting) << "unknown model" << clientModel << "-> default" << m_default;
        }
    }
    if (hasImages && !visionModel.isEmpty()) {
        const ModelInfo *m = find(r.model);
        if (m && !m->vision) {
            r.model = visionModel;
            r.mapped = true;
            r.rule = u"image in request"_s;
        }
    }
    return r;
}

qint64 ModelCatalog::clampMaxTokens(const QString &model, qint64 requested) const
{
    const ModelInfo *m = find(model);
    if (!m || m->maxOutputTokens <= 0)
        return requested;
    return std::min<qint64>(requested, m->maxOutputTokens);
}

} // namespace qp
