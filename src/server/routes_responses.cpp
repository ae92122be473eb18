// POST /v1/responses: the OpenAI Responses API on a chat-completions upstream
// (docs/responses-api.md).
#include "apiroutes.h"
#include "logging/logging.h"
#include "models/modelcatalog.h"
#include "protocol/jsonbytes.h"
#include "protocol/openaichat.h"
#include "protocol/responsesrequest.h"
#include "protocol/responsesstream.h"
#include "protocol/responsestore.h"
#include "relay/responsesrelay.h"
#include "routing/upstreamrouter.h"
#include "runtime.h"
#include "upstream/quirks.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
// Request fields the response object repeats, as the API does.
QJsonObject echoFields(const QJsonObject &body)
{
    QJsonObject echo{
        {u"instructions"_s,
         body.value(u"instructions"_s).isString() ? body.value(u"instructions"_s) : QJsonValue()},
        {u"tools"_s,
         body.value(u"tools"_s).isArray() ? body.value(u"tools"_s) : QJsonValue(QJsonArray())},
        {u"tool_choice"_s,
         body.contains(u"tool_choice"_s) ? body.value(u"tool_choice"_s) : QJsonValue(u"auto"_s)},
        {u"parallel_tool_calls"_s, body.value(u"parallel_tool_calls"_s).toBool(true)},
        {u"previous_response_id"_s, body.value(u"previous_response_id"_s).isString()
                                        ? body.value(u"previous_response_id"_s)
                                        : QJsonValue()},
        {u"store"_s, body.value(u"store"_s).toBool(true)},
        {u"metadata"_s, body.value(u"metadata"_s).isObject() ? body.value(u"metadata"_s)
                                                             : QJsonValue(QJsonObject())}};
    for (const char *key : {"temperature", "top_p", "max_output_tokens", "reasoning", "text"})
        echo.insert(QLatin1String(key), body.value(QLatin1String(key)).isUndefined()
                                            ? QJsonValue()
                                            : body.value(QLatin1String(key)));
    return echo;
}
} // namespace

void ApiRoutes::responses(http::HttpRequest &req, http::ResponseWriter *w)
{
    auto body = jsonBody(req, w, Dialect::OpenAI);
    if (!body)
        return;
    auto expanded = m_responseStore->expand(*body);
    if (!expanded) {
        sendError(w, expanded.error(), Dialect::OpenAI);
        return;
    }
    auto translated = responses::toChatRequest(
        *expanded, responses::RequestOptions{m_runtime.settings().boolean(u"strict_schema")});
    if (!translated) {
        sendError(w, translated.error(), Dialect::OpenAI);
        return;
    }
    const QString clientModel = body->value(u"model"_s).toString();
    if (!modelPermitted(req, clientModel, w, Dialect::OpenAI))
        return;
    auto target = m_runtime.router().route(clientModel, responses::requestHasImages(*expanded),
                                           pickRequest(req, translated->chat, Dialect::OpenAI));
    if (!target) {
        sendError(w, target.error(), Dialect::OpenAI);
        return;
    }
    if (target->model != clientModel)
        qCDebug(lcRouting) << "model" << clientModel << "->" << target->model
                           << target->mappingNote;
    const bool stream = body->value(u"stream"_s).toBool();
    PooledCall::BodyFor rebuild = [chat = translated->chat, catalog = &m_runtime.catalog()](
                                      const Upstream &u, const QString &model) {
        return compactJson(
            prepareChatBody(chat, ChatPrepareOptions{model, quirksFor(u, model, catalog)}));
    };
    QByteArray wire = compactJson(prepareChatBody(
        translated->chat,
        ChatPrepareOptions{target->model,
                           quirksFor(target->upstream(), target->model, &m_runtime.catalog())}));

    responses::ResponseInfo info;
    info.id = responses::newId("resp_"_L1);
    info.model = clientModel;
    info.createdAt = QDateTime::currentSecsSinceEpoch();
    info.tools = translated->tools;
    info.reasoningSummary = translated->reasoningSummary;
    info.echo = echoFields(*body);
    std::function<void(const QJsonObject &)> onDone;
    if (body->value(u"store"_s) != QJsonValue(false)) {
        onDone = [store = m_responseStore.get(),
                  input = responses::inputItems(*expanded)](const QJsonObject &response) {
            store->put(response.value(u"id"_s).toString(), input,
                       response.value(u"output"_s).toArray());
        };
    }
    auto *relay = new ResponsesRelay(m_relay, w, req, target.value(), stream, std::move(info),
                                     std::move(onDone), this);
    relay->start(std::move(wire), std::move(rebuild), stream);
}

} // namespace qp
