#include "relay/openairelay.h"

#include "logging/logging.h"
#include "protocol/jsonbytes.h"
#include "upstream/upstreamerror.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qp {

OpenAIRelay::OpenAIRelay(const RelayContext &ctx, http::ResponseWriter *writer,
                         const http::HttpRequest &req, RouteTarget target, bool stream,
                         bool forwardUsage, QObject *parent)
    : RelayBase(ctx, writer, req, std::move(target), Dialect::OpenAI, parent), m_stream(stream),
      m_normalizer(forwardUsage)
{}

void OpenAIRelay::upstreamStarted()
{
    if (!clientOpen())
        return;
    m_writer->beginStream(200, "text/event-stream", {{"X-Accel-Buffering", "no"}});
}

void OpenAIRelay::writeEvent(const QByteArray &payload)
{
    m_writer->writeChunk("data: ", payload, "\n\n");
}

void OpenAIRelay::endWithDone()
{
    if (m_writer) {
        m_writer->writeChunk(QByteArrayLiteral("data: [DONE]\n\n"));
        m_writer->endStream();
    }
}

void OpenAIRelay::upstreamEvent(const QByteArray &data)
{
    if (m_completed || !m_writer)
        return;
    auto step = m_normalizer.onEvent(data);
    for (const QByteArray &p : std::as_const(step.out))
        writeEvent(p);
    if (!step.out.isEmpty())
        noteFirstToken();
    if (step.error) {
        upstreamFailed(*step.error, true);
        return;
    }
    if (step.done) {
        for (const QByteArray &p : m_normalizer.finish())
            writeEvent(p);
        endWithDone();
        m_call->finish(); // nothing after [DONE] matters; the connection stays reusable
        complete(200, m_normalizer.usage(), nullptr);
    }
}

void OpenAIRelay::upstreamEnded()
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
    // The upstream closed without [DONE] after its finish chunk: end the stream properly.
    if (m_writer) {
        for (const QByteArray &p : m_normalizer.finish())
            writeEvent(p);
        endWithDone();
    }
    complete(200, m_normalizer.usage(), nullptr);
}

void OpenAIRelay::upstreamFailed(const Error &error, bool midStream)
{
    if (m_completed)
        return;
    if (!midStream || !m_writer || !m_writer->started()) {
        failBeforeStream(error);
        return;
    }
    // Mid-stream: the status line is long gone; tell the client in-band, then end cleanly.
    writeEvent(openAIStreamError(error));
    endWithDone();
    if (m_call)
        m_call->abort();
    complete(httpStatusFor(error, Dialect::OpenAI), m_normalizer.usage(), &error);
}

void OpenAIRelay::upstreamBody(const QByteArray &body)
{
    if (m_completed)
        return;
    auto answer = upstreamAnswer(body);
    if (!answer)
        return;
    QJsonObject o = std::move(*answer);
    // Clients validate strictly (§D.6): finish_reason "tool_calls" when calls are present,
    // arguments always strings.
    bool changed = false;
    QJsonArray choices = o.value(u"choices"_s).toArray();
    for (qsizetype i = 0; i < choices.size(); ++i) {
        QJsonObject ch = choices.at(i).toObject();
        QJsonObject msg = ch.value(u"message"_s).toObject();
        QJsonArray calls = msg.value(u"tool_calls"_s).toArray();
        if (calls.isEmpty())
            continue;
        for (qsizetype j = 0; j < calls.size(); ++j) {
            QJsonObject c = calls.at(j).toObject();
            QJsonObject fn = c.value(u"function"_s).toObject();
            const QJsonValue args = fn.value(u"arguments"_s);
            if (!args.isString()) {
                fn.insert(u"arguments"_s,
                          args.isObject()
                              ? QString::fromUtf8(
                                    QJsonDocument(args.toObject()).toJson(QJsonDocument::Compact))
                              : u"{}"_s);
                changed = true;
            } else if (args.toString().trimmed().isEmpty()) {
                fn.insert(u"arguments"_s, u"{}"_s);
                changed = true;
            }
            c.insert(u"function"_s, fn);
            if (!c.contains(u"type"_s)) {
                c.insert(u"type"_s, u"function"_s);
                changed = true;
            }
            calls[j] = c;
        }
        msg.insert(u"tool_calls"_s, calls);
        ch.insert(u"message"_s, msg);
        const QString fr = ch.value(u"finish_reason"_s).toString();
        if (fr != u"tool_calls") {
            ch.insert(u"finish_reason"_s, u"tool_calls"_s);
            changed = true;
        }
        choices[i] = ch;
    }
    if (changed)
        o.insert(u"choices"_s, choices);
    const Usage usage = Usage::fromOpenAI(o.value(u"usage"_s).toObject());
    if (m_writer)
        m_writer->send(200, "application/json", changed ? compactJson(o) : body);
    complete(200, usage, nullptr);
}

} // namespace qp
