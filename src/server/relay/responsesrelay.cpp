#include "relay/responsesrelay.h"

#include "logging/logging.h"
#include "upstream/upstreamerror.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qp {

ResponsesRelay::ResponsesRelay(const RelayContext &ctx, http::ResponseWriter *writer,
                               const http::HttpRequest &req, RouteTarget target, bool stream,
                               responses::ResponseInfo info,
                               std::function<void(const QJsonObject &)> onDone, QObject *parent)
    : RelayBase(ctx, writer, req, std::move(target), Dialect::OpenAI, parent), m_stream(stream),
      m_info(info), m_normalizer(true, true), m_encoder(std::move(info)),
      m_onDone(std::move(onDone))
{}

void ResponsesRelay::write(const QByteArray &bytes)
{
    if (m_writer && !bytes.isEmpty())
        m_writer->writeChunk(bytes);
}

void ResponsesRelay::upstreamStarted()
{
    if (!clientOpen())
        return;
    m_writer->beginStream(200, "text/event-stream", {{"X-Accel-Buffering", "no"}});
    write(m_encoder.begin());
}

void ResponsesRelay::feed(const QList<QByteArray> &payloads)
{
    for (const QByteArray &p : payloads) {
        const QJsonDocument doc = QJsonDocument::fromJson(p);
        if (!doc.isObject()) {
            qCWarning(lcRelay) << "skipping an upstream event that is not JSON";
            continue;
        }
        const QByteArray out = m_encoder.onChunk(doc.object());
        if (!out.isEmpty()) {
            write(out);
            noteFirstToken();
        }
    }
}

void ResponsesRelay::finishStream()
{
    feed(m_normalizer.finish());
    write(m_encoder.finish());
    if (m_writer)
        m_writer->endStream();
    if (m_onDone)
        m_onDone(m_encoder.response());
    complete(200, m_normalizer.usage(), nullptr);
}

void ResponsesRelay::upstreamEvent(const QByteArray &data)
{
    if (m_completed)
        return;
    auto step = m_normalizer.onEvent(data);
    feed(step.out);
    if (step.error) {
        upstreamFailed(*step.error, true);
        return;
    }
    if (step.done) {
        m_call->finish(); // nothing after [DONE] matters; the connection stays reusable
        finishStream();
    }
}

void ResponsesRelay::upstreamEnded()
{
    if (m_completed)
        return;
    if (!m_normalizer.sawFinish()) {
        // Neither finish_reason nor [DONE]: the answer was cut off, not finished.
        upstreamFailed(Error::make(Error::Kind::UpstreamUnavailable,
                                   u"upstream closed the stream before the answer finished"_s),
                       true);
        return;
    }
    finishStream();
}

void ResponsesRelay::upstreamFailed(const Error &error, bool midStream)
{
    if (m_completed)
        return;
    if (!midStream || !m_writer || !m_writer->started()) {
        failBeforeStream(error);
        return;
    }
    // Mid-stream: close the open items, then response.failed (Codex retries rate limits, stops
    // on insufficient_quota).
    write(m_encoder.fail(error));
    if (m_writer)
        m_writer->endStream();
    if (m_call)
        m_call->abort();
    complete(httpStatusFor(error, Dialect::OpenAI), m_normalizer.usage(), &error);
}

void ResponsesRelay::upstreamBody(const QByteArray &body)
{
    if (m_completed)
        return;
    auto answer = upstreamAnswer(body);
    if (!answer)
        return;
    const QJsonObject o = std::move(*answer);
    Usage usage;
    const QJsonObject response = responses::fromChatCompletion(o, m_info, &usage);
    if (m_writer)
        m_writer->sendJson(200, response);
    if (m_onDone)
        m_onDone(response);
    complete(200, usage, nullptr);
}

} // namespace qp
