#include "models/modelcatalog.h"

#include "logging/logging.h"


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
    // Caps from qwen-protocol.md §B.3 (seed MODEL_LIMITS and the vision clamp).
    m_models = {
        {u"qwen3-coder-plus"_s, 65536, false, {}},
        {u"qwen3-coder-flash"_s, 65536, false, {}},
        {u"coder-model"_s, 65536, true, {u"qwen3.5-plus"_s, u"qwen3.6-plus"_s}},
        {u"vision-model"_s, 32768, true, {u"qwen3-vl-plus"_s, u"qwen3-vl-max"_s}},
    };
    for (const QString &pair : extraRules.split(u',', Qt::SkipEmptyParts)) {
        const auto kv = pair.split(u'=');
        if (kv.size() == 2 && !kv[0].trimmed().isEmpty() && !kv[1].trimmed().isEmpty())
            m_rules.append({kv[0].trimmed(), kv[1].trimmed()});
    }
    // Built-in mapping of Claude names (issue 5 §3, issue 9 §2).
    m_rules += QList<ModelRule>{
        {u"*-vision"_s, u"vision-model"_s},
        {u"claude-*haiku*"_s, u"qwen3-coder-flash"_s},
        {u"claude-*opus*"_s, u"{default}"_s},
        {u"claude-*sonnet*"_s, u"{default}"_s},
        {u"claude-*"_s, u"{default}"_s},
    };
}

const ModelInfo *ModelCatalog::find(const QString &idOrAlias) const
{
    for (const auto &m : m_models)
        if (m.id.compare(idOrAlias, Qt::CaseInsensitive) == 0)
            return &m;
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
    Resolution r;
    r.model = clientModel;
    bool ruled = false;
    for (const auto &rule : m_rules) {
        if (globMatches(rule.pattern, clientModel)) {
            r.model = rule.target == u"{default}" ? m_default : rule.target;
            r.mapped = true;
            r.rule = rule.pattern;
            ruled = true;
            break;
        }
    }
    if (!ruled) {
        if (const ModelInfo *m = find(clientModel)) {
            // Aliases resolve to the canonical id only when the alias is not itself a model.
            r.model = m->id;
            r.mapped = m->id != clientModel;
        } else if (!passThroughUnknown || clientModel.isEmpty()) {
            r.model = m_default;
            r.mapped = true;
            r.rule = u"unknown model"_s;
            qCInfo(lcRouting) << "unknown model" << clientModel << "-> default" << m_default;
        }
    }
    if (hasImages) {
        const ModelInfo *m = find(r.model);
        if (m && !m->vision) {
            r.model = u"vision-model"_s;
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
