#pragma once
// Normalised OpenAI chat chunks -> OpenAI Responses events and response object
// (docs/responses-api.md). Fed by OpenAIStreamNormalizer's output, so every tool call arrives as
// one announcement (id, name) and one delta with its complete, repaired arguments.
//
// Invariants (checked by responsesstreamchecker in every test):
// - sequence_number 0, 1, 2... on every event; response.created and response.in_progress first;
// - output_index 0..n-1 in added order, one item open at a time, every delta names the open item
//   and the deltas of an item concatenate to its done value (call arguments stream live; when
//   the streamed ones were not JSON and got repaired, the done value is the repaired one);
// - every added item gets exactly one output_item.done; no message without text;
// - exactly one terminal event (response.completed, .incomplete or .failed), last, holding every
//   done item.
// The non-stream body is the terminal event's response, built by the same class.

#include "common/error.h"
#include "protocol/responsesrequest.h"
#include "protocol/thinkleak.h"
#include "protocol/usage.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace qp::responses {

struct ResponseInfo {
    QString id;    // resp_...; made up when empty
    QString model; // as the client named it
    qint64 createdAt = 0;
    ToolTable tools;
    bool reasoningSummary = false;
    QJsonObject echo; // request fields the response object repeats (tool_choice, tools...)
};

QString newId(QLatin1String prefix);

class StreamEncoder
{
public:
    explicit StreamEncoder(ResponseInfo info);

    // response.created + response.in_progress. Idempotent.
    QByteArray begin();
    // One normalised chunk (parsed `data:` payload, not [DONE]).
    QByteArray onChunk(const QJsonObject &chunk);
    // The upstream ended: close every item, then response.completed or .incomplete. Once.
    QByteArray finish();
    // Mid-stream failure: close the open items, then response.failed. Once.
    QByteArray fail(const Error &error);

    bool finished() const { return m_done; }
    const QString &id() const { return m_info.id; }
    // The response object as the terminal event carried it (or as it stands).
    QJsonObject response() const;
    // Output items, done ones only.
    QJsonArray outputItems() const;
    const Usage &usage() const { return m_usage; }
    QString status() const { return m_status; }

private:
    struct Item {
        enum class Kind { Message, Reasoning, Call } kind = Kind::Message;
        QString id;
        int outputIndex = 0;
        QString text; // message or reasoning text; call arguments
        int call = -1;
        bool done = false;
        bool incomplete = false; // cut short by a failure
        QJsonObject doneItem;
    };
    struct Call {
        QString callId;
        QString name;
        QString args;
        bool haveArgs = false;
        int item = -1;    // m_items position once opened
        QString raw;      // progress fragments of the arguments so far
        QString streamed; // what the deltas already showed (arguments, or a custom tool's input)
    };

    void event(QByteArray &out, QLatin1String type, QJsonObject data);
    void openItem(QByteArray &out, Item::Kind kind, int call = -1);
    void closeOpen(QByteArray &out);
    void text(QByteArray &out, Item::Kind kind, const QString &delta);
    void content(QByteArray &out, const QString &delta, bool flush);
    void callArgs(QByteArray &out, int call);
    void callProgress(QByteArray &out, int call, const QString &fragment);
    void callDelta(QByteArray &out, const Call &c, const Item &item, const QString &delta);
    void openQueuedCalls(QByteArray &out);
    QJsonObject itemJson(const Item &item, bool done) const;
    QJsonObject responseJson(const QString &status) const;

    ResponseInfo m_info;
    int m_seq = 0;
    bool m_begun = false;
    bool m_done = false;
    QList<Item> m_items;
    int m_open = -1;
    QList<Call> m_calls;
    QHash<int, int> m_callByIndex;            // chunk tool_calls index -> m_calls position
    QList<int> m_queued;                      // calls announced while another call was open
    QList<QPair<Item::Kind, QString>> m_held; // text that came while a call was open
    LeakedThinkingFilter m_thinkFilter;       // <think>...</think> leaked into content
    QString m_blank;                          // blank text not (yet) worth a message of its own
    QString m_finishReason;
    Usage m_usage;
    qint64 m_reasoningTokens = 0;
    QString m_status = QStringLiteral("in_progress");
    QJsonObject m_error;
};

// The string value of "input" in a custom tool's arguments as far as they have arrived
// ({"input":"*** Begin Pa), escapes decoded up to the last complete one.
QString partialCustomInput(const QString &rawArguments);

// A whole chat completion -> the response object, through the normaliser and StreamEncoder.
QJsonObject fromChatCompletion(const QJsonObject &completion, const ResponseInfo &info,
                               Usage *usage = nullptr);

// The Responses error code for a failure during a stream (response.failed's error.code).
QString failureCode(const Error &e);

} // namespace qp::responses
