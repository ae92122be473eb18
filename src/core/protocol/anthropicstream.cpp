#include "protocol/anthropicstream.h"

#include "protocol/jsonbytes.h"
#include "protocol/jsonrepair.h"
#include "upstream/upstreamerror.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <utility>

namespace qp::anthropic {
namespace {

using namespace Qt::StringLiterals;

// A content_block_delta event carrying text or thinking, written directly: one per streamed token,
// and building it as a QJsonObject then serializing it cost ~34 000 instructions of the ~42 000
// per text event (callgrind, tests/bench). The bytes are those QJsonDocument writes for that
// object (keys in its sorted order); tst_anthropicstream compares the two.
void appendDeltaEvent(QByteArray &out, int index, QLatin1String deltaType, QLatin1String field,
                      QStringView text)
{
    out += "event: content_block_delta\ndata: {\"delta\":{\"";
    out += QByteArrayView(field.data(), field.size());
    out += "\":";
    appendJsonString(out, text);
    out += ",\"type\":\"";
    out += QByteArrayView(deltaType.data(), deltaType.size());
    out += "\"},\"index\":";
    out += QByteArray::number(index);
    out += ",\"type\":\"content_block_delta\"}\n\n";
}

bool isBlank(const QString &s)
{
    for (const QChar c : s) {
        if (!c.isSpace())
            return false;
    }
    return true;
}

bool isReadyJson(const QString &arguments)
{
    if (isBlank(arguments))
        return true;
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(arguments.toUtf8(), &err);
    return err.error == QJsonParseError::NoError && doc.isObject();
}

} // namespace

StreamTranslator::StreamTranslator(QString clientModel, bool thinkingEnabled,
                                   int inputTokenEstimate)
    : m_model(std::move(clientModel)), m_thinkingEnabled(thinkingEnabled),
      m_inputEstimate(inputTokenEstimate), m_messageId(messageIdFrom(QString()))
{}

void StreamTranslator::emitEvent(QByteArray &out, QLatin1String type, const QJsonObject &data)
{
    out += "event: ";
    out += QByteArrayView(type.data(), type.size());
    out += "\ndata: ";
    appendCompactJson(out, data);
    out += "\n\n";
}

QByteArray StreamTranslator::begin()
{
    if (m_started)
        return {};
    m_started = true;
    QByteArray out;
    const QJsonObject usage{{"input_tokens"_L1, m_inputEstimate},
                            {"output_tokens"_L1, 0},
                            {"cache_read_input_tokens"_L1, 0},
                            {"cache_creation_input_tokens"_L1, 0}};
    emitEvent(out, "message_start"_L1,
              QJsonObject{{"type"_L1, "message_start"_L1},
                          {"message"_L1, QJsonObject{{"id"_L1, m_messageId},
                                                     {"type"_L1, "message"_L1},
                                                     {"role"_L1, "assistant"_L1},
                                                     {"model"_L1, m_model},
                                                     {"content"_L1, QJsonArray()},
                                                     {"stop_reason"_L1, QJsonValue::Null},
                                                     {"stop_sequence"_L1, QJsonValue::Null},
                                                     {"usage"_L1, usage}}}});
    emitEvent(out, "ping"_L1, QJsonObject{{"type"_L1, "ping"_L1}});
    return out;
}

void StreamTranslator::ensureBegun(QByteArray &out)
{
    if (!m_started)
        out += begin();
}

QByteArray StreamTranslator::ping()
{
    QByteArray out;
    if (m_started && !m_done)
        emitEvent(out, "ping"_L1, QJsonObject{{"type"_L1, "ping"_L1}});
    return out;
}

void StreamTranslator::closeOpenBlock(QByteArray &out)
{
    if (m_open == Block::None)
        return;
    emitEvent(out, "content_block_stop"_L1,
              QJsonObject{{"type"_L1, "content_block_stop"_L1}, {"index"_L1, m_openIndex}});
    m_open = Block::None;
    m_openIndex = -1;
}

void StreamTranslator::openBlock(QByteArray &out, Block type)
{
    closeOpenBlock(out);
    m_open = type;
    m_openIndex = m_nextIndex++;
    ++m_blocksStarted;
    const QJsonObject block = type == Block::Text
                                  ? QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, ""_L1}}
                                  : QJsonObject{{"type"_L1, "thinking"_L1},
                                                {"thinking"_L1, ""_L1},
                                                {"signature"_L1, ""_L1}};
    emitEvent(out, "content_block_start"_L1,
              QJsonObject{{"type"_L1, "content_block_start"_L1},
                          {"index"_L1, m_openIndex},
                          {"content_block"_L1, block}});
}

