#include "relay/relaybase.h"

#include "common/afterpass.h"
#include "logging/logging.h"
#include "metrics/proxymetrics.h"
#include "upstream/errorclass.h"
#include "upstream/upstreamerror.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QThreadPool>

using namespace Qt::StringLiterals;

namespace qp {

RelayBase::RelayBase(const RelayContext &ctx, http::ResponseWriter *writer,
                     const http::HttpRequest &req, RouteTarget target, Dialect dialect,
                     QObject *parent)
    : QObject(parent), m_ctx(ctx), m_writer(writer), m_target(std::move(target)),
      m_dialect(dialect), m_method(req.method), m_path(req.path), m_clientKey(req.caller.keyId)
{
    // "claude-cli/2.1.197 (external, cli)" -> "claude-cli/2.1.197": the product, not the details.
    const QByteArray ua = req.header("user-agent");
    m_client = QString::fromLatin1(
        ua.left(ua.indexOf(' ') < 0 ? 80 : std::min<qsizetype>(80, ua.indexOf(' '))));
    m_clock.start();
    writer->setRequestLogged();
    connect(writer, &http::ResponseWriter::clientGone, this, &RelayBase::onClientGone);
    // The writer dies with its connection; a relay without a client has nothing left to do.
    connect(writer, &QObject::destroyed, this, &RelayBase::onClientGone);
}

RelayBase::~RelayBase() = default;

void RelayBase::start(QByteArray firstBody, PooledCall::BodyFor bodyFor, bool stream)
{
    m_stream = stream;
    m_call = new PooledCall(m_target.pooled ? m_ctx.pool : nullptr, m_ctx.client, m_ctx.tokens,
                            m_ctx.callConfig, m_target.pick, m_target.lease, m_target.model,
                            std::move(firstBody), std::move(bodyFor), stream, this, this);
    if (m_target.pooled && m_ctx.router && m_target.steps.size() > 1)
        m_call->setFallback(
            [this](const Error &why, const PickRequest &tried) -> Result<PooledCall::NextTarget> {
                m_target.pick.exclude = tried.exclude;
                if (auto e = m_ctx.router->fallback(m_target, why))
                    return *e;
                return PooledCall::NextTarget{m_target.lease, m_target.model, m_target.pick};
            });
    m_call->setClientHeaders(m_clientHeaders);
    if (stream && m_writer) {
        // A stream can be far larger than what a slow client takes: read the upstream only as
        // fast as the client reads us (docs/backpressure.md). A whole answer is bounded by the
        // upstream's size limit and written at once.
        connect(m_writer, &http::ResponseWriter::backlogHigh, this,
                &RelayBase::onClientBacklogHigh);
        connect(m_writer, &http::ResponseWriter::backlogDrained, this,
                &RelayBase::onClientBacklogDrained);
    }
    m_call->start();
}

void RelayBase::onClientBacklogHigh()
{
    if (m_completed || !m_call)
        return;
    m_call->pause();
    if (m_ctx.metrics)
        m_ctx.metrics->noteUpstreamPaused();
}

void RelayBase::onClientBacklogDrained()
{
    if (!m_completed && m_call)
        m_call->resume();
}

void RelayBase::onClientGone()
{
    if (m_completed)
        return;
    if (m_call)
        m_call->abort(); // stop paying for tokens nobody reads
    if (m_writer && m_writer->stalled() && m_ctx.metrics)
        m_ctx.metrics->noteClientStalled();
    if (m_writer && m_writer->stalled())
        qCWarning(lcRelay).noquote()
            << u"client took nothing for %1 ms with %2 KiB waiting; connection closed and "
               "upstream request aborted"_s.arg(m_writer->stallTimeoutMs())
                   .arg(m_writer->stalledBacklog() / 1024);
    else
        qCInfo(lcRelay) << "client closed the connection; upstream request aborted";
    complete(499, Usage(), nullptr);
}

std::optional<QJsonObject> RelayBase::upstreamAnswer(const QByteArray &body)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        failBeforeStream(
            Error::make(Error::Kind::UpstreamError, u"upstream answered with invalid JSON"_s));
        return std::nullopt;
    }
    QJsonObject o = doc.object();
    if (o.value(u"error"_s).isObject()) {
        const QJsonObject e = o.value(u"error"_s).toObject();
        failBeforeStream(classifyStreamError(e.value(u"message"_s).toString(),
                                             e.value(u"code"_s).toVariant().toString()));
        return std::nullopt;
    }
    return o;
}

