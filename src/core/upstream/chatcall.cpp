#include "upstream/chatcall.h"

#include "auth/tokenmanager.h"
#include "logging/logging.h"
#include "upstream/nampool.h"
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

ChatCall::ChatCall(NamPool *pool, TokenManager *tokens, ChatCallConfig config, Upstream upstream,
                   QByteArray body, bool stream, ChatSink *sink, QObject *parent)
    : QObject(parent), m_pool(pool), m_tokens(tokens), m_config(std::move(config)),
      m_upstream(std::move(upstream)), m_body(std::move(body)), m_stream(stream), m_sink(sink)
{
    m_phaseTimer.setSingleShot(true);
    m_totalTimer.setSingleShot(true);
    connect(&m_phaseTimer, &QTimer::timeout, this, [this] { onTimeout(m_phase); });
    connect(&m_totalTimer, &QTimer::timeout, this, [this] { onTimeout("total"); });
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
    m_tokens->acquire(m_upstream.accountId, QString(), this,
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
    send(qwenApiBaseUrl(resourceUrl, m_config.qwenFallbackBaseUrl), "Bearer " + accessToken.toUtf8());
}

void ChatCall::send(const QUrl &base, const QByteArray &authorization)
{
    ++m_attempts;
    m_status = 0;
    m_errorBody.clear();
    m_url = m_upstream.chatCompletionsUrl(base);
    QNetworkRequest req(m_url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setRawHeader("Accept", m_stream ? "text/event-stream" : "application/json");
    // Compressed bodies would be buffered by QNAM until it can inflate them: no streaming.
    req.setRawHeader("Accept-Encoding", "identity");
    if (!authorization.isEmpty())
        req.setRawHeader("Authorization", authorization);
    if (m_upstream.qwenQuirks) {
        const QByteArray ua = qwenUserAgent(m_config.qwenCodeVersion);
        req.setRawHeader("User-Agent", ua);
        req.setRawHeader("X-DashScope-UserAgent", ua);
        req.setRawHeader("X-DashScope-CacheControl", "enable");
        req.setRawHeader("X-DashScope-AuthType", "qwen-oauth");
    } else {
        req.setRawHeader("User-Agent", "qwen-proxy/" QP_VERSION);
    }
    for (const auto &h : m_upstream.extraHeaders)
        req.setRawHeader(h.first, h.second);
    req.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);

    cleanupReply();
    m_nam = m_pool->acquire(m_url);
    m_reply = m_nam->post(req, m_body);
    m_phase = "connect";
    m_phaseTimer.start(m_config.connectTimeoutMs);
    connect(m_reply, &QNetworkReply::requestSent, this, [this] {
        m_phase = "first byte";
        m_phaseTimer.start(m_config.firstByteTimeoutMs);
    });
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &ChatCall::onMetaData);
    connect(m_reply, &QNetworkReply::readyRead, this, &ChatCall::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &ChatCall::onFinished);
}

void ChatCall::cleanupReply()
{
    if (m_reply) {
        QNetworkReply *r = m_reply;
        m_reply = nullptr;
        r->disconnect(this);
        if (r->isRunning())
            r->abort();
        r->deleteLater();
    }
    if (m_nam) {
        m_pool->release(m_nam, m_url);
        m_nam = nullptr;
    }
}

void ChatCall::abort()
{
    if (m_done)
        return;
    m_done = true;
    m_phaseTimer.stop();
    m_totalTimer.stop();
    cleanupReply();
}

void ChatCall::onMetaData()
{
    if (!m_reply || m_status != 0)
        return;
    m_status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_status == 0)
        return;
    m_phase = "idle";
    m_phaseTimer.start(m_stream ? m_config.idleTimeoutMs : m_config.firstByteTimeoutMs);
    if (isSuccess() && m_stream) {
        const QByteArray ct = m_reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        m_jsonToStream = ct.contains("application/json");
        if (!m_jsonToStream) {
            m_started = true;
            m_sink->upstreamStarted();
        }
    }
}

void ChatCall::onReadyRead()
{
    if (!m_reply || m_done)
        return;
    if (m_status == 0)
        onMetaData();
    if (m_stream && isSuccess() && !m_jsonToStream) {
        m_phaseTimer.start(m_config.idleTimeoutMs);
        const QByteArray bytes = m_reply->readAll();
        const auto events = m_sse.feed(bytes);
        for (const QByteArray &e : events) {
            if (m_done)
                return; // the sink may end us from inside upstreamEvent()
            m_sink->upstreamEvent(e);
        }
        return;
    }
    // Non-stream answers and error bodies are small: collect them whole.
    m_errorBody += m_reply->readAll();
    if (m_errorBody.size() > 64 * 1024 * 1024) {
        fail(Error::make(Error::Kind::UpstreamError, u"upstream answer larger than 64 MiB"_s));
    }
}

void ChatCall::onTimeout(const char *which)
{
    if (m_done)
        return;
    qCWarning(lcUpstream) << "upstream" << m_url.host() << which << "timeout";
    Error e = Error::make(Error::Kind::UpstreamTimeout,
                          u"upstream %1: %2 timeout"_s.arg(m_url.host(), QString::fromLatin1(which)));
    fail(e);
}

void ChatCall::fail(const Error &e)
{
    if (m_done)
        return;
    m_done = true;
    m_phaseTimer.stop();
    m_totalTimer.stop();
    cleanupReply();
    m_sink->upstreamFailed(e, m_started);
}

void ChatCall::onFinished()
{
    if (!m_reply || m_done)
        return;
    if (m_status == 0)
        m_status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const auto netError = m_reply->error();
    if (m_status == 0) {
        fail(classifyNetworkError(netError, m_reply->errorString(), m_url.host()));
        return;
    }
    if (!isSuccess() || m_jsonToStream || !m_stream)
        m_errorBody += m_reply->readAll();

    if (m_started) {
        // A stream that ended: cleanly, or cut by the network (RemoteHostClosed and friends).
        const auto tail = m_sse.flush();
        for (const QByteArray &e : tail) {
            if (m_done)
                return;
            m_sink->upstreamEvent(e);
        }
        if (m_done)
            return;
        if (netError != QNetworkReply::NoError) {
            fail(Error::make(Error::Kind::UpstreamUnavailable,
                             u"upstream %1 closed the stream: %2"_s.arg(m_url.host(),
                                                                        m_reply->errorString())));
            return;
        }
        m_done = true;
        m_phaseTimer.stop();
        m_totalTimer.stop();
        cleanupReply();
        m_sink->upstreamEnded();
        return;
    }

    if (isSuccess() && !m_jsonToStream) {
        if (netError != QNetworkReply::NoError) {
            fail(classifyNetworkError(netError, m_reply->errorString(), m_url.host()));
            return;
        }
        const QByteArray body = std::exchange(m_errorBody, {});
        m_done = true;
        m_phaseTimer.stop();
        m_totalTimer.stop();
        cleanupReply();
        m_sink->upstreamBody(body);
        return;
    }

    const QByteArray retryAfter = m_reply->rawHeader("Retry-After");
    Error e = m_jsonToStream
                  ? classifyHttpError(502, m_errorBody, retryAfter, m_upstream.name)
                  : classifyHttpError(m_status, m_errorBody, retryAfter, m_upstream.name);
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
            m_tokens->acquire(m_upstream.accountId, m_usedToken, this,
                              [this](const Result<QwenCredentials> &creds) {
                                  if (m_done)
                                      return;
                                  if (!creds) {
                                      fail(creds.error());
                                      return;
                                  }
                                  sendWithToken(creds->accessToken, creds->resourceUrl);
                              });
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
