#include "pool/pooledcall.h"

#include "common/afterpass.h"
#include "logging/logging.h"
#include "upstream/quirks.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace qp {

PooledCall::PooledCall(AccountPool *pool, HttpClient *client, TokenManager *tokens,
                       ChatCallConfig config, PickRequest request, Lease first, QString model,
                       QByteArray firstBody, BodyFor bodyFor, bool stream, ChatSink *sink,
                       QObject *parent)
    : QObject(parent), m_pool(pool), m_client(client), m_tokens(tokens),
      m_config(std::move(config)), m_request(std::move(request)), m_lease(std::move(first)),
      m_bodyFor(std::move(bodyFor)), m_stream(stream), m_sink(sink), m_model(std::move(model)),
      m_body(std::move(firstBody)), m_bodyKey(bodyKey(m_lease.upstream, m_model))
{}

QString PooledCall::bodyKey(const Upstream &u, const QString &model)
{
    // The body depends only on the kind of upstream and the model.
    return QString::number(int(u.api)) + QString::number(int(profileOf(u))) + model;
}

PooledCall::~PooledCall()
{
    m_done = true;
    releaseLease();
}

void PooledCall::releaseLease()
{
    if (m_holdsLease && m_pool)
        m_pool->release(m_lease.accountId);
    m_holdsLease = false;
}

void PooledCall::start()
{
    attempt();
}

void PooledCall::attempt()
{
    if (m_done)
        return;
    ++m_attempts;
    // Prepare the body again only for an upstream of another kind or another model.
    const QString key = bodyKey(m_lease.upstream, m_model);
    if (key != m_bodyKey && m_bodyFor) {
        m_body = m_bodyFor(m_lease.upstream, m_model);
        m_bodyKey = key;
    }
    if (m_call)
        deleteAfterPass(m_call); // settled already; we may be inside its signal
    m_call =
        new ChatCall(m_client, m_tokens, m_config, m_lease.upstream, m_body, m_stream, this, this);
    m_call->setClientHeaders(m_clientHeaders);
    m_call->start();
    if (m_paused && m_call)
        m_call->pause();
}

void PooledCall::pause()
{
    m_paused = true;
    if (m_call)
        m_call->pause();
}

void PooledCall::resume()
{
    m_paused = false;
    if (m_call)
        m_call->resume();
}

void PooledCall::abort()
{
    m_done = true;
    if (m_call)
        m_call->abort();
}

void PooledCall::finish()
{
    m_done = true;
    if (m_call)
        m_call->finish();
}

void PooledCall::upstreamStarted()
{
    m_started = true;
    m_sink->upstreamStarted();
}

void PooledCall::upstreamEvent(const QByteArray &data)
{
    m_sink->upstreamEvent(data);
}

void PooledCall::upstreamFrame(const SseFrame &frame)
{
    m_sink->upstreamFrame(frame);
}

void PooledCall::upstreamBody(const QByteArray &body)
{
    m_sink->upstreamBody(body);
}

void PooledCall::upstreamEnded()
{
    m_sink->upstreamEnded();
}

void PooledCall::upstreamBatchBegin()
{
    m_sink->upstreamBatchBegin();
}

void PooledCall::upstreamBatchEnd()
{
    m_sink->upstreamBatchEnd();
}

void PooledCall::upstreamFailed(const Error &error, bool midStream)
{
    if (m_done)
        return;
    const ErrorClass cls = errorClassOf(error);
    if (midStream || m_started || !m_pool || !isRotatable(cls)) {
        m_sink->upstreamFailed(error, midStream);
        return;
    }
    if (cls == ErrorClass::Transient && m_retriesHere < m_pool->config().maxRetries) {
        const qint64 wait = error.retryAfterSeconds
                                ? qint64(*error.retryAfterSeconds) * 1000
                                : qint64(m_pool->config().retryBackoffMs) << m_retriesHere;
        if (wait <= m_pool->config().maxRetryWaitMs) {
            ++m_retriesHere;
            qCInfo(lcPool).noquote()
                << u"retrying account %1 in %2 ms (%3)"_s.arg(m_lease.accountId)
                       .arg(wait)
                       .arg(error.message.left(160));
            QTimer::singleShot(int(wait), this, &PooledCall::attempt);
            return;
        }
    }
    rotate(error);
}

void PooledCall::rotate(const Error &error)
{
    m_pool->reportFailure(m_lease.accountId, error);
    releaseLease();
    m_request.exclude.insert(m_lease.accountId);
    auto next = m_pool->pick(m_request);
    if (!next && m_fallback) {
        // No account of this provider left: the route's next target.
        auto target = m_fallback(error, m_request);
        if (!target) {
            m_done = true;
            m_sink->upstreamFailed(target.error(), false);
            return;
        }
        qCInfo(lcPool).noquote() << u"falling back from %1 to provider %2 (%3: %4)"_s.arg(
            m_lease.accountId, target->lease.provider, errorClassName(errorClassOf(error)),
            error.message.left(160));
        m_lease = std::move(target->lease);
        m_model = std::move(target->model);
        m_request = std::move(target->request);
        m_holdsLease = true;
        m_retriesHere = 0;
        attempt();
        return;
    }
    if (!next) {
        // No account left for this request. The client gets the last upstream answer (its status
        // and Retry-After say most about what just happened), and, when other accounts exist,
        // why none of them could take over.
        Error last = error;
        if (m_pool->accountIds().size() > 1) {
            last.message += u" — "_s + next.error().message;
            if (!last.retryAfterSeconds)
                last.retryAfterSeconds = next.error().retryAfterSeconds;
        }
        m_done = true;
        m_sink->upstreamFailed(last, false);
        return;
    }
    qCInfo(lcPool).noquote() << u"rotating from account %1 to %2 (%3: %4)"_s.arg(
        m_lease.accountId, next->accountId, errorClassName(errorClassOf(error)),
        error.message.left(160));
    m_lease = std::move(next.value());
    m_holdsLease = true;
    m_retriesHere = 0;
    attempt();
}

} // namespace qp