void RelayBase::failBeforeStream(const Error &e)
{
    if (m_writer && !m_writer->started())
        sendError(m_writer, e, m_dialect);
    complete(httpStatusFor(e, m_dialect), Usage(), &e);
}

// Local wall-clock time for the request line without asking the C library for the time zone on
// every request (glibc stats /etc/localtime each time).
QString localClock()
{
    static const qint64 offset = QDateTime::currentDateTime().offsetFromUtc();
    return QDateTime::currentDateTimeUtc().addSecs(offset).toString(u"HH:mm:ss"_s);
}

void RelayBase::upstreamBatchBegin()
{
    if (m_writer)
        m_writer->cork();
}

void RelayBase::upstreamBatchEnd()
{
    if (m_writer)
        m_writer->uncork();
}

void RelayBase::complete(int status, const Usage &usage, const Error *error)
{
    if (m_completed)
        return;
    m_completed = true;
    const qint64 in = usage.known ? usage.promptTokens : std::max<qint64>(m_inputEstimate, 0);
    const Lease &lease = m_call ? m_call->lease() : m_target.lease;
    const QString account = lease.accountId;
    UsageRecord r;
    r.atMs = m_ctx.nowMs ? m_ctx.nowMs() : QDateTime::currentMSecsSinceEpoch();
    r.accountId = account;
    r.provider = lease.provider;
    r.dialect = m_dialect == Dialect::Anthropic ? u"anthropic"_s : u"openai"_s;
    r.client = m_client;
    r.clientKey = m_clientKey;
    r.clientModel = m_target.clientModel;
    r.model = m_call ? m_call->model() : m_target.model;
    r.status = status;
    r.errorClass = error ? errorClassName(errorClassOf(*error)) : QString();
    r.stream = m_stream;
    r.attempts = m_call ? std::max(1, m_call->attempts()) : 0;
    r.latencyMs = m_clock.elapsed();
    r.firstTokenMs = m_firstTokenMs;
    // Only what the upstream reported: the estimate is for the log line. Counted as usage it made
    // a refused Anthropic request (400, quota) look like spent input tokens, in the store and in
    // the pool's token windows, and by a varying amount (it is computed off the event loop).
    r.inputTokens = usage.known ? usage.promptTokens : 0;
    r.outputTokens = usage.completionTokens;
    r.cachedTokens = usage.cachedTokens;
    if (m_target.pooled && m_ctx.pool)
        m_ctx.pool->recordOutcome(r);
    if (m_ctx.recordUsage)
        m_ctx.recordUsage(r);
    // One console line per request (issue 2 §9); not even formatted when the level hides it.
    if (!lcRequest().isInfoEnabled()) {
        deleteAfterPass(this);
        return;
    }
    const QString errorText =
        error ? QString(u" error=\""_s + error->message.left(200) + u"\""_s) : QString();
    // Multi-argument arg(): one pass, so a %N in the path or a model name is left as it is.
    auto print = [head = u"%1 %2 %3 model=%4 account=%5 status=%6 %7ms"_s.arg(
                      localClock(), QString::fromLatin1(m_method), QString::fromLatin1(m_path),
                      r.model.isEmpty() ? u"-"_s : r.model, account, QString::number(status),
                      QString::number(m_clock.elapsed())),
                  out = usage.completionTokens, errorText](qint64 in) {
        qCInfo(lcRequest).noquote() << u"%1 in=%2 out=%3%4"_s.arg(head, QString::number(in),
                                                                  QString::number(out), errorText);
    };
    if (!usage.known && m_inputEstimate < 0 && m_estimateInput) {
        // The line waits for the count; the relay does not (it is done and goes now).
        QThreadPool::globalInstance()->start([estimate = std::move(m_estimateInput), print] {
            const int n = estimate();
            QMetaObject::invokeMethod(QCoreApplication::instance(), [print, n] { print(n); });
        });
    } else {
        print(in);
    }
    deleteAfterPass(this);
}

} // namespace qp
