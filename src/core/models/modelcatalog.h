#pragma once
// The models we advertise and how client model names map onto upstream models. All of it is
// configuration (DEFAULT_MODEL, MODEL_MAP), not code: the table below is only the default.

#include <QList>
#include <QString>
#include <QStringList>

namespace qp {

struct ModelInfo {
    QString id;
    int maxOutputTokens = 0; // 0: no cap known
    bool vision = false;
    QStringList aliases; // other names that mean this model (qwen3.5-plus -> coder-model)
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
    const ModelInfo *find(const QString &idOrAlias) const;
    QString defaultModel() const { return m_default; }
    static bool isSmallModelName(const QString &clientModel); // *haiku*

    struct Resolution {
        QString model;      // what to send upstream
        bool mapped = false; // a rule or the default replaced the client's name
        QString rule;       // which rule, for the log line
    };
    // passThroughUnknown: API-key upstreams know models we do not (issue 9); for Qwen OAuth an
    // unknown name falls back to DEFAULT_MODEL (issue 5), logged, never an error.
    Resolution resolve(const QString &clientModel, bool hasImages, bool passThroughUnknown) const;

    // Clamp to the model's cap; unknown models are left alone.
    qint64 clampMaxTokens(const QString &model, qint64 requested) const;

private:
    QString m_default;
    QList<ModelInfo> m_models;
    QList<ModelRule> m_rules;
};

} // namespace qp
