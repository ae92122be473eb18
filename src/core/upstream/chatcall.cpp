#include "upstream/chatcall.h"

#include "auth/tokenmanager.h"
#include "common/afterpass.h"
#include "logging/logging.h"
#include "settings/settings.h"
#include "upstream/httpclient.h"
#include "upstream/httpclientrequest.h"
#include "upstream/quirks.h"
#include "upstream/upstreamerror.h"

#include <QSysInfo>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
QByteArray qwenUserAgent(const QString &version)
{
    // qwen-code: "QwenCode/<v> (<platform>; <arch>)" with Node's names for them.
    QString os = QSysInfo::kernelType(); // linux, darwin, winnt
    if (os == u"winnt")
        os = u"win32"_s;
    QString arch = QSysInfo::currentCpuArchitecture();
    if (arch == u"x86_64")
        arch = u"x64"_s;
    else if (arch == u"i386")
        arch = u"ia32"_s;
    return u"QwenCode/%1 (%2; %3)"_s.arg(version, os, arch).toUtf8();
}
} // namespace

ChatCall::ChatCall(HttpClient *client, TokenManager *tokens, ChatCallConfig config,
                   Upstream upstream, QByteArray body, bool stream, ChatSink *sink, QObject *parent)
    : QObject(parent), m_client(client), m_tokens(tokens), m_config(std::move(config)),
      m_upstream(std::move(upstream)), m_body(std::move(body)), m_stream(stream), m_sink(sink)
{
    connect(&m_phaseTimer, &LazyTimer::timeout, this, [this] { onTimeout(m_phase); });
    connect(&m_totalTimer, &LazyTimer::timeout, this, [this] { onTimeout("total"); });
}

ChatCallConfig ChatCallConfig::fromSettings(const Settings &s)
{
    ChatCallConfig c;
    c.connectTimeoutMs = int(s.integer(u"upstream_connect_timeout_ms"));
    c.firstByteTimeoutMs = int(s.integer(u"upstream_first_byte_timeout_ms"));
    c.idleTimeoutMs = int(s.integer(u"upstream_idle_timeout_ms"));
    c.totalTimeoutMs = int(s.integer(u"upstream_total_timeout_ms"));
    c.qwenCodeVersion = s.string(u"qwen_code_version");
    c.qwenFallbackBaseUrl = s.string(u"qwen_base_url");
    return c;
}

ChatCall::~ChatCall()
{
    m_done = true;
    cleanupReply();
}

void ChatCall::start()
{
    m_totalTimer.start(m_config.totalTimeoutMs);
    if (m_upstream.auth != Upstream::Auth::QwenOAuth) {
        const QByteArray auth = m_upstream.auth == Upstream::Auth::ApiKey
                                    ? "Bearer " + m_upstream.apiKey.toUtf8()
                                    : QByteArray();
        send(m_upstream.baseUrl, auth);
        return;
    }
    if (!m_tokens) {
        fail(Error::make(Error::Kind::NoUpstream, u"no Qwen account is configured"_s));
        return;
    }
    acquireAndSend(QString());
}

void ChatCall::acquireAndSend(const QString &rejectedToken)
{
    m_tokens->acquire(m_upstream.accountId, rejectedToken, this,
                      [this](const Result<QwenCredentials> &creds) {
                          if (m_done)
                              return;
                          if (!creds) {
                              fail(creds.error());
                              return;
                          }
                          sendWithToken(creds->accessToken, creds->resourceUrl);
                      });
}

void ChatCall::sendWithToken(const QString &accessToken, const QString &resourceUrl)
{
    m_usedToken = accessToken;
    send(qwenApiBaseUrl(resourceUrl, m_config.qwenFallbackBaseUrl),
         "Bearer " + accessToken.toUtf8());
}

