#pragma once
// Makes Qwen's streamed chat chunks regular for OpenAI clients (qwen-protocol.md §B.6, §D.6).
// For each tool call a client sees one first delta {index, id, type:"function",
// function:{name, arguments:""}}, then deltas {index, function:{arguments:<fragment>}}; the final
// finish_reason is "tool_calls". Also: hides the usage chunk from clients that did not ask for it,
// turns in-band errors into an Error, drops duplicate finish chunks and stray <|im_end|> markers.
// Chunks needing none of this are forwarded byte for byte (the hot path parses nothing).

#include "common/error.h"
#include "protocol/usage.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>

namespace qp {

class OpenAIStreamNormalizer
{
public:
    explicit OpenAIStreamNormalizer(bool forwardUsage) : m_forwardUsage(forwardUsage) {}

    struct Step {
        QList<QByteArray> out; // data payloads to send, in order (without "data: ")
        std::optional<Error> error; // an in-band upstream error: end the stream with it
        bool done = false;          // upstream sent [DONE]
    };
    Step onEvent(const QByteArray &data);
    // End of stream: payloads still owed (arguments "{}" for calls that never got any).
    QList<QByteArray> finish();

    const Usage &usage() const { return m_usage; }
    bool sawFinish() const { return m_finishSent; }
    QString finishReason() const { return m_finishReason; }
    int toolCallCount() const { return int(m_calls.size()); }

private:
    struct Call {
        int outIndex = 0;
        QString id;
        QString name;
        QString pendingArgs; // arguments seen before the name
        bool announced = false;
        bool anyArgs = false;
    };
    QByteArray chunkWith(const QJsonObject &templ, const QJsonObject &delta,
                         const QJsonValue &finish) const;
    void handleToolCalls(const QJsonObject &chunk, const QJsonArray &toolCalls,
                         QList<QByteArray> &out);
    Call *callFor(const QJsonObject &tc);
    QList<QByteArray> finishCalls();

    bool m_forwardUsage;
    Usage m_usage;
    QList<Call> m_calls;
    QHash<int, int> m_byUpstreamIndex; // upstream index -> m_calls position
    QHash<QString, int> m_byId;
    int m_lastCall = -1;
    bool m_finishSent = false;
    QString m_finishReason;
    QJsonObject m_template; // id/object/created/model of the stream, for chunks we write
};

} // namespace qp