void StreamTranslator::emitText(QByteArray &out, const QString &text)
{
    if (text.isEmpty())
        return;
    QString t = text;
    // Text after a finished tool call goes after its block, as the model wrote it.
    if (!m_pending.empty() && !isBlank(t))
        flushReadyTools(out);
    if (m_open != Block::Text) {
        // Qwen often sends "\n\n" before a tool call; a block holding only that is noise, so
        // blank text waits until real text joins it.
        if (isBlank(t)) {
            m_heldWhitespace += t;
            return;
        }
        t.prepend(m_heldWhitespace);
        m_heldWhitespace.clear();
        openBlock(out, Block::Text);
    }
    m_emittedChars += t.size();
    appendDeltaEvent(out, m_openIndex, "text_delta"_L1, "text"_L1, t);
}

void StreamTranslator::emitThinking(QByteArray &out, const QString &text)
{
    if (!m_thinkingEnabled || text.isEmpty())
        return;
    if (m_open != Block::Thinking) {
        m_heldWhitespace.clear();
        openBlock(out, Block::Thinking);
    }
    m_emittedChars += text.size();
    appendDeltaEvent(out, m_openIndex, "thinking_delta"_L1, "thinking"_L1, text);
}

void StreamTranslator::handleContent(QByteArray &out, const QString &content)
{
    QList<LeakedThinkingFilter::Piece> pieces;
    m_thinkFilter.feed(content, pieces);
    for (const auto &p : pieces)
        p.thinking ? emitThinking(out, p.text) : emitText(out, p.text);
}

void StreamTranslator::flushContentFilter(QByteArray &out)
{
    QList<LeakedThinkingFilter::Piece> pieces;
    m_thinkFilter.flush(pieces);
    for (const auto &p : pieces)
        p.thinking ? emitThinking(out, p.text) : emitText(out, p.text);
}

void StreamTranslator::handleToolDelta(QByteArray &out, const QJsonObject &tc)
{
    const QJsonValue indexValue = tc.value("index"_L1);
    const int index = indexValue.isDouble() ? indexValue.toInt() : 0;
    const QString id = tc.value("id"_L1).toString();
    const QJsonObject fn = tc.value("function"_L1).toObject();
    const QString name = fn.value("name"_L1).toString();
    const QJsonValue argsValue = fn.value("arguments"_L1);
    const QString args =
        argsValue.isObject()
            ? QString::fromUtf8(QJsonDocument(argsValue.toObject()).toJson(QJsonDocument::Compact))
            : argsValue.toString();

    if (!id.isEmpty() && m_emittedToolIds.contains(id)) {
        qCDebug(lcAnthropicXlate) << "ignoring replayed tool call delta for" << id;
        return;
    }
    auto it = std::find_if(m_pending.begin(), m_pending.end(),
                           [index](const PendingTool &p) { return p.index == index; });
    if (it != m_pending.end()) {
        if (!args.isEmpty() && args.trimmed().startsWith(u'{') && !isBlank(it->arguments) &&
            isReadyJson(it->arguments)) {
            // The call is complete and a whole object comes for its index: the same call
            // replayed in full (ignore it), or a new call reusing the index with its arguments
            // in one piece.
            QJsonParseError err{};
            const QJsonDocument again = QJsonDocument::fromJson(args.toUtf8(), &err);
            const bool replay = (!id.isEmpty() && id == it->id) ||
                                (id.isEmpty() && err.error == QJsonParseError::NoError &&
                                 again == QJsonDocument::fromJson(it->arguments.toUtf8()));
            if (replay) {
                qCDebug(lcAnthropicXlate) << "ignoring replayed tool call for index" << index;
                return;
            }
            if (id.isEmpty() && !name.isEmpty()) {
                flushAllTools(out);
                m_pending.push_back(PendingTool{index, id, name, args});
                return;
            }
        }
        if (id.isEmpty() || it->id.isEmpty() || id == it->id) {
            if (it->id.isEmpty())
                it->id = id;
            if (it->name.isEmpty() || (name.size() > it->name.size() && name.startsWith(it->name)))
                it->name = name; // late name, or a provider that repeats the name cumulatively
            it->arguments += args;
            return;
        }
        // A new id on an index still in use: the earlier call is complete (index reuse).
        flushAllTools(out);
    } else if (id.isEmpty() && name.isEmpty() && m_completedIndexes.contains(index)) {
        qCDebug(lcAnthropicXlate) << "ignoring late delta for completed tool call index" << index;
        return;
    } else {
        flushReadyTools(out); // a new index completes the calls before it
    }
    m_pending.push_back(PendingTool{index, id, name, args});
}