void ChatCall::send(const QUrl &base, const QByteArray &authorization)
{
    ++m_attempts;
    m_status = 0;
    m_html = false;
    m_sniffing = false;
    m_contentType.clear();
    m_errorBody.clear();
    m_retryAfter.clear();
    m_frames = {};
    m_url = anthropic() ? m_upstream.messagesUrl(base) : m_upstream.chatCompletionsUrl(base);
    QList<QPair<QByteArray, QByteArray>> headers;
    headers.reserve(10 + m_upstream.extraHeaders.size() + m_clientHeaders.size());
    headers.append({QByteArray("Content-Type"), QByteArray("application/json")});
    headers.append(
        {QByteArray("Accept"), QByteArray(m_stream ? "text/event-stream" : "application/json")});
    // Compressed bodies could not be relayed chunk by chunk.
    headers.append({QByteArray("Accept-Encoding"), QByteArray("identity")});
    if (!authorization.isEmpty())
        headers.append({QByteArray("Authorization"), QByteArray(authorization)});
    const QuirkSet quirks = quirksFor(m_upstream, QString());
    if (anthropic()) {
        // Claude Code sends the key as x-api-key (ANTHROPIC_API_KEY) or as a bearer token
        // (ANTHROPIC_AUTH_TOKEN); Anthropic-compatible endpoints accept one or the other: send
        // both. Never the DashScope/QwenCode headers, whatever the provider's quirks.
        if (m_upstream.auth == Upstream::Auth::ApiKey)
            headers.append({QByteArray("x-api-key"), m_upstream.apiKey.toUtf8()});
        bool version = false;
        for (const auto &h : std::as_const(m_clientHeaders)) {
            version = version || h.first.compare("anthropic-version", Qt::CaseInsensitive) == 0;
            headers.append(h);
        }
        if (!version)
            headers.append({QByteArray("anthropic-version"), QByteArray("2023-06-01")});
        headers.append({QByteArray("User-Agent"), QByteArray("qwen-proxy/" QP_VERSION)});
    } else if (quirks.has(Quirk::DashScopeHeaders)) {
        const QByteArray ua = qwenUserAgent(m_config.qwenCodeVersion);
        headers.append({QByteArray("User-Agent"), QByteArray(ua)});
        headers.append({QByteArray("X-DashScope-UserAgent"), QByteArray(ua)});
        headers.append({QByteArray("X-DashScope-CacheControl"), QByteArray("enable")});
        if (quirks.has(Quirk::OAuthAuthTypeHeader))
            headers.append({QByteArray("X-DashScope-AuthType"), QByteArray("qwen-oauth")});
    } else {
        headers.append({QByteArray("User-Agent"), QByteArray("qwen-proxy/" QP_VERSION)});
    }
    headers += m_upstream.extraHeaders;

    cleanupReply();
    m_reply = m_client->post(m_url, headers, m_body, m_upstream.proxy);
    m_phase = "connect";
    m_phaseTimer.start(m_config.connectTimeoutMs);
    if (m_paused)
        m_reply->pause();
    connect(m_reply, &HttpClientRequest::requestSent, this, [this] {
        m_phase = "first byte";
        if (!m_paused)
            m_phaseTimer.start(m_config.firstByteTimeoutMs);
    });
    connect(m_reply, &HttpClientRequest::responseStarted, this, &ChatCall::onResponseStarted);
    connect(m_reply, &HttpClientRequest::bodyData, this, &ChatCall::onBodyData);
    connect(m_reply, &HttpClientRequest::finished, this, &ChatCall::onFinished);
    connect(m_reply, &HttpClientRequest::failed, this,
            [this](HttpClientRequest::Failure kind, const QString &message) {
                onFailed(int(kind), message);
            });
}

void ChatCall::settle(bool letResponseEnd)
{
    m_done = true;
    m_phaseTimer.stop();
    m_totalTimer.stop();
    cleanupReply(letResponseEnd);
}

void ChatCall::cleanupReply(bool letResponseEnd)
{
    if (m_reply) {
        HttpClientRequest *r = m_reply;
        m_reply = nullptr;
        r->disconnect(this);
        if (letResponseEnd)
            r->release();
        else
            r->abort();
        deleteAfterPass(r); // we may be inside one of its signals
    }
}

void ChatCall::abort()
{
    if (m_done)
        return;
    settle();
}

void ChatCall::finish()
{
    if (m_done)
        return;
    settle(true);
}

void ChatCall::pause()
{
    if (m_done || m_paused)
        return;
    m_paused = true;
    m_phaseTimer.stop();
    if (m_reply)
        m_reply->pause();
}

void ChatCall::resume()
{
    if (!m_paused)
        return;
    m_paused = false;
    if (m_done)
        return;
    m_phaseTimer.start(phaseTimeoutMs()); // the upstream's silence is counted from now
    if (m_reply)
        m_reply->resume();
}

