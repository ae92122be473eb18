#pragma once
// Routes: a client's model name (or a glob of names) -> ordered (provider, upstream model)
// targets, tried in order within the pool's rules (docs/providers.md, "Routes").
//
// Spec (setting ROUTES / "routes"): rules separated by ';', each `pattern=target|target|...`,
// a target `provider[:model]`. No model: the provider's own mapping (its default model for
// claude-* names, the client's name otherwise); `*`: the client's name as it is. A model may
// itself contain ':' (Ollama's qwen3-coder:30b): only the first ':' splits.
//   claude-*opus*=cp:qwen3.7-max|ms:qwen3.8-max; gpt-*=ollama:qwen3-coder:30b; *=cp

#include "common/error.h"

#include <QList>
#include <QString>

namespace qp {

struct RouteStep {
    QString provider;
    QString model; // "" = the provider's mapping; "*" = the client's name
};

struct RouteRule {
    QString pattern; // glob, case-insensitive
    QList<RouteStep> steps;
};

Result<QList<RouteRule>> parseRoutes(const QString &spec);
QString routesToSpec(const QList<RouteRule> &rules);

// The first rule whose pattern matches, or null.
const RouteRule *matchRoute(const QList<RouteRule> &rules, const QString &clientModel);

} // namespace qp
