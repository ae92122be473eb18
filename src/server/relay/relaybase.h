#pragma once
// Shared life cycle of one proxied request: owns the upstream side (a PooledCall: attempts,
// retries and rotations between accounts), watches the client's socket (client gone -> upstream
// aborted at once), fills the one usage record and hands it to the pool and the usage store,
// writes the request log line, and deletes itself exactly once when both sides are done.

#include "apierror.h"
#include "http/httprequest.h"
#include "http/responsewriter.h"
#include "pool/pooledcall.h"
#include "protocol/usage.h"
#include "relay/relaycontext.h"
#include "routing/upstreamrouter.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <functional>
#include <optional>

namespace qp {

// HH:mm:ss in local time, cheap enough for one call per request.
QString localClock();

class RelayBase : public QObject, public ChatSink
{
    Q_OBJECT
public:
    RelayBase(const RelayContext &ctx, http::ResponseWriter *writer, const http::HttpRequest &req,
              RouteTarget target, Dialect dialect, QObject *parent);
    ~RelayBase() override;

    // firstBody goes to the first account; bodyFor prepares the body for an upstream of another
    // kind after a rotation.
    void start(QByteArray firstBody, PooledCall::BodyFor bodyFor, bool stream);

    void upstreamBatchBegin() override;
    void upstreamBatchEnd() override;

    // How to estimate the input tokens for the log line, run only if that line is printed and
    // the upstream reported no usage (it then waits for the count, made off the event loop). For
    // whole Anthropic answers, where the estimate feeds nothing else: counting a 2 KB prompt
    // cost as much CPU as all the rest of the request (tests/bench, callgrind).
    void setInputEstimator(std::function<int()> estimate) { m_estimateInput = std::move(estimate); }

protected:
    // Ends the relay: logs, reports, schedules deletion. Idempotent.
    void complete(int status, const Usage &usage, const Error *error);
    bool clientOpen() const { return m_writer && m_writer->isOpen(); }
    void failBeforeStream(const Error &e);
    // A whole (non-stream) upstream answer as a JSON object; invalid JSON or an in-body error
    // fails the relay (in the client's dialect) and gives nothing.
    std::optional<QJsonObject> upstreamAnswer(const QByteArray &body);

    RelayContext m_ctx;
    QPointer<http::ResponseWriter> m_writer;
    RouteTarget m_target;
    Dialect m_dialect;
    PooledCall *m_call = nullptr;
    QElapsedTimer m_clock;
    QByteArray m_method;
    QByteArray m_path;
    bool m_completed = false;
    qint64 m_inputEstimate = -1;          // used in the log line when the upstream sent no usage
    std::function<int()> m_estimateInput; // makes m_inputEstimate when the log line needs it
    QString m_client;                     // the client's product from its User-Agent
    QString m_clientKey;                  // the client key's id; empty for a trusted local caller
    bool m_stream = false;
    qint64 m_firstTokenMs = -1;
    // Sent on to Anthropic-compatible upstreams (the Anthropic relay fills it).
    QList<QPair<QByteArray, QByteArray>> m_clientHeaders;

    // Relays call this when the first content reaches the client (time to first token).
    void noteFirstToken()
    {
        if (m_firstTokenMs < 0)
            m_firstTokenMs = m_clock.elapsed();
    }

private:
    void onClientGone();
    // Backpressure: the client's backlog passed the bound / drained (ResponseWriter).
    void onClientBacklogHigh();
    void onClientBacklogDrained();
};

} // namespace qp
