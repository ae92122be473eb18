#pragma once
// Makes Qwen's streamed chat chunks regular for OpenAI clients (qwen-protocol.md §B.6, §D.6).
// For each tool call a client sees one first delta {index, id, type:"function",
// function:{name, arguments:""}} as soon as the name is known, then one delta
// {index, function:{arguments:<complete JSON object>}}; the final finish_reason is "tool_calls".
// Whatever shape the upstream streamed (docs/quirks.md "Tool-call deltas": ids only on the first
// chunk, reused indexes, name or id after the arguments, a completed call replayed in full, no
// arguments at all), each call has exactly one id, one name and arguments that parse. Also: hides
// the usage chunk from clients that did not ask for it, turns in-band errors into an Error, drops
// duplicate finish chunks and stray <|im_end|> markers. Chunks needing none of this are forwarded
// byte for byte (the hot path parses nothing).

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
    // argumentProgress: also pass each announced call's argument fragments on as they come, in
    // deltas marked "progress":true, before the one delta with the complete arguments (for a
    // dialect that streams arguments live: the Responses API, whose clients time out on silence).
    explicit OpenAIStreamNormalizer(bool forwardUsage, bool argumentProgress = false)
        : m_forwardUsage(forwardUsage), m_argumentProgress(argumentProgress)
    {}

    struct Step {
        QList<QByteArray> out;      // data payloads to send, in order (without "data: ")
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
    // One tool call as the client sees it. Its arguments are held until they form a complete
    // JSON object (or the stream finishes, when they are repaired), then sent in one delta: a
    // replayed call, a fragment after the end or a no-argument call can then never reach the
    // client as a second copy, "" or broken JSON.
    struct Call {
        int outIndex = 0;
        QString id;                  // what the client sees
        bool idFromUpstream = false; // false: we made `id` up (the upstream sent none yet)
        QString name;
        QString args;
        int depth = 0; // brackets open outside strings in `args`
        bool inString = false;
        bool escape = false;
        bool opened = false;
        bool closed = false;    // the first object closed: nothing may follow it
        bool announced = false; // id and name sent
        bool done = false;      // arguments sent
        qsizetype reported = 0; // argumentProgress: length of `args` passed on as progress
    };
    QByteArray chunkWith(const QJsonObject &templ, const QJsonObject &delta,
                         const QJsonValue &finish) const;
    QByteArray argsChunk(const Call &c, const QString &args) const;
    void handleToolCalls(const QJsonArray &toolCalls, QList<QByteArray> &out);
    Call *callFor(const QJsonObject &tc, const QString &name);
    Call *newCall(const QString &id, int index);
    void appendArgs(Call &c, const QString &args);
    void tryComplete(Call &c, QList<QByteArray> &out);
    QList<QByteArray> finishCalls();

    bool m_forwardUsage;
    bool m_argumentProgress;
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