int ChatCall::phaseTimeoutMs() const
{
    if (qstrcmp(m_phase, "connect") == 0)
        return m_config.connectTimeoutMs;
    if (qstrcmp(m_phase, "first byte") == 0 || !m_stream)
        return m_config.firstByteTimeoutMs;
    return m_config.idleTimeoutMs;
}

void ChatCall::onResponseStarted(int status, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    if (m_done)
        return;
    m_status = status;
    QByteArray contentType;
    for (const auto &h : headers) {
        if (h.first == "content-type")
            contentType = h.second.toLower();
        else if (h.first == "retry-after")
            m_retryAfter = h.second;
    }
    m_contentType = contentType;
    m_phase = "idle";
    m_phaseTimer.start(m_stream ? m_config.idleTimeoutMs : m_config.firstByteTimeoutMs);
    if (!isSuccess())
        return;
    // Quirk html-is-block: a WAF or captcha page arrives with 200 and text/html.
    m_html = looksLikeHtml(contentType, {});
    if (m_stream && !m_html) {
        m_jsonToStream = contentType.contains("application/json");
        if (m_jsonToStream)
            return;
        if (!contentType.contains("text/event-stream")) {
            m_sniffing = true; // no type, or an odd one: let the first byte say what it is
            return;
        }
        // Anthropic streams start with their first frame: an in-band error there can still
        // rotate (deliverFrames).
        if (anthropic())
            return;
        m_started = true;
        m_sink->upstreamStarted();
    }
}

void ChatCall::onBodyData(const QByteArray &bytes)
{
    if (m_done)
        return;
    if (m_sniffing) {
        QByteArrayView head(bytes);
        while (!head.isEmpty() && QChar::isSpace(uchar(head.front())))
            head = head.sliced(1);
        if (head.isEmpty())
            return; // blank keep-alive bytes decide nothing (SSE ignores them as well)
        m_sniffing = false;
        if (looksLikeHtml({}, head)) {
            m_html = true;
        } else if (!anthropic()) {
            m_started = true;
            m_sink->upstreamStarted();
            if (m_done)
                return;
        }
    }
    if (m_stream && isSuccess() && !m_jsonToStream && !m_html) {
        if (!m_paused)
            m_phaseTimer.start(m_config.idleTimeoutMs);
        if (anthropic()) {
            deliverFrames(m_frames.feed(bytes));
            if (m_frames.overflowed() && !m_done)
                failOversizedEvent();
            return;
        }
        const auto events = m_sse.feed(bytes);
        if (events.isEmpty()) {
            if (m_sse.overflowed())
                failOversizedEvent();
            return;
        }
        // The sink outlives this call's frame even when it ends us: relays delete themselves
        // only after the loop pass (deleteAfterPass).
        m_sink->upstreamBatchBegin();
        for (const QByteArray &e : events) {
            if (m_done)
                break; // the sink may end us from inside upstreamEvent()
            m_sink->upstreamEvent(e);
        }
        m_sink->upstreamBatchEnd();
        // The events before an oversized one are delivered; then the stream ends.
        if (m_sse.overflowed() && !m_done)
            failOversizedEvent();
        return;
    }
    // Non-stream answers and error bodies are small: collect them whole (bounded).
    m_errorBody += bytes;
    if (m_errorBody.size() > kMaxAnswerBytes)
        fail(
            Error::make(Error::Kind::UpstreamError,
                        u"the upstream answer is larger than %1 MiB"_s.arg(kMaxAnswerBytes >> 20)));
}

void ChatCall::failOversizedEvent()
{
    fail(Error::make(
        Error::Kind::UpstreamError,
        u"the upstream sent a stream event larger than %1 MiB; the stream was ended"_s.arg(
            kMaxSseEventBytes >> 20)));
}

void ChatCall::onFailed(int kind, const QString &message)
{
    if (m_done)
        return;
    using F = HttpClientRequest::Failure;
    const F f = F(kind);
    if (f == F::Aborted)
        return;
    if (m_started) {
        fail(Error::make(Error::Kind::UpstreamUnavailable,
                         u"upstream %1 closed the stream: %2"_s.arg(m_url.host(), message)));
        return;
    }
    if (f == F::Protocol) {
        fail(Error::make(Error::Kind::UpstreamError,
                         u"upstream %1 sent a malformed answer: %2"_s.arg(m_url.host(), message)));
        return;
    }
    fail(Error::make(Error::Kind::UpstreamUnavailable,
                     u"cannot reach upstream %1: %2"_s.arg(m_url.host(), message)));
}

