#pragma once
// One chat/completions request to an upstream, streaming or not: credentials (API key or a Qwen
// OAuth token with one forced refresh and retry on 401), the four timeouts, SSE splitting, and
// error classification. It knows nothing of the client's dialect: it reports to a ChatSink.
// An Anthropic-compatible upstream (Upstream::Api::AnthropicMessages) gets the same call at
// {base}/v1/messages; its stream is reported as whole frames with their raw bytes, for relays
// that pass it through verbatim (docs/anthropic-upstreams.md).

#include "common/error.h"
#include "common/lazytimer.h"
#include "upstream/ssesplitter.h"
#include "upstream/upstream.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace qp {

// A non-stream answer (or error body) is held whole, then translated into the client's dialect,
// which takes several times its size (a 60 MiB answer on the Anthropic route peaked at 390 MB).
// A real answer is far smaller: 64k output tokens are about 256 KiB of JSON.
constexpr qsizetype kMaxAnswerBytes = qsizetype(16) << 20;

class HttpClient;
class Settings;
class HttpClientRequest;
class TokenManager;

class ChatSink
{
public:
    virtual ~ChatSink() = default;
    virtual void upstreamStarted() = 0;                     // stream: 2xx headers arrived
    virtual void upstreamEvent(const QByteArray &data) = 0; // stream: one SSE data payload
    virtual void upstreamBody(const QByteArray &body) = 0;  // non-stream: the whole 2xx body
    virtual void upstreamEnded() = 0;                       // stream: upstream closed normally
    virtual void upstreamFailed(const Error &error, bool midStream) = 0;
    // Bracket the events of one upstream read, so a sink can send what they produce at once.
    virtual void upstreamBatchBegin() {}
    virtual void upstreamBatchEnd() {}
    // Stream from an Anthropic-compatible upstream: one whole event, raw bytes included, instead
    // of upstreamEvent(). The first one is reported after upstreamStarted(), and only when it is
    // not an `event: error` (that one fails the call before the stream starts, so the pool may
    // still rotate).
    virtual void upstreamFrame(const SseFrame &frame)
    {
        if (frame.hasData)
            upstreamEvent(frame.data);
    }
};

struct ChatCallConfig {
    int connectTimeoutMs = 10000;
    int firstByteTimeoutMs = 300000;
    int idleTimeoutMs = 240000;
    int totalTimeoutMs = 900000;
    QString qwenCodeVersion = QStringLiteral("0.14.3");
    QString qwenFallbackBaseUrl; // QWEN_BASE_URL when credentials carry no resource_url

    static ChatCallConfig fromSettings(const Settings &s);
};

class ChatCall : public QObject
{
    Q_OBJECT
public:
    ChatCall(HttpClient *client, TokenManager *tokens, ChatCallConfig config, Upstream upstream,
             QByteArray body, bool stream, ChatSink *sink, QObject *parent = nullptr);
    ~ChatCall() override;

    void start();
    // The client went away: abort the upstream request now; the sink hears nothing more.
    void abort();
    // The sink has what it needs (an SSE stream's [DONE]): emit nothing more, but let the HTTP
    // response end so its connection can be reused.
    void finish();
    // Backpressure: the client is behind, so stop reading the upstream until resume(). The
    // phase timer (idle between chunks) is off meanwhile: the silence is ours, not the
    // upstream's. The total timeout keeps running: it bounds the whole request.
    void pause();
    void resume();
    // Anthropic-compatible upstreams only: the client's headers to forward (anthropic-version,
    // anthropic-beta); anthropic-version defaults to 2023-06-01.
    void setClientHeaders(QList<QPair<QByteArray, QByteArray>> headers)
    {
        m_clientHeaders = std::move(headers);
    }

    const Upstream &upstream() const { return m_upstream; }
    QString upstreamHost() const { return m_url.host(); }
    int attempts() const { return m_attempts; }
    int status() const { return m_status; } // the last HTTP status the upstream answered

private:
    // Qwen OAuth: get a valid token (never `rejectedToken` again) and send with it.
    void acquireAndSend(const QString &rejectedToken);
    void sendWithToken(const QString &accessToken, const QString &resourceUrl);
    void send(const QUrl &base, const QByteArray &authorization);
    void onResponseStarted(int status, const QList<QPair<QByteArray, QByteArray>> &headers);
    void onBodyData(const QByteArray &bytes);
    void onFinished();
    void onFailed(int kind, const QString &message);
    void onTimeout(const char *which);
    int phaseTimeoutMs() const;
    void failOversizedEvent(); // an SSE line or event over kMaxSseEventBytes
    void fail(const Error &e);
    void deliverFrames(const QList<SseFrame> &frames);
    bool anthropic() const { return m_upstream.api == Upstream::Api::AnthropicMessages; }
    // Done: no timeouts, no more signals from the reply; the sink is told by the caller.
    void settle(bool letResponseEnd = false);
    void cleanupReply(bool letResponseEnd = false);
    bool isSuccess() const { return m_status >= 200 && m_status < 300; }

    HttpClient *m_client;
    TokenManager *m_tokens;
    ChatCallConfig m_config;
    Upstream m_upstream;
    QByteArray m_body;
    bool m_stream;
    ChatSink *m_sink;

    QUrl m_url;
    QPointer<HttpClientRequest> m_reply;
    QByteArray m_retryAfter;
    QString m_usedToken;
    int m_status = 0;
    int m_attempts = 0;
    bool m_retriedAuth = false;
    bool m_started = false; // upstreamStarted() was reported
    bool m_done = false;
    bool m_paused = false;
    bool m_jsonToStream = false;
    bool m_html = false;     // an HTML page where JSON/SSE was due: collected, then a block
    bool m_sniffing = false; // a stream without a known Content-Type: its first byte decides
    QByteArray m_contentType;
    QByteArray m_errorBody;
    SseSplitter m_sse;
    SseFrameSplitter m_frames; // Anthropic-compatible upstreams
    QList<QPair<QByteArray, QByteArray>> m_clientHeaders;
    LazyTimer m_phaseTimer; // connect, then first byte, then idle between chunks
    LazyTimer m_totalTimer;
    const char *m_phase = "connect";
};

} // namespace qp
