#pragma once
// One client request's upstream side when an account pool serves it: the attempts, not the
// dialect. It runs a ChatCall per attempt and sits between it and the relay (both are
// ChatSinks). Before anything reached the client, a failure is handled by its class: transient
// ones are retried on the same account with backoff (honouring Retry-After up to a limit), then
// the account is reported to the pool and another one is asked for; quota, auth, needs-login and
// parked answers rotate at once; client errors go to the relay as they are. Once the first byte
// has been relayed nothing rotates: the relay ends the stream in the client's dialect.

#include "pool/accountpool.h"
#include "upstream/chatcall.h"

#include <QPointer>
#include <functional>

namespace qp {

class HttpClient;
class TokenManager;

class PooledCall : public QObject, public ChatSink
{
    Q_OBJECT
public:
    // The upstream body for an account: the relay prepares it per upstream kind (Qwen-only
    // fields, model names), so a rotation to another kind of account sends what that one accepts.
    using BodyFor = std::function<QByteArray(const Upstream &, const QString &model)>;
    // When no account of the current target is left: the next target of the route (another
    // provider, its model and how to pick within it), or the error that names all tried.
    struct NextTarget {
        Lease lease;
        QString model;
        PickRequest request;
    };
    using Fallback = std::function<Result<NextTarget>(const Error &why, const PickRequest &tried)>;

    // `pool` may be null: then the first lease's upstream is used alone (a fixed route).
    // `firstBody` is the body for `first` and `model`; `bodyFor` (optional) prepares another one
    // when a rotation or fallback reaches an upstream of another kind or model.
    PooledCall(AccountPool *pool, HttpClient *client, TokenManager *tokens, ChatCallConfig config,
               PickRequest request, Lease first, QString model, QByteArray firstBody,
               BodyFor bodyFor, bool stream, ChatSink *sink, QObject *parent = nullptr);
    void setFallback(Fallback f) { m_fallback = std::move(f); }
    ~PooledCall() override; // releases the lease still held

    void start();
    void abort();
    void finish();
    // Backpressure from the client side (ChatCall::pause), kept across attempts.
    void pause();
    void resume();

    const Lease &lease() const { return m_lease; }
    const QString &model() const { return m_model; }
    int attempts() const { return m_attempts; }
    int upstreamStatus() const { return m_call ? m_call->status() : 0; }
    // Forwarded to Anthropic-compatible upstreams (ChatCall::setClientHeaders).
    void setClientHeaders(QList<QPair<QByteArray, QByteArray>> headers)
    {
        m_clientHeaders = std::move(headers);
    }

    void upstreamStarted() override;
    void upstreamEvent(const QByteArray &data) override;
    void upstreamBody(const QByteArray &body) override;
    void upstreamEnded() override;
    void upstreamFailed(const Error &error, bool midStream) override;
    void upstreamBatchBegin() override;
    void upstreamBatchEnd() override;
    void upstreamFrame(const SseFrame &frame) override;

private:
    void attempt();
    void rotate(const Error &error);
    void releaseLease();
    static QString bodyKey(const Upstream &u, const QString &model);

    QPointer<AccountPool> m_pool;
    HttpClient *m_client;
    TokenManager *m_tokens;
    ChatCallConfig m_config;
    PickRequest m_request;
    Lease m_lease;
    bool m_holdsLease = true;
    BodyFor m_bodyFor;
    bool m_stream;
    ChatSink *m_sink;
    ChatCall *m_call = nullptr;
    int m_attempts = 0;
    int m_retriesHere = 0; // transient retries on the current account
    bool m_started = false;
    bool m_done = false;
    bool m_paused = false;
    QString m_model;
    Fallback m_fallback;
    QByteArray m_body;
    QString m_bodyKey; // what m_body was prepared for: upstream kind and model (bodyKey())
    QList<QPair<QByteArray, QByteArray>> m_clientHeaders;
};

} // namespace qp