// Emits pending calls, oldest first, while they look complete (a name and parseable arguments).
// One that does not (the upstream may interleave fragments) and everything after it wait for
// finish_reason, which keeps block order equal to call order.
void StreamTranslator::flushReadyTools(QByteArray &out)
{
    std::size_t ready = 0;
    while (ready < m_pending.size() && !m_pending[ready].name.isEmpty() &&
           isReadyJson(m_pending[ready].arguments))
        ++ready;
    if (ready == 0)
        return;
    std::vector<PendingTool> done(m_pending.begin(), m_pending.begin() + ready);
    m_pending.erase(m_pending.begin(), m_pending.begin() + ready);
    for (const PendingTool &t : done)
        emitTool(out, t);
}

void StreamTranslator::flushAllTools(QByteArray &out)
{
    std::vector<PendingTool> all;
    all.swap(m_pending);
    for (const PendingTool &t : all)
        emitTool(out, t);
}

void StreamTranslator::emitTool(QByteArray &out, const PendingTool &tool)
{
    m_completedIndexes.insert(tool.index);
    if (!tool.id.isEmpty())
        m_emittedToolIds.insert(tool.id);
    if (tool.name.isEmpty()) {
        // Without a name the client cannot run anything; inventing one (CCR's tool_N) makes
        // the client fail later and less clearly.
        qCWarning(lcAnthropicXlate) << "dropping a tool call that never received a name";
        return;
    }
    flushContentFilter(out);
    closeOpenBlock(out);
    m_heldWhitespace.clear();

    QJsonObject input;
    if (auto repaired = repairJsonObject(tool.arguments)) {
        input = *repaired;
    } else {
        qCWarning(lcAnthropicXlate).noquote()
            << QStringLiteral("tool %1: arguments are not repairable JSON (%2 chars); sending {}")
                   .arg(tool.name)
                   .arg(tool.arguments.size());
    }
    const QByteArray json = QJsonDocument(input).toJson(QJsonDocument::Compact);
    const int index = m_nextIndex++;
    ++m_blocksStarted;
    ++m_toolBlocks;
    m_emittedChars += json.size();
    emitEvent(out, "content_block_start"_L1,
              QJsonObject{{"type"_L1, "content_block_start"_L1},
                          {"index"_L1, index},
                          {"content_block"_L1,
                           QJsonObject{{"type"_L1, "tool_use"_L1},
                                       {"id"_L1, tool.id.isEmpty() ? randomToolUseId() : tool.id},
                                       {"name"_L1, tool.name},
                                       {"input"_L1, QJsonObject()}}}});
    emitEvent(out, "content_block_delta"_L1,
              QJsonObject{{"type"_L1, "content_block_delta"_L1},
                          {"index"_L1, index},
                          {"delta"_L1, QJsonObject{{"type"_L1, "input_json_delta"_L1},
                                                   {"partial_json"_L1, QString::fromUtf8(json)}}}});
    emitEvent(out, "content_block_stop"_L1,
              QJsonObject{{"type"_L1, "content_block_stop"_L1}, {"index"_L1, index}});
}

void StreamTranslator::finishReason(QByteArray &out, const QString &reason)
{
    flushContentFilter(out);
    flushAllTools(out);
    closeOpenBlock(out);
    if (m_stopReason.isEmpty()) // duplicate finish chunks keep the first reason
        m_stopReason = stopReasonFromFinish(reason);
}

