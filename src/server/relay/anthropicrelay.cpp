#include "relay/anthropicrelay.h"

#include "logging/logging.h"
#include "protocol/anthropicresponse.h"
#include "upstream/upstreamerror.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qp {

AnthropicRelay::AnthropicRelay(const RelayContext &ctx, http::ResponseWriter *writer,
                               const http::HttpRequest &req, RouteTarget target, bool stream,
                               bool thinkingEnabled, QObject *parent)
    : RelayBase(ctx, writer, req, target, Dialect::Anthropic, parent), m_stream(stream),
      m_thinking(thinkingEnabled), m_translator(target.clientModel, thinkingEnabled, 0),
      m_pingMs(ctx.anthropicPingMs)
{
    // Re-armed on every upstream event, hence a LazyTimer; it repeats by re-arming itself.
    connect(&m_ping, &LazyTimer::timeout, this, [this] {
        write(m_translator.ping());
        m_ping.start(m_pingMs);
    });
}

void AnthropicRelay::setInputTokens(int n)
{
    m_inputTokens = n;
    m_inputEstimate = n;
    if (m_upstreamStarted && !m_headersSent)
        flushPending();
}

void AnthropicRelay::write(const QByteArray &bytes)
{
    if (m_writer && !bytes.isEmpty())
        m_writer->writeChunk(bytes);
}

void AnthropicRelay::upstreamStarted()
{
    m_upstreamStarted = true;
    if (m_inputTokens >= 0)
        flushPending();
}

void AnthropicRelay::flushPending()
{
    if (m_headersSent || m_completed)
        return;
    m_headersSent = true;
    if (!clientOpen())
        return;
    m_translator = anthropic::StreamTranslator(m_target.clientModel, m_thinking, m_inputTokens);
    m_writer->beginStream(200, "text/event-stream",
                          {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}});
    write(m_translator.begin());
    m_ping.start(m_pingMs);
    const auto pending = std::exchange(m_pending, {});
    for (const QByteArray &e : pending)
        upstreamEvent(e);
    if (m_pendingEnd)
        upstreamEnded();
}

void AnthropicRelay::upstreamEvent(const QByteArray &data)
{
    if (m_completed)
        return;
    if (!m_headersSent) {
        m_pending.append(data);
        return;
    }
    m_ping.start(m_pingMs); // silence is measured from the last upstream event
    if (data == "[DONE]") {
        m_call->finish(); // the connection stays reusable
        write(m_translator.finish());
        endStream(nullptr);
        return;
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(data, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        qCWarning(lcRelay) << "skipping an upstream event that is not JSON";
        return;
    }
    const QByteArray out = m_translator.onChunk(doc.object());
    if (!out.isEmpty()) {
        write(out);
        noteFirstToken();
    }
    if (m_translator.error())
        endStream(&*m_translator.error()); // an in-band error chunk, classified by the translator
}

void AnthropicRelay::endStream(const Error *error)
{
    m_ping.stop();
    if (m_call)
        m_call->abort();
    if (m_writer)
        m_writer->endStream();
    const auto u = m_translator.usage();
    Usage usage;
    usage.known = u.fromUpstream;
    usage.promptTokens = u.inputTokens + u.cacheReadTokens + u.cacheCreationTokens;
    usage.completionTokens = u.outputTokens;
    usage.cachedTokens = u.cacheReadTokens;
    complete(error ? 200 : 200, usage, error);
}

void AnthropicRelay::upstreamEnded()
{
    if (m_completed)
        return;
    if (!m_headersSent) {
        m_pendingEnd = true;
        return;
    }
    if (m_translator.stopReason().isEmpty()) {
        // Neither finish_reason nor [DONE]: the answer was cut off, not finished.
        upstreamFailed(Error::make(Error::Kind::UpstreamUnavailable,
                                   u"upstream closed the stream before the answer finished"_s),
                       true);
        return;
    }
    write(m_translator.finish());
    endStream(nullptr);
}

void AnthropicRelay::upstreamFailed(const Error &error, bool midStream)
{
    if (m_completed)
        return;
    if (!midStream || !m_headersSent) {
        m_ping.stop();
        failBeforeStream(error);
        return;
    }
    write(m_translator.fail(error));
    endStream(&error);
}

void AnthropicRelay::upstreamBody(const QByteArray &body)
{
    if (m_completed)
        return;
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        failBeforeStream(
            Error::make(Error::Kind::UpstreamError, u"upstream answered with invalid JSON"_s));
        return;
    }
    const QJsonObject o = doc.object();
    if (o.value(u"error"_s).isObject()) {
        const QJsonObject e = o.value(u"error"_s).toObject();
        failBeforeStream(classifyStreamError(e.value(u"message"_s).toString(),
                                             e.value(u"code"_s).toVariant().toString()));
        return;
    }
    const QJsonObject message = anthropic::fromOpenAIResponse(o, m_target.clientModel, m_thinking);
    if (m_writer)
        m_writer->sendJson(200, message);
    complete(200, Usage::fromOpenAI(o.value(u"usage"_s).toObject()), nullptr);
}

} // namespace qp
