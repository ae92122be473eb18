// POST /v1/chat/completions
#include "apiroutes.h"
#include "models/modelcatalog.h"
#include "protocol/openaichat.h"
#include "relay/openairelay.h"
#include "routing/upstreamrouter.h"
#include "runtime.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qp {

void ApiRoutes::chatCompletions(http::HttpRequest &req, http::ResponseWriter *w)
{
    auto body = jsonBody(req, w, Dialect::OpenAI);
    if (!body)
        return;
    if (auto e = validateChatRequest(*body)) {
        sendError(w, *e, Dialect::OpenAI);
        return;
    }
    const QString clientModel = body->value(u"model"_s).toString();
    auto target = m_runtime.router().route(clientModel, chatRequestHasImages(*body),
                                           pickRequest(req, *body, Dialect::OpenAI));
    if (!target) {
        sendError(w, target.error(), Dialect::OpenAI);
        return;
    }
    const bool stream = body->value(u"stream"_s).toBool();
    const bool wantsUsage = clientWantsUsage(*body);
    // Another kind of upstream after a rotation gets a body prepared for it.
    PooledCall::BodyFor rebuild = [original = *body, catalog = &m_runtime.catalog()](
                                      const Upstream &u, const QString &model) {
        const ModelInfo *info = catalog->find(model);
        return QJsonDocument(
                   prepareChatBody(
                       original,
                       ChatPrepareOptions{model, info ? info->maxOutputTokens : 0, u.qwenQuirks}))
            .toJson(QJsonDocument::Compact);
    };
    const ModelInfo *info = m_runtime.catalog().find(target->model);
    bool changed = true;
    const QJsonObject upstreamBody =
        prepareChatBody(std::move(*body),
                        ChatPrepareOptions{target->model, info ? info->maxOutputTokens : 0,
                                           target->upstream().qwenQuirks},
                        &changed);
    // Unchanged: the client's own bytes go upstream, as a byte-forwarding proxy would send them.
    QByteArray wire =
        changed ? QJsonDocument(upstreamBody).toJson(QJsonDocument::Compact) : std::move(req.body);
    auto *relay = new OpenAIRelay(m_relay, w, req, target.value(), stream, wantsUsage, this);
    relay->start(std::move(wire), std::move(rebuild), stream);
}

} // namespace qp
