#pragma once
// Anthropic Messages from client to an OpenAI-dialect upstream and back (qwen-protocol.md §D).
// The translation itself is pure (protocol/anthropic*); this class only moves bytes, keeps the
// stream alive with pings while the upstream is silent (long thinking), and ends it exactly once.
// When the lease's upstream speaks Anthropic Messages itself (decided per attempt: a rotation
// before the first byte may change it), the relay passes its answer through verbatim, reading
// only the stream's end, its usage and in-band errors (docs/anthropic-upstreams.md).

#include "common/lazytimer.h"
#include "protocol/anthropicstream.h"
#include "relay/relaybase.h"

namespace qp {

class AnthropicRelay : public RelayBase
{
    Q_OBJECT
public:
    AnthropicRelay(const RelayContext &ctx, http::ResponseWriter *writer,
                   const http::HttpRequest &req, RouteTarget target, bool stream,
                   bool thinkingEnabled, QObject *parent = nullptr);

    // The input-token count is computed off the event loop; message_start waits for it.
    void setInputTokens(int n);

    void upstreamStarted() override;
    void upstreamEvent(const QByteArray &data) override;
    void upstreamBody(const QByteArray &body) override;
    void upstreamEnded() override;
    void upstreamFailed(const Error &error, bool midStream) override;
    void upstreamFrame(const SseFrame &frame) override;

private:
    void write(const QByteArray &bytes);
    void flushPending();
    void endStream(const Error *error);
    bool passthrough() const
    {
        return m_call && m_call->lease().upstream.api == Upstream::Api::AnthropicMessages;
    }

    bool m_stream;
    bool m_thinking;
    anthropic::StreamTranslator m_translator;
    LazyTimer m_ping; // every anthropicPingMs of upstream silence
    int m_pingMs;
    int m_inputTokens = -1;
    bool m_headersSent = false;
    bool m_upstreamStarted = false;
    QList<QByteArray> m_pending; // upstream events that arrived before the token count
    bool m_pendingEnd = false;
    // The upstream failed mid-stream while the count was pending: reported after the events
    // before it, as the error event of a started stream (not as a 502 that loses them).
    std::optional<Error> m_pendingFailure;
    qint64 m_pendingBytes = 0;
    bool m_pausedForPending = false; // the upstream waits until the token count is in
    QJsonObject m_passUsage;         // passthrough: message_start's usage, updated by message_delta
};

} // namespace qp
