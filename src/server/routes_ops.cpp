// GET /health, GET /v1/models, GET /anthropic/v1/models.
#include "accounts/account.h"
#include "apiroutes.h"
#include "auth/tokenmanager.h"
#include "common/storagehealth.h"
#include "models/modelcatalog.h"
#include "pool/accountpool.h"
#include "providers/providerservice.h"
#include "routing/upstreamrouter.h"
#include "runtime.h"
#include "usage/usagestore.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
// A fixed date: model lists must be stable between calls (clients cache them).
constexpr qint64 kModelsCreated = 1754686206;
} // namespace

namespace {
// What cannot be written right now (a full disk): requests are served from memory meanwhile, so
// this is where it shows. Paths and system errors only, never a token.
QStringList storageProblems(TokenManager &tokens)
{
    QStringList lines = storagehealth::problems();
    for (const QString &id : tokens.unsavedAccounts())
        lines.append(u"refreshed tokens of account %1: kept in memory, not yet stored"_s.arg(id));
    return lines;
}
} // namespace

void ApiRoutes::health(http::HttpRequest &req, http::ResponseWriter *w)
{
    const QStringList storage = storageProblems(m_runtime.tokens());
    const QString storageState = storage.isEmpty() ? u"ok"_s : u"degraded"_s;
    // Anyone the gate admits may ask whether the proxy is up (a container's health check needs no
    // key); accounts, quota and providers only for trusted-local callers and read-scoped keys.
    // Whether storage is failing is for everyone (a monitor should see it); what fails, with its
    // paths, only for them.
    if (!req.caller.mayRead) {
        w->sendJson(200, QJsonObject{{u"status"_s, u"ok"_s},
                                     {u"version"_s, QStringLiteral(QP_VERSION)},
                                     {u"storage"_s, storageState}});
        return;
    }
    QJsonArray accounts;
    QHash<QString, int> byState;
    const qint64 now = m_runtime.clock().nowMs();
    // One query for every account. requests_today counts successes, as `qwen-proxy auth list`
    // does: what a daily quota counts. A store that cannot be read leaves the fields out rather
    // than reporting zeros.
    const auto today = m_runtime.usage().totalsByAccount(1);
    for (const AccountSnapshot &a : m_runtime.pool().snapshot()) {
        QString state = accountStateName(a.state);
        QJsonObject o{{u"id"_s, a.id}, {u"provider"_s, a.provider}, {u"in_flight"_s, a.inFlight}};
        if (a.provider == QLatin1String(Account::kProviderQwenOAuth)) {
            const auto st = m_runtime.tokens().status(a.id);
            if (st.expiryMs > 0)
                o.insert(
                    u"expires_at"_s,
                    QDateTime::fromMSecsSinceEpoch(st.expiryMs, Qt::UTC).toString(Qt::ISODate));
            o.insert(u"token"_s, st.state);
            if (st.state == u"needs_login" && a.state == AccountState::Healthy)
                state = u"needs_login"_s; // the token manager knows first
            if (!st.message.isEmpty() && a.reason.isEmpty())
                o.insert(u"message"_s, st.message);
        }
        o.insert(u"state"_s, state);
        o.insert(u"status"_s, state == u"healthy" ? u"ok"_s : state); // the original's field
        if (!a.reason.isEmpty())
            o.insert(u"message"_s, a.reason);
        if (a.untilMs > now)
            o.insert(u"until"_s,
                     QDateTime::fromMSecsSinceEpoch(a.untilMs, Qt::UTC).toString(Qt::ISODate));
        QJsonArray windows;
        for (const auto &win : a.windows) {
            QJsonObject wo{
                {u"window"_s, win.limit.windowName()},
                {u"used_requests"_s, win.usedRequests},
                {u"used_tokens"_s, win.usedTokens},
                {u"used_percent"_s, qRound(win.usedFraction * 1000) / 10.0},
                {u"resets_at"_s,
                 QDateTime::fromMSecsSinceEpoch(win.resetsAtMs, Qt::UTC).toString(Qt::ISODate)}};
            if (win.limit.maxRequests > 0) {
                wo.insert(u"limit_requests"_s, win.limit.maxRequests);
                wo.insert(u"remaining_requests"_s, win.remainingRequests);
            }
            if (win.limit.maxTokens > 0) {
                wo.insert(u"limit_tokens"_s, win.limit.maxTokens);
                wo.insert(u"remaining_tokens"_s, win.remainingTokens);
            }
            windows.append(wo);
        }
        if (!windows.isEmpty())
            o.insert(u"windows"_s, windows);
        if (today) {
            const UsageTotals t = today->value(a.id);
            o.insert(u"requests_today"_s, t.successes);
            o.insert(u"tokens_today"_s, t.inputTokens + t.outputTokens);
        }
        ++byState[state];
        accounts.append(o);
    }
    QJsonObject summary{{u"total"_s, accounts.size()},
                        {u"strategy"_s, poolStrategyName(m_runtime.pool().config().strategy)}};
    for (const QString &st :
         {u"healthy"_s, u"cooling"_s, u"needs_login"_s, u"parked"_s, u"disabled"_s})
        summary.insert(st, byState.value(st));
    if (today) {
        UsageTotals all;
        for (const UsageTotals &t : today.value())
            all += t;
        summary.insert(u"requests_today"_s, all.successes);
        summary.insert(u"tokens_today"_s, all.inputTokens + all.outputTokens);
    }
    // Providers as configured (no secret: the URLs are the redacted ones), and where the
    // default route sends a Claude model, so a user sees at a glance what serves them.
    QJsonArray providers;
    if (const auto listed = m_runtime.providers().list())
        for (const ProviderConfig &p : listed.value()) {
            QJsonObject o{
                {u"id"_s, p.id}, {u"kind"_s, providerKindName(p.kind)}, {u"preset"_s, p.preset}};
            if (!p.baseUrl.isEmpty())
                o.insert(u"base_url"_s, p.shownBaseUrl());
            if (!p.defaultModel().isEmpty())
                o.insert(u"default_model"_s, p.defaultModel());
            if (!p.proxy.isEmpty())
                o.insert(u"proxy"_s, p.proxy);
            if (p.fromEnvironment())
                o.insert(u"source"_s, p.source);
            providers.append(o);
        }
    const QDateTime started = m_runtime.startedAt();
    QJsonObject answer{
        {u"status"_s, u"ok"_s},
        {u"version"_s, QStringLiteral(QP_VERSION)},
        {u"storage"_s, storageState},
        {u"uptime_seconds"_s, started.secsTo(QDateTime::currentDateTimeUtc())},
        {u"upstream"_s, m_runtime.upstreamDescription()},
        {u"summary"_s, summary},
        {u"accounts"_s, accounts},
        {u"providers"_s, providers},
        {u"route"_s, m_runtime.router().describeRoute(u"claude-sonnet-4-5"_s)},
        {u"warnings"_s, QJsonArray::fromStringList(m_runtime.warnings())},
    };
    if (!storage.isEmpty())
        answer.insert(u"storage_problems"_s, QJsonArray::fromStringList(storage));
    w->sendJson(200, answer);
}

