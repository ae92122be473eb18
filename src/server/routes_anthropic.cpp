// POST /v1/messages, /anthropic/v1/messages and their count_tokens (qwen-protocol.md §D).
#include "apiroutes.h"
#include "common/returnaddress.h"
#include "logging/logging.h"
#include "models/modelcatalog.h"
#include "protocol/anthropicrequest.h"
#include "protocol/jsonbytes.h"
#include "protocol/openaichat.h"
#include "relay/anthropicrelay.h"
#include "routing/upstreamrouter.h"
#include "runtime.h"
#include "tokenizer/tokencount.h"
#include "upstream/quirks.h"

#include <QJsonDocument>
#include <QThreadPool>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
// Counting a long prompt takes milliseconds of CPU: never on the event loop that relays every
// other stream (bench-anchors.md). The result comes back on the receiver's own thread (the engine
// thread), and not at all once the receiver is gone.
template <typename Receiver, typename Fn>
void countOffLoop(Receiver *receiver, QJsonObject body, Fn onCounted)
{
    QThreadPool::globalInstance()->start(
        [home = ReturnAddress(receiver), receiver, body = std::move(body), onCounted] {
            const int n = countAnthropicInputTokens(body);
            home.post([receiver, n, onCounted] { onCounted(receiver, n); });
        });
}

// For an Anthropic-compatible upstream: the client's own bytes, only the model changed when the
// route maps it to another name (docs/anthropic-upstreams.md).
QByteArray passthroughBody(const QByteArray &original, const QString &clientModel,
                           const QString &model)
{
    if (model == clientModel)
        return original;
    if (auto edited = replaceTopLevelString(original, "model", model))
        return *edited;
    QJsonObject o = QJsonDocument::fromJson(original).object();
    o.insert(u"model"_s, model);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
} // namespace

void ApiRoutes::messages(http::HttpRequest &req, http::ResponseWriter *w)
{
    auto body = jsonBody(req, w, Dialect::Anthropic);
    if (!body)
        return;
    auto translated = anthropic::toOpenAIRequest(
        *body, anthropic::RequestOptions{m_runtime.settings().boolean(u"strict_schema")});
    if (!translated) {
        sendError(w, translated.error(), Dialect::Anthropic);
        return;
    }
    const QString clientModel = body->value(u"model"_s).toString();
    if (!modelPermitted(req, clientModel, w, Dialect::Anthropic))
        return;
    auto target = m_runtime.router().route(clientModel, anthropic::requestHasImages(*body),
                                           pickRequest(req, *body, Dialect::Anthropic), true);
    if (!target) {
        sendError(w, target.error(), Dialect::Anthropic);
        return;
    }
    if (target->model != clientModel)
        qCDebug(lcRouting) << "model" << clientModel << "->" << target->model
                           << target->mappingNote;
    const bool stream = body->value(u"stream"_s).toBool();
    // Per upstream: the translated OpenAI body, or for an Anthropic-compatible one the client's own
    // bytes (model replaced when mapped), so a rotation between kinds sends what each accepts.
    PooledCall::BodyFor rebuild =
        [translatedBody = translated.value(), original = req.body, clientModel,
         catalog = &m_runtime.catalog()](const Upstream &u, const QString &model) -> QByteArray {
        if (u.api == Upstream::Api::AnthropicMessages)
            return passthroughBody(original, clientModel, model);
        return QJsonDocument(
                   prepareChatBody(translatedBody,
                                   ChatPrepareOptions{model, quirksFor(u, model, catalog)}))
            .toJson(QJsonDocument::Compact);
    };
    QByteArray wire;
    if (target->upstream().api == Upstream::Api::AnthropicMessages) {
        wire = passthroughBody(req.body, clientModel, target->model);
    } else {
        wire = compactJson(prepareChatBody(
            std::move(translated.value()),
            ChatPrepareOptions{target->model, quirksFor(target->upstream(), target->model,
                                                        &m_runtime.catalog())}));
    }
    auto *relay = new AnthropicRelay(m_relay, w, req, target.value(), stream,
                                     anthropic::thinkingEnabled(*body), this);
    if (stream)
        countOffLoop(relay, *body, [](AnthropicRelay *r, int n) { r->setInputTokens(n); });
    else // a whole answer carries the upstream's usage; the estimate is only for the log line
        relay->setInputEstimator([body = *body] { return countAnthropicInputTokens(body); });
    relay->start(std::move(wire), std::move(rebuild), stream);
}

void ApiRoutes::countTokens(http::HttpRequest &req, http::ResponseWriter *w)
{
    auto body = jsonBody(req, w, Dialect::Anthropic);
    if (!body)
        return;
    if (!body->value(u"messages"_s).isArray()) {
        sendError(
            w, Error::make(Error::Kind::InvalidRequest, u"messages: field required (an array)"_s),
            Dialect::Anthropic);
        return;
    }
    countOffLoop(w, *body, [](http::ResponseWriter *writer, int n) {
        writer->sendJson(200, QJsonObject{{u"input_tokens"_s, n}});
    });
}

} // namespace qp
