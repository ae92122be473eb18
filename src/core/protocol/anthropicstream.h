#pragma once
// OpenAI chat SSE chunks -> Anthropic Messages SSE events (qwen-protocol.md §D.4).
//
// Invariants the output keeps (checked by anthropicstreamchecker in every test):
// - exactly one message_start first and, unless the stream failed, one message_stop last;
//   after a fail() the last event is `error` and nothing follows;
// - content block indices are 0..n-1 in start order, one block open at a time, every delta
//   targets the open block and matches its type (text never goes into a tool_use block);
// - message_delta (stop_reason, usage) is sent once, at finish(), because Qwen sends usage in a
//   trailing choices:[] chunk after the finish_reason chunk;
// - each tool call is buffered until it completes (its index is superseded, finish_reason, or
//   finish()), its arguments are repaired, and it is sent as start + one input_json_delta holding
//   complete JSON + stop, so a client never sees invalid tool input.
//
// Plain class, no event loop: the server calls it from its relay and writes the bytes.

#include "protocol/anthropiccommon.h"
#include "protocol/thinkleak.h"

#include <QByteArray>
#include <QJsonObject>
#include <QSet>
#include <QString>
#include <vector>

namespace qp::anthropic {

class StreamTranslator
{
public:
    StreamTranslator(QString clientModel, bool thinkingEnabled, int inputTokenEstimate);

    // message_start + ping. Idempotent; onChunk/finish/fail call it when the caller did not.
    QByteArray begin();
    // One parsed upstream `data:` chunk (not [DONE]) -> zero or more framed events.
    QByteArray onChunk(const QJsonObject &openaiChunk);
    // Upstream ended ([DONE] or EOF): flush, message_delta, message_stop. Second call: empty.
    QByteArray finish();
    // Mid-stream failure: close the open block, drop unfinished tool calls, `event: error`.
    // Nothing is emitted afterwards. errorType is an Anthropic type (api_error, ...).
    // Ends the stream with an error event whose type follows the error's kind; remembered for
    // error(). Empty once the stream has ended.
    QByteArray fail(const Error &error);
    // Keep-alive for long silent stretches (thinking); empty once the stream has ended.
    QByteArray ping();

    bool started() const { return m_started; }
    bool finished() const { return m_done; }
    bool sawError() const { return m_error.has_value(); }
    // The classified error that ended the stream (an upstream error chunk or fail()).
    const std::optional<Error> &error() const { return m_error; }
    QString stopReason() const { return m_stopReason; }
    // Final usage: from the upstream usage chunk when one came (fromUpstream), else estimated
    // (input from the constructor, output from the emitted characters / 4).
    MessageUsage usage() const;
    QString messageId() const { return m_messageId; }

private:
    enum class Block { None, Text, Thinking };
    struct PendingTool {
        int index = 0; // OpenAI tool_calls[].index
        QString id;
        QString name;
        QString arguments;
    };

    void emitEvent(QByteArray &out, QLatin1String type, const QJsonObject &data);
    void closeOpenBlock(QByteArray &out);
    void openBlock(QByteArray &out, Block type);
    void emitText(QByteArray &out, const QString &text);
    void emitThinking(QByteArray &out, const QString &text);
    void handleContent(QByteArray &out, const QString &content);
    void flushContentFilter(QByteArray &out);
    void handleToolDelta(QByteArray &out, const QJsonObject &delta);
    void flushReadyTools(QByteArray &out);
    void flushAllTools(QByteArray &out);
    void emitTool(QByteArray &out, const PendingTool &tool);
    void finishReason(QByteArray &out, const QString &reason);
    void ensureBegun(QByteArray &out);

    QString m_model;
    bool m_thinkingEnabled;
    int m_inputEstimate;
    QString m_messageId;

    bool m_started = false;
    bool m_done = false;
    std::optional<Error> m_error;

    int m_nextIndex = 0;
    Block m_open = Block::None;
    int m_openIndex = -1;

    LeakedThinkingFilter m_thinkFilter; // <think>...</think> leaked into content
    QString m_heldWhitespace;           // blank text not yet worth a block of its own

    std::vector<PendingTool> m_pending;
    QSet<QString> m_emittedToolIds;
    QSet<int> m_completedIndexes;
    int m_toolBlocks = 0;
    int m_blocksStarted = 0;

    QString m_stopReason;
    bool m_haveUsage = false;
    MessageUsage m_usage;
    qint64 m_emittedChars = 0;
};

} // namespace qp::anthropic