void ChatCall::onTimeout(const char *which)
{
    if (m_done)
        return;
    qCWarning(lcUpstream) << "upstream" << m_url.host() << which << "timeout";
    Error e =
        Error::make(Error::Kind::UpstreamTimeout,
                    u"upstream %1: %2 timeout"_s.arg(m_url.host(), QString::fromLatin1(which)));
    fail(e);
}

void ChatCall::fail(const Error &e)
{
    if (m_done)
        return;
    settle();
    m_sink->upstreamFailed(e, m_started);
}

void ChatCall::deliverFrames(const QList<SseFrame> &frames)
{
    if (frames.isEmpty() || m_done)
        return;
    if (!m_started) {
        // An error before anything else is as good as an HTTP error: nothing reached the client,
        // so the pool may still retry or rotate.
        if (frames.first().event == "error") {
            fail(classifyAnthropicStreamError(frames.first().data, m_upstream.name));
            return;
        }
        m_started = true;
        m_sink->upstreamStarted();
    }
    m_sink->upstreamBatchBegin();
    for (const SseFrame &f : frames) {
        if (m_done)
            break; // the sink may end us from inside upstreamFrame()
        m_sink->upstreamFrame(f);
    }
    m_sink->upstreamBatchEnd();
}

void ChatCall::onFinished()
{
    if (m_done)
        return;
    if (anthropic() && m_stream && isSuccess() && !m_jsonToStream) {
        deliverFrames(m_frames.flush());
        if (m_done)
            return;
        if (!m_started) {
            fail(Error::make(Error::Kind::UpstreamError,
                             u"upstream %1 ended the stream without an event"_s.arg(m_url.host())));
            return;
        }
        settle();
        m_sink->upstreamEnded();
        return;
    }
    if (m_started) {
        const auto tail = m_sse.flush();
        for (const QByteArray &e : tail) {
            if (m_done)
                return;
            m_sink->upstreamEvent(e);
        }
        if (m_done)
            return;
        settle();
        m_sink->upstreamEnded();
        return;
    }
    if (isSuccess() && (m_html || (!m_stream && looksLikeHtml(m_contentType, m_errorBody)))) {
        const Error e = upstreamBlockedError(m_status, m_errorBody, m_upstream.name);
        qCWarning(lcUpstream).noquote() << e.message;
        fail(e);
        return;
    }
    if (isSuccess() && m_sniffing) {
        // A 2xx stream that ended without a byte: as if it closed before the answer finished.
        m_sniffing = false;
        m_started = true;
        m_sink->upstreamStarted();
        if (m_done)
            return;
        settle();
        m_sink->upstreamEnded();
        return;
    }
    if (isSuccess() && !m_jsonToStream) {
        const QByteArray body = std::exchange(m_errorBody, {});
        settle();
        m_sink->upstreamBody(body);
        return;
    }

    const QByteArray retryAfter = m_retryAfter;
    Error e = m_jsonToStream ? classifyHttpError(502, m_errorBody, retryAfter, m_upstream.name)
                             : classifyHttpError(m_status, m_errorBody, m_contentType, retryAfter,
                                                 m_upstream.name);
    if (m_jsonToStream && e.message.isEmpty())
        e.message = u"upstream answered JSON to a streaming request"_s;

    // Qwen OAuth: a 401 forces one refresh and one retry (qwen-protocol.md §A.6). A static API key
    // is never "refreshed" (issue 9 §3).
    if (m_status == 401 && m_upstream.auth == Upstream::Auth::QwenOAuth && m_tokens) {
        if (!m_retriedAuth) {
            m_retriedAuth = true;
            cleanupReply();
            qCInfo(lcUpstream) << "upstream refused the token of account" << m_upstream.accountId
                               << "- refreshing once";
            acquireAndSend(m_usedToken);
            return;
        }
        // Refused again right after a successful refresh: since 2026-04-15 this is how the
        // discontinued free tier answers. Say so plainly.
        Error d = Error::make(Error::Kind::Discontinued, discontinuedMessage());
        d.upstreamStatus = 401;
        fail(d);
        return;
    }
    fail(e);
}

} // namespace qp
