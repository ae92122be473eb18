#pragma once
// The models we advertise and how client model names map onto upstream models. All of it is
// configuration (DEFAULT_MODEL, MODEL_MAP), not code: the table below is only the default.

#include <QList>
#include <QString>
#include <QStringList>

namespace qp {

struct Upstream;

// Where a model is served (docs/quirks.md "Model catalogue"). The Qwen OAuth tier had its own
// names (coder-model, vision-model); the Alibaba plans serve real model ids.
enum ModelTier : unsigned {
    TierQwenOAuth = 1u << 0,
    TierPayAsYouGo = 1u << 1,
    TierCodingPlan = 1u << 2,
    TierTokenPlan = 1u << 3,
    TierAlibabaPlans = TierPayAsYouGo | TierCodingPlan | TierTokenPlan,
};

struct ModelInfo {
    QString id;
    int maxOutputTokens = 0; // 0: no cap known
    bool vision = false;
    // Qwen OAuth tier only: other names that meant this model there (qwen3.5-plus ->
    // coder-model). Never applied for API-key upstreams, where those names are models of their own.
    QStringList aliases;
    unsigned tiers = 0;           // ModelTier bits
    qint64 contextWindow = 0;     // tokens; 0: unknown
    bool thinksByDefault = false; // reasons unless enable_thinking:false (qwen3.8-max)
};

struct ModelRule {
    QString pattern; // glob: * and ?; case-insensitive
    QString target;  // a model id, or "{default}"
};

// Case-insensitive glob (* and ?) without building a regular expression: resolve() runs on every
// request, and compiling patterns there cost 40% of the proxy's CPU (tests/bench).
bool globMatches(QStringView pattern, QStringView text);

class ModelCatalog
{
public:
    // extraRules: "glob=model,glob=model" (MODEL_MAP), tried before the built-in rules.
    ModelCatalog(QString defaultModel = QStringLiteral("qwen3-coder-plus"),
                 const QString &extraRules = {});

    const QList<ModelInfo> &models() const { return m_models; }
    // What /v1/models advertises: the OAuth tier's names for Qwen OAuth accounts, the plans'
    // models for everyone else (coder-model and vision-model are never advertised to key users).
    QList<ModelInfo> advertised(bool qwenOAuth) const;
    const ModelInfo *find(const QString &idOrAlias) const;
    QString defaultModel() const { return m_default; }
    static bool isSmallModelName(const QString &clientModel); // *haiku*

    struct Resolution {
        QString model;       // what to send upstream
        bool mapped = false; // a rule or the default replaced the client's name
        QString rule;        // which rule, for the log line
    };
    // passThroughUnknown: API-key upstreams know models we do not (issue 9); for Qwen OAuth an
    // unknown name falls back to DEFAULT_MODEL (issue 5), logged, never an error.
    Resolution resolve(const QString &clientModel, bool hasImages, bool passThroughUnknown) const;
    // The same for one upstream: OAuth-tier aliases (qwen3.6-plus -> coder-model) and the OAuth
    // vision model apply only to Qwen OAuth accounts; Alibaba key plans get qwen3.6-plus for
    // images; other upstreams keep the client's model.
    Resolution resolve(const QString &clientModel, bool hasImages, const Upstream &upstream) const;

    // Clamp to the model's cap; unknown models are left alone.
    qint64 clampMaxTokens(const QString &model, qint64 requested) const;

private:
    enum class Flavour { QwenOAuth, AlibabaKey, Other };
    Resolution resolveFor(const QString &clientModel, bool hasImages, bool passThroughUnknown,
                          Flavour flavour) const;
    const ModelInfo *findId(const QString &id) const;

    QString m_default;
    QList<ModelInfo> m_models;
    QList<ModelRule> m_rules;
};

} // namespace qp
