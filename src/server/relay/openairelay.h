#pragma once
// OpenAI chat completions from client to upstream and back, streaming or not.

#include "protocol/openaistream.h"
#include "relay/relaybase.h"

namespace qp {

class OpenAIRelay : public RelayBase
{
    Q_OBJECT
public:
    OpenAIRelay(const RelayContext &ctx, http::ResponseWriter *writer, const http::HttpRequest &req,
                RouteTarget target, bool stream, bool forwardUsage, QObject *parent = nullptr);

    void upstreamStarted() override;
    void upstreamEvent(const QByteArray &data) override;
    void upstreamBody(const QByteArray &body) override;
    void upstreamEnded() override;
    void upstreamFailed(const Error &error, bool midStream) override;

private:
    void writeEvent(const QByteArray &payload);
    void endWithDone();

    bool m_stream;
    OpenAIStreamNormalizer m_normalizer;
};

} // namespace qp