void ApiRoutes::openAIModels(http::HttpRequest &, http::ResponseWriter *w)
{
    QJsonArray data;
    auto add = [&](const QString &id) {
        // Both field sets, so Anthropic-minded clients reading /v1/models work too (§D.5).
        data.append(QJsonObject{{u"id"_s, id},
                                {u"object"_s, u"model"_s},
                                {u"created"_s, kModelsCreated},
                                {u"owned_by"_s, u"qwen"_s},
                                {u"type"_s, u"model"_s},
                                {u"display_name"_s, id},
                                {u"created_at"_s, u"2025-08-08T00:00:00Z"_s}});
    };
    // What the routes expose: each provider's models and the routes' own names.
    const QStringList routed = m_runtime.router().advertisedModels(false);
    for (const QString &id : routed)
        add(id);
    if (routed.isEmpty())
        for (const auto &m : m_runtime.catalog().advertised(true)) {
            add(m.id);
            for (const auto &a : m.aliases)
                add(a);
        }
    w->sendJson(200, QJsonObject{{u"object"_s, u"list"_s}, {u"data"_s, data}});
}

void ApiRoutes::anthropicModels(http::HttpRequest &, http::ResponseWriter *w)
{
    // Claude Code's model picker asks for Claude names; each maps onto a Qwen model.
    static const QList<QPair<QString, QString>> models = {
        {u"claude-opus-4-1"_s, u"Claude Opus 4.1 (Qwen)"_s},
        {u"claude-sonnet-4-5"_s, u"Claude Sonnet 4.5 (Qwen)"_s},
        {u"claude-3-5-haiku-latest"_s, u"Claude Haiku 3.5 (Qwen)"_s},
    };
    QJsonArray data;
    QStringList ids = m_runtime.router().advertisedModels(true);
    if (ids.isEmpty())
        for (const auto &m : m_runtime.catalog().advertised(true))
            ids.append(m.id);
    for (const QString &id : std::as_const(ids))
        data.append(QJsonObject{{u"type"_s, u"model"_s},
                                {u"id"_s, id},
                                {u"display_name"_s, id},
                                {u"created_at"_s, u"2025-08-08T00:00:00Z"_s}});
    for (const auto &m : models)
        data.append(QJsonObject{{u"type"_s, u"model"_s},
                                {u"id"_s, m.first},
                                {u"display_name"_s, m.second},
                                {u"created_at"_s, u"2025-08-08T00:00:00Z"_s}});
    w->sendJson(200, QJsonObject{{u"data"_s, data},
                                 {u"has_more"_s, false},
                                 {u"first_id"_s, data.first().toObject().value(u"id"_s)},
                                 {u"last_id"_s, data.last().toObject().value(u"id"_s)}});
}

} // namespace qp
