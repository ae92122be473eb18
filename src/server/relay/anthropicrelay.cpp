#include "relay/anthropicrelay.h"

#include "logging/logging.h"
#include "protocol/anthropicresponse.h"
#include "upstream/upstreamerror.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
// Upstream events kept while the input token count is computed (AnthropicRelay::m_pending).
constexpr qint64 kPendingBound = 256 * 1024;
} // namespace

AnthropicRelay::AnthropicRelay(const RelayContext &ctx, http::ResponseWriter *writer,
                               const http::HttpRequest &req, RouteTarget target, bool stream,
                               bool thinkingEnabled, QObject *parent)
    : RelayBase(ctx, writer, req, target, Dialect::Anthropic, parent), m_stream(stream),
      m_thinking(thinkingEnabled), m_translator(target.clientModel, thinkingEnabled, 0),
      m_pingMs(ctx.anthropicPingMs)
{
    // What an Anthropic-compatible upstream must hear of the client's request.
    for (const char *name : {"anthropic-version", "anthropic-beta"})
        if (const QByteArray v = req.header(name); !v.isEmpty())
            m_clientHeaders.append({QByteArray(name), v});
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
    if (passthrough()) {
        // The upstream's own stream, pings included: nothing of ours is added to it.
        m_headersSent = true;
        if (clientOpen())
            m_writer->beginStream(200, "text/event-stream", {{"X-Accel-Buffering", "no"}});
        return;
    }
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
    m_writer->beginStream(200, "text/event-stream", {{"X-Accel-Buffering", "no"}});
    write(m_translator.begin());
    m_ping.start(m_pingMs);
    const auto pending = std::exchange(m_pending, {});
    m_pendingBytes = 0;
    for (const QByteArray &e : pending)
        upstreamEvent(e);
    if (m_pendingEnd)
        upstreamEnded();
    else if (auto failure = std::exchange(m_pendingFailure, std::nullopt))
        upstreamFailed(*failure, true);
    // Unless the client is behind now, and the writer's backlogDrained() resumes it.
    if (std::exchange(m_pausedForPending, false) && !m_completed && m_call && m_writer &&
        !m_writer->congested())
        m_call->resume();
}

void AnthropicRelay::upstreamEvent(const QByteArray &data)
{
    if (m_completed)
        return;
    if (!m_headersSent) {
        m_pending.append(data);
        m_pendingBytes += data.size();
        // Held in memory until the input token count is in: as bounded as the client's backlog.
        if (!m_pausedForPending && m_call && m_pendingBytes > kPendingBound) {
            m_pausedForPending = true;
            m_call->pause();
        }
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

void AnthropicRelay::upstreamFrame(const SseFrame &frame)
{
    if (m_completed)
        return;
    if (!passthrough()) {
        RelayBase::upstreamFrame(frame);
        return;
    }
    write(frame.raw);
    QByteArray type = frame.event;
    if (type.isEmpty() && frame.hasData) // the event name is optional; the data says it too
        type = QJsonDocument::fromJson(frame.data).object().value(u"type"_s).toString().toUtf8();
    if (type == "content_block_delta") {
        noteFirstToken();
    } else if (type == "message_start") {
        m_passUsage = QJsonDocument::fromJson(frame.data)
                          .object()
                          .value(u"message"_s)
                          .toObject()
                          .value(u"usage"_s)
                          .toObject();
    } else if (type == "message_delta") {
        // Its usage is cumulative: output_tokens, and on newer servers the input counts too.
        const QJsonObject u =
            QJsonDocument::fromJson(frame.data).object().value(u"usage"_s).toObject();
        for (auto it = u.begin(); it != u.end(); ++it)
            if (!it.value().isNull())
                m_passUsage.insert(it.key(), it.value());
    } else if (type == "message_stop") {
        m_call->finish(); // the connection stays reusable
        endStream(nullptr);
    } else if (type == "error") {
        // Already in the client's shape and on its way; classified for the record and the pool.
        const Error e = classifyAnthropicStreamError(frame.data, m_call->lease().upstream.name);
        endStream(&e);
    }
}

void AnthropicRelay::endStream(const Error *error)
{
    m_ping.stop();
    if (m_call)
        m_call->abort();
    if (m_writer)
        m_writer->endStream();
    Usage usage;
    if (passthrough()) {
        usage = Usage::fromAnthropic(m_passUsage);
    } else {
        const auto u = m_translator.usage();
        usage.known = u.fromUpstream;
        usage.promptTokens = u.inputTokens + u.cacheReadTokens + u.cacheCreationTokens;
        usage.completionTokens = u.outputTokens;
        usage.cachedTokens = u.cacheReadTokens;
    }
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
    if (passthrough() || m_translator.stopReason().isEmpty()) {
        // (Passthrough ends at message_stop, never here.)
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
    if (midStream && !m_headersSent && m_upstreamStarted && !passthrough()) {
        m_pendingFailure = error; // flushPending() reports it once the count is in
        return;
    }
    if (!midStream || !m_headersSent) {
        m_ping.stop();
        failBeforeStream(error);
        return;
    }
    if (passthrough())
        write("event: error\ndata: " +
              QJsonDocument(errorBody(error, Dialect::Anthropic)).toJson(QJsonDocument::Compact) +
              "\n\n");
    else
        write(m_translator.fail(error));
    endStream(&error);
}

void AnthropicRelay::upstreamBody(const QByteArray &body)
{
    if (m_completed)
        return;
    if (passthrough()) {
        // The upstream's answer as it is; only its usage is read.
        const int status = m_call->upstreamStatus();
        if (m_writer)
            m_writer->send(status, "application/json", body);
        complete(status,
                 Usage::fromAnthropic(
                     QJsonDocument::fromJson(body).object().value(u"usage"_s).toObject()),
                 nullptr);
        return;
    }
    auto answer = upstreamAnswer(body);
    if (!answer)
        return;
    const QJsonObject o = std::move(*answer);
    const QJsonObject message = anthropic::fromOpenAIResponse(o, m_target.clientModel, m_thinking);
    if (m_writer)
        m_writer->sendJson(200, message);
    complete(200, Usage::fromOpenAI(o.value(u"usage"_s).toObject()), nullptr);
}

} // namespace qp
