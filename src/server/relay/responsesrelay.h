#pragma once
// OpenAI Responses from client to an OpenAI-chat upstream and back (docs/responses-api.md). The
// upstream's chunks pass the normaliser (protocol/openaistream.h), then the pure encoder
// (protocol/responsesstream.h); this class only moves bytes and ends the stream exactly once,
// after the upstream's [DONE] so the trailing usage counts.

#include "protocol/openaistream.h"
#include "protocol/responsesstream.h"
#include "relay/relaybase.h"

#include <functional>

namespace qp {

class ResponsesRelay : public RelayBase
{
    Q_OBJECT
public:
    // `onDone` gets the response object of every answer that completed (or is incomplete), for
    // the response store.
    ResponsesRelay(const RelayContext &ctx, http::ResponseWriter *writer,
                   const http::HttpRequest &req, RouteTarget target, bool stream,
                   responses::ResponseInfo info, std::function<void(const QJsonObject &)> onDone,
                   QObject *parent = nullptr);

    void upstreamStarted() override;
    void upstreamEvent(const QByteArray &data) override;
    void upstreamBody(const QByteArray &body) override;
    void upstreamEnded() override;
    void upstreamFailed(const Error &error, bool midStream) override;

private:
    void write(const QByteArray &bytes);
    void feed(const QList<QByteArray> &payloads);
    void finishStream();

    bool m_stream;
    responses::ResponseInfo m_info;
    OpenAIStreamNormalizer m_normalizer;
    responses::StreamEncoder m_encoder;
    std::function<void(const QJsonObject &)> m_onDone;
};

} // namespace qp