QByteArray StreamTranslator::onChunk(const QJsonObject &chunk)
{
    if (m_done)
        return {};
    QByteArray out;
    ensureBegun(out);

    const QJsonValue error = chunk.value("error"_L1);
    if (!error.isUndefined() && !error.isNull()) {
        const QJsonObject e = error.toObject();
        QString message = error.isString() ? error.toString() : e.value("message"_L1).toString();
        if (message.isEmpty())
            message = u"upstream error"_s;
        QString code = e.value("code"_L1).toVariant().toString();
        if (code.isEmpty())
            code = e.value("type"_L1).toString();
        out += fail(classifyStreamError(message, code));
        return out;
    }

    const QJsonValue usage = chunk.value("usage"_L1);
    if (usage.isObject()) {
        m_usage = usageFromOpenAI(usage.toObject());
        m_haveUsage = true;
    }

    const QJsonArray choices = chunk.value("choices"_L1).toArray();
    for (const QJsonValue &c : choices) {
        const QJsonObject choice = c.toObject();
        if (choice.value("index"_L1).toInt(0) != 0)
            continue; // n > 1 is not an Anthropic concept: only the first choice is relayed
        const QJsonObject delta = choice.value("delta"_L1).toObject();
        const QString finish = choice.value("finish_reason"_L1).toString();
        if (finish == "error_finish"_L1) {
            // DashScope reports in-band failures (e.g. TPM throttling) this way, with the error
            // text as content.
            QString message = delta.value("content"_L1).toString().trimmed();
            if (message.isEmpty())
                message = u"upstream error"_s;
            out += fail(classifyStreamError(message, QString()));
            return out;
        }
        QString reasoning = delta.value("reasoning_content"_L1).toString();
        if (reasoning.isEmpty())
            reasoning = delta.value("reasoning"_L1).toString();
        if (!reasoning.isEmpty())
            emitThinking(out, reasoning);
        const QString content = delta.value("content"_L1).toString();
        if (!content.isEmpty())
            handleContent(out, content);
        const QJsonArray toolCalls = delta.value("tool_calls"_L1).toArray();
        for (const QJsonValue &tc : toolCalls)
            handleToolDelta(out, tc.toObject());
        if (!finish.isEmpty())
            finishReason(out, finish);
    }
    return out;
}

QByteArray StreamTranslator::finish()
{
    if (m_done)
        return {};
    QByteArray out;
    ensureBegun(out);
    flushContentFilter(out);
    flushAllTools(out);
    closeOpenBlock(out);
    if (m_blocksStarted == 0 && !m_heldWhitespace.isEmpty()) {
        // The whole answer was blank: still send it rather than an empty message.
        const QString held = m_heldWhitespace;
        m_heldWhitespace.clear();
        openBlock(out, Block::Text);
        emitText(out, held);
        closeOpenBlock(out);
    }

    QString stop = m_stopReason.isEmpty() ? u"end_turn"_s : m_stopReason;
    if (m_toolBlocks > 0 && stop == "end_turn"_L1)
        stop = u"tool_use"_s;
    if (m_toolBlocks == 0 && stop == "tool_use"_L1)
        stop = u"end_turn"_s; // every call was dropped: nothing for the client to run
    m_stopReason = stop;

    emitEvent(out, "message_delta"_L1,
              QJsonObject{{"type"_L1, "message_delta"_L1},
                          {"delta"_L1, QJsonObject{{"stop_reason"_L1, stop},
                                                   {"stop_sequence"_L1, QJsonValue::Null}}},
                          {"usage"_L1, usageToJson(usage())}});
    emitEvent(out, "message_stop"_L1, QJsonObject{{"type"_L1, "message_stop"_L1}});
    m_done = true;
    return out;
}

QByteArray StreamTranslator::fail(const Error &error)
{
    if (m_done)
        return {};
    QByteArray out;
    ensureBegun(out);
    // Unfinished tool calls are dropped: half a call is worse than none.
    m_pending.clear();
    m_thinkFilter.clear();
    closeOpenBlock(out);
    emitEvent(out, "error"_L1,
              QJsonObject{{"type"_L1, "error"_L1},
                          {"error"_L1, QJsonObject{{"type"_L1, errorTypeFor(error)},
                                                   {"message"_L1, error.message}}}});
    m_done = true;
    m_error = error;
    return out;
}

MessageUsage StreamTranslator::usage() const
{
    if (m_haveUsage)
        return m_usage;
    MessageUsage u;
    u.inputTokens = m_inputEstimate;
    u.outputTokens = (m_emittedChars + 3) / 4;
    return u;
}

} // namespace qp::anthropic
