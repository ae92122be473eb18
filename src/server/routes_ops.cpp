// GET /health, GET /v1/models, GET /anthropic/v1/models.
#include "apiroutes.h"

#include "auth/tokenmanager.h"
#include "models/modelcatalog.h"
#include "routing/upstreamrouter.h"
#include "runtime.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
// A fixed date: model lists must be stable between calls (clients cache them).
constexpr qint64 kModelsCreated = 1754686206;
} // namespace

void ApiRoutes::health(http::HttpRequest &, http::ResponseWriter *w)
{
    QJsonArray accounts;
    int healthy = 0, needsLogin = 0;
    for (const QString &id : m_runtime.router().qwenAccounts()) {
        const auto st = m_runtime.tokens().status(id);
        const auto counters = m_runtime.router().countersFor(u"qwen-oauth:"_s + id);
        QJsonObject a{{u"id"_s, id},
                      {u"status"_s, st.state},
                      {u"requests_today"_s, counters.requests}};
        if (st.expiryMs > 0)
            a.insert(u"expires_at"_s,
                     QDateTime::fromMSecsSinceEpoch(st.expiryMs).toUTC().toString(Qt::ISODate));
        if (!st.message.isEmpty())
            a.insert(u"message"_s, st.message);
        healthy += st.state == u"ok" || st.state == u"expired"; // expired refreshes on demand
        needsLogin += st.state == u"needs_login";
        accounts.append(a);
    }
    const QDateTime started = m_runtime.startedAt();
    w->sendJson(200, QJsonObject{
                         {u"status"_s, u"ok"_s},
                         {u"version"_s, QStringLiteral(QP_VERSION)},
                         {u"uptime_seconds"_s, started.secsTo(QDateTime::currentDateTimeUtc())},
                         {u"upstream"_s, m_runtime.upstreamDescription()},
                         {u"summary"_s, QJsonObject{{u"total"_s, accounts.size()},
                                                    {u"healthy"_s, healthy},
                                                    {u"needs_login"_s, needsLogin}}},
                         {u"accounts"_s, accounts},
                         {u"warnings"_s, QJsonArray::fromStringList(m_runtime.warnings())},
                     });
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
    for (const auto &m : m_runtime.catalog().models()) {
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
    for (const auto &m : m_runtime.catalog().models())
        data.append(QJsonObject{{u"type"_s, u"model"_s},
                                {u"id"_s, m.id},
                                {u"display_name"_s, m.id},
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
