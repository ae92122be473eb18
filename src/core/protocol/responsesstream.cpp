#include "protocol/responsesstream.h"

#include "logging/logging.h"
#include "protocol/jsonbytes.h"
#include "protocol/openaistream.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace qp::responses {

QString newId(QLatin1String prefix)
{
    auto *rng = QRandomGenerator::global();
    QString s = prefix;
    for (int i = 0; i < 3; ++i)
        s += QString::number(rng->generate64() & 0xffffffffffffULL, 16).rightJustified(12, u'0');
    return s;
}

QString failureCode(const Error &e)
{
    using K = Error::Kind;
    if (e.kind == K::Quota)
        return u"insufficient_quota"_s;
    if (e.kind == K::RateLimited)
        return u"rate_limit_exceeded"_s;
    const QString m = e.message.toLower();
    if (e.code == u"context_length_exceeded" || m.contains(u"context length") ||
        m.contains(u"maximum context") || m.contains(u"context window"))
        return u"context_length_exceeded"_s;
    return u"server_error"_s;
}

StreamEncoder::StreamEncoder(ResponseInfo info) : m_info(std::move(info))
{
    if (m_info.id.isEmpty())
        m_info.id = newId("resp_"_L1);
    if (m_info.createdAt == 0)
        m_info.createdAt = QDateTime::currentSecsSinceEpoch();
}

void StreamEncoder::event(QByteArray &out, QLatin1String type, QJsonObject data)
{
    data.insert("type"_L1, type);
    data.insert("sequence_number"_L1, m_seq++);
    out += "event: ";
    out += QByteArrayView(type.data(), type.size());
    out += "\ndata: ";
    out += compactJson(data);
    out += "\n\n";
}

QByteArray StreamEncoder::begin()
{
    QByteArray out;
    if (m_begun)
        return out;
    m_begun = true;
    const QJsonObject r = responseJson(u"in_progress"_s);
    event(out, "response.created"_L1, QJsonObject{{"response"_L1, r}});
    event(out, "response.in_progress"_L1, QJsonObject{{"response"_L1, r}});
    return out;
}

QJsonObject StreamEncoder::itemJson(const Item &item, bool done) const
{
    const QString status = !done             ? u"in_progress"_s
                           : item.incomplete ? u"incomplete"_s
                                             : u"completed"_s;
    switch (item.kind) {
    case Item::Kind::Message: {
        QJsonArray content;
        if (done)
            content.append(QJsonObject{{"type"_L1, "output_text"_L1},
                                       {"text"_L1, item.text},
                                       {"annotations"_L1, QJsonArray()},
                                       {"logprobs"_L1, QJsonArray()}});
        return QJsonObject{{"id"_L1, item.id},
                           {"type"_L1, "message"_L1},
                           {"status"_L1, status},
                           {"role"_L1, "assistant"_L1},
                           {"content"_L1, content}};
    }
    case Item::Kind::Reasoning: {
        QJsonArray summary;
        if (done)
            summary.append(QJsonObject{{"type"_L1, "summary_text"_L1}, {"text"_L1, item.text}});
        return QJsonObject{
            {"id"_L1, item.id}, {"type"_L1, "reasoning"_L1}, {"summary"_L1, summary}};
    }
    case Item::Kind::Call:
        break;
    }
    const Call &c = m_calls.at(item.call);
    if (m_info.tools.custom.contains(c.name)) {
        QString input;
        if (done)
            input =
                QJsonDocument::fromJson(item.text.toUtf8()).object().value("input"_L1).toString();
        return QJsonObject{{"id"_L1, item.id},    {"type"_L1, "custom_tool_call"_L1},
                           {"status"_L1, status}, {"call_id"_L1, c.callId},
                           {"name"_L1, c.name},   {"input"_L1, input}};
    }
    QJsonObject o{{"id"_L1, item.id},    {"type"_L1, "function_call"_L1},
                  {"status"_L1, status}, {"call_id"_L1, c.callId},
                  {"name"_L1, c.name},   {"arguments"_L1, done ? item.text : QString()}};
    const auto ns = m_info.tools.namespaced.constFind(c.name);
    if (ns != m_info.tools.namespaced.constEnd()) {
        o.insert("name"_L1, ns->name);
        o.insert("namespace"_L1, ns->ns);
    }
    return o;
}

void StreamEncoder::openItem(QByteArray &out, Item::Kind kind, int call)
{
    closeOpen(out);
    Item item;
    item.kind = kind;
    item.call = call;
    item.outputIndex = int(m_items.size());
    item.id = newId(kind == Item::Kind::Message                           ? "msg_"_L1
                    : kind == Item::Kind::Reasoning                       ? "rs_"_L1
                    : m_info.tools.custom.contains(m_calls.at(call).name) ? "ctc_"_L1
                                                                          : "fc_"_L1);
    m_items.append(item);
    m_open = item.outputIndex;
    if (call >= 0)
        m_calls[call].item = m_open;
    event(out, "response.output_item.added"_L1,
          QJsonObject{{"output_index"_L1, item.outputIndex}, {"item"_L1, itemJson(item, false)}});
    if (kind == Item::Kind::Message)
        event(out, "response.content_part.added"_L1,
              QJsonObject{{"item_id"_L1, item.id},
                          {"output_index"_L1, item.outputIndex},
                          {"content_index"_L1, 0},
                          {"part"_L1, QJsonObject{{"type"_L1, "output_text"_L1},
                                                  {"text"_L1, ""_L1},
                                                  {"annotations"_L1, QJsonArray()}}}});
    else if (kind == Item::Kind::Reasoning)
        event(out, "response.reasoning_summary_part.added"_L1,
              QJsonObject{
                  {"item_id"_L1, item.id},
                  {"output_index"_L1, item.outputIndex},
                  {"summary_index"_L1, 0},
                  {"part"_L1, QJsonObject{{"type"_L1, "summary_text"_L1}, {"text"_L1, ""_L1}}}});
}

void StreamEncoder::closeOpen(QByteArray &out)
{
    if (m_open < 0)
        return;
    Item &item = m_items[m_open];
    m_open = -1;
    const QJsonObject where{{"item_id"_L1, item.id}, {"output_index"_L1, item.outputIndex}};
    const auto with = [&](std::initializer_list<QPair<QLatin1String, QJsonValue>> extra) {
        QJsonObject o = where;
        for (const auto &[k, v] : extra)
            o.insert(k, v);
        return o;
    };
    if (item.kind == Item::Kind::Message) {
        event(
            out, "response.output_text.done"_L1,
            with({{"content_index"_L1, 0}, {"text"_L1, item.text}, {"logprobs"_L1, QJsonArray()}}));
        event(out, "response.content_part.done"_L1,
              with({{"content_index"_L1, 0},
                    {"part"_L1, QJsonObject{{"type"_L1, "output_text"_L1},
                                            {"text"_L1, item.text},
                                            {"annotations"_L1, QJsonArray()}}}}));
    } else if (item.kind == Item::Kind::Reasoning) {
        event(out, "response.reasoning_summary_text.done"_L1,
              with({{"summary_index"_L1, 0}, {"text"_L1, item.text}}));
        event(out, "response.reasoning_summary_part.done"_L1,
              with({{"summary_index"_L1, 0},
                    {"part"_L1,
                     QJsonObject{{"type"_L1, "summary_text"_L1}, {"text"_L1, item.text}}}}));
    } else {
        const Call &c = m_calls.at(item.call);
        if (m_info.tools.custom.contains(c.name)) {
            event(out, "response.custom_tool_call_input.done"_L1,
                  with({{"input"_L1, itemJson(item, true).value("input"_L1)}}));
        } else {
            event(out, "response.function_call_arguments.done"_L1,
                  with({{"arguments"_L1, item.text},
                        {"name"_L1, itemJson(item, true).value("name"_L1)}}));
        }
    }
    item.done = true;
    item.doneItem = itemJson(item, true);
    event(out, "response.output_item.done"_L1,
          QJsonObject{{"output_index"_L1, item.outputIndex}, {"item"_L1, item.doneItem}});
}

void StreamEncoder::text(QByteArray &out, Item::Kind kind, const QString &delta)
{
    if (delta.isEmpty())
        return;
    if (kind == Item::Kind::Reasoning && !m_info.reasoningSummary)
        return;
    if ((m_open >= 0 && m_items.at(m_open).kind == Item::Kind::Call) || !m_queued.isEmpty()) {
        m_held.append({kind, delta}); // one item at a time: after the calls
        return;
    }
    QString t = delta;
    if (m_open < 0 || m_items.at(m_open).kind != kind) {
        if (kind == Item::Kind::Message) {
            // Qwen often sends "\n\n" before a call: a message of blanks only is noise.
            if (t.trimmed().isEmpty()) {
                m_blank += t;
                return;
            }
            t.prepend(std::exchange(m_blank, QString()));
        } else {
            m_blank.clear();
        }
        openItem(out, kind);
    }
    Item &item = m_items[m_open];
    item.text += t;
    if (kind == Item::Kind::Message)
        event(out, "response.output_text.delta"_L1,
              QJsonObject{{"item_id"_L1, item.id},
                          {"output_index"_L1, item.outputIndex},
                          {"content_index"_L1, 0},
                          {"delta"_L1, t},
                          {"logprobs"_L1, QJsonArray()}});
    else
        event(out, "response.reasoning_summary_text.delta"_L1,
              QJsonObject{{"item_id"_L1, item.id},
                          {"output_index"_L1, item.outputIndex},
                          {"summary_index"_L1, 0},
                          {"delta"_L1, t}});
}

QString partialCustomInput(const QString &raw)
{
    qsizetype i = raw.indexOf(u"\"input\""_s);
    if (i < 0)
        return {};
    i = raw.indexOf(u'"', raw.indexOf(u':', i + 7) + 1);
    if (i < 0)
        return {};
    QString out;
    for (++i; i < raw.size(); ++i) {
        const QChar ch = raw.at(i);
        if (ch == u'"')
            break;
        if (ch != u'\\') {
            out += ch;
            continue;
        }
        if (i + 1 >= raw.size())
            break; // the escape is not complete yet
        const QChar e = raw.at(++i);
        switch (e.unicode()) {
        case u'n':
            out += u'\n';
            break;
        case u't':
            out += u'\t';
            break;
        case u'r':
            out += u'\r';
            break;
        case u'b':
            out += u'\b';
            break;
        case u'f':
            out += u'\f';
            break;
        case u'u': {
            if (i + 4 >= raw.size())
                return out;
            bool ok = false;
            const char16_t code = char16_t(raw.mid(i + 1, 4).toUShort(&ok, 16));
            if (!ok)
                return out;
            // A surrogate pair arrives as two escapes: wait for the second half.
            if (QChar::isHighSurrogate(code) && i + 10 >= raw.size())
                return out;
            out += QChar(code);
            i += 4;
            break;
        }
        default:
            out += e; // \" \\ \/
        }
    }
    return out;
}

void StreamEncoder::callDelta(QByteArray &out, const Call &c, const Item &item,
                              const QString &delta)
{
    if (delta.isEmpty())
        return;
    const bool custom = m_info.tools.custom.contains(c.name);
    event(out,
          custom ? "response.custom_tool_call_input.delta"_L1
                 : "response.function_call_arguments.delta"_L1,
          QJsonObject{
              {"item_id"_L1, item.id}, {"output_index"_L1, item.outputIndex}, {"delta"_L1, delta}});
}

// Argument fragments of the open call, shown live (clients give up after minutes of silence).
void StreamEncoder::callProgress(QByteArray &out, int call, const QString &fragment)
{
    Call &c = m_calls[call];
    if (c.haveArgs || c.item < 0 || c.item != m_open)
        return; // a queued call shows its arguments whole when it opens
    c.raw += fragment;
    const QString shown = m_info.tools.custom.contains(c.name) ? partialCustomInput(c.raw) : c.raw;
    if (shown.size() <= c.streamed.size() || !shown.startsWith(c.streamed))
        return;
    callDelta(out, c, m_items.at(c.item), shown.mid(c.streamed.size()));
    c.streamed = shown;
}

// The open call got its arguments: the rest of the deltas, done, and the next queued call.
void StreamEncoder::callArgs(QByteArray &out, int call)
{
    Call &c = m_calls[call];
    Item &item = m_items[c.item];
    item.text = c.args;
    const QString value =
        m_info.tools.custom.contains(c.name)
            ? QJsonDocument::fromJson(c.args.toUtf8()).object().value("input"_L1).toString()
            : c.args;
    if (value.startsWith(c.streamed))
        callDelta(out, c, item, value.mid(c.streamed.size()));
    else // repaired: the done value replaces what the deltas showed
        qCInfo(lcRelay).noquote() << u"tool %1: arguments repaired after they were streamed"_s.arg(
            c.name);
    closeOpen(out);
    openQueuedCalls(out);
}

void StreamEncoder::openQueuedCalls(QByteArray &out)
{
    while (m_open < 0 && !m_queued.isEmpty()) {
        const int next = m_queued.takeFirst();
        openItem(out, Item::Kind::Call, next);
        if (m_calls.at(next).haveArgs)
            callArgs(out, next);
    }
    if (m_open < 0 && m_queued.isEmpty()) {
        const auto held = std::exchange(m_held, {});
        for (const auto &[kind, t] : held)
            text(out, kind, t);
    }
}

// Content passes the leaked-<think> filter; what it holds back is flushed before a call.
void StreamEncoder::content(QByteArray &out, const QString &delta, bool flush)
{
    QList<LeakedThinkingFilter::Piece> pieces;
    if (!delta.isEmpty())
        m_thinkFilter.feed(delta, pieces);
    if (flush)
        m_thinkFilter.flush(pieces);
    for (const auto &p : pieces)
        text(out, p.thinking ? Item::Kind::Reasoning : Item::Kind::Message, p.text);
}

QByteArray StreamEncoder::onChunk(const QJsonObject &chunk)
{
    QByteArray out = begin();
    if (m_done)
        return out;
    const QJsonObject usage = chunk.value("usage"_L1).toObject();
    if (!usage.isEmpty()) {
        m_usage = Usage::fromOpenAI(usage);
        m_reasoningTokens = usage.value("completion_tokens_details"_L1)
                                .toObject()
                                .value("reasoning_tokens"_L1)
                                .toInteger();
    }
    const QJsonArray choices = chunk.value("choices"_L1).toArray();
    if (choices.isEmpty())
        return out;
    const QJsonObject choice = choices.first().toObject();
    const QJsonObject delta = choice.value("delta"_L1).toObject();
    QString reasoning = delta.value("reasoning_content"_L1).toString();
    if (reasoning.isEmpty())
        reasoning = delta.value("reasoning"_L1).toString();
    text(out, Item::Kind::Reasoning, reasoning);
    const QJsonArray toolCalls = delta.value("tool_calls"_L1).toArray();
    content(out, delta.value("content"_L1).toString(), !toolCalls.isEmpty());
    for (const QJsonValue &v : toolCalls) {
        const QJsonObject tc = v.toObject();
        const int index = tc.value("index"_L1).toInt();
        const QJsonObject fn = tc.value("function"_L1).toObject();
        if (!m_callByIndex.contains(index)) {
            if (fn.value("name"_L1).toString().isEmpty())
                continue; // the normaliser announces every call with its name first
            Call c;
            c.callId = tc.value("id"_L1).toString();
            if (c.callId.isEmpty())
                c.callId = newId("call_"_L1);
            c.name = fn.value("name"_L1).toString();
            m_calls.append(c);
            const int call = int(m_calls.size()) - 1;
            m_callByIndex.insert(index, call);
            if (m_open >= 0 && m_items.at(m_open).kind == Item::Kind::Call) {
                m_queued.append(call);
            } else {
                closeOpen(out); // text after a call opens a new message
                openItem(out, Item::Kind::Call, call);
            }
            continue;
        }
        const QString args = fn.value("arguments"_L1).toString();
        const int call = m_callByIndex.value(index);
        if (tc.value("progress"_L1).toBool()) {
            callProgress(out, call, args);
            continue;
        }
        Call &c = m_calls[call];
        if (c.haveArgs || args.isEmpty())
            continue;
        c.args = args;
        c.haveArgs = true;
        if (c.item >= 0 && c.item == m_open)
            callArgs(out, call);
    }
    const QString finish = choice.value("finish_reason"_L1).toString();
    if (!finish.isEmpty())
        m_finishReason = finish;
    return out;
}

QByteArray StreamEncoder::finish()
{
    QByteArray out = begin();
    if (m_done)
        return out;
    content(out, QString(), true);
    // Calls still without arguments (the normaliser always sends them; defensive): {}.
    for (Call &c : m_calls)
        if (!c.haveArgs) {
            c.args = u"{}"_s;
            c.haveArgs = true;
        }
    if (m_open >= 0 && m_items.at(m_open).kind == Item::Kind::Call)
        callArgs(out, m_items.at(m_open).call);
    openQueuedCalls(out);
    closeOpen(out);
    m_done = true;
    QLatin1String type = "response.completed"_L1;
    m_status = u"completed"_s;
    if (m_finishReason == u"length" || m_finishReason == u"content_filter") {
        type = "response.incomplete"_L1;
        m_status = u"incomplete"_s;
    }
    event(out, type, QJsonObject{{"response"_L1, responseJson(m_status)}});
    return out;
}

QByteArray StreamEncoder::fail(const Error &error)
{
    QByteArray out = begin();
    if (m_done)
        return out;
    // Close what is open, marked incomplete; a call whose arguments never came is closed with {}
    // (every added item gets its done event), queued ones were never shown and are dropped.
    m_queued.clear();
    m_held.clear();
    m_thinkFilter.clear();
    if (m_open >= 0) {
        m_items[m_open].incomplete = true;
        if (m_items.at(m_open).kind == Item::Kind::Call &&
            !m_calls.at(m_items.at(m_open).call).haveArgs) {
            m_calls[m_items.at(m_open).call].args = u"{}"_s;
            callArgs(out, m_items.at(m_open).call);
        }
    }
    m_queued.clear();
    m_held.clear();
    closeOpen(out);
    m_done = true;
    m_status = u"failed"_s;
    QString message = error.message;
    const QString code = failureCode(error);
    // Codex waits and retries when the message says exactly this (its own pattern is
    // "Please try again in <number>s|ms"); other wordings of the delay do not count.
    static const QRegularExpression delay(u"Please try again in \\d+(\\.\\d+)?(s|ms)"_s);
    if (code == u"rate_limit_exceeded" && !delay.match(message).hasMatch())
        message += u" Please try again in %1s."_s.arg(error.retryAfterSeconds.value_or(5));
    m_error = QJsonObject{{"code"_L1, code}, {"message"_L1, message}};
    event(out, "response.failed"_L1, QJsonObject{{"response"_L1, responseJson(m_status)}});
    return out;
}

QJsonArray StreamEncoder::outputItems() const
{
    QJsonArray items;
    for (const Item &i : m_items)
        if (i.done)
            items.append(i.doneItem);
    return items;
}

QJsonObject StreamEncoder::responseJson(const QString &status) const
{
    QJsonObject r = m_info.echo;
    r.insert("id"_L1, m_info.id);
    r.insert("object"_L1, "response"_L1);
    r.insert("created_at"_L1, m_info.createdAt);
    r.insert("status"_L1, status);
    r.insert("model"_L1, m_info.model);
    r.insert("output"_L1, status == u"in_progress" ? QJsonArray() : outputItems());
    r.insert("error"_L1, m_error.isEmpty() ? QJsonValue() : QJsonValue(m_error));
    r.insert("incomplete_details"_L1,
             status == u"incomplete"
                 ? QJsonValue(QJsonObject{{"reason"_L1, m_finishReason == u"length"
                                                            ? u"max_output_tokens"_s
                                                            : u"content_filter"_s}})
                 : QJsonValue());
    if (m_usage.known && status != u"in_progress") {
        r.insert("usage"_L1,
                 QJsonObject{{"input_tokens"_L1, m_usage.promptTokens},
                             {"input_tokens_details"_L1,
                              QJsonObject{{"cached_tokens"_L1, m_usage.cachedTokens}}},
                             {"output_tokens"_L1, m_usage.completionTokens},
                             {"output_tokens_details"_L1,
                              QJsonObject{{"reasoning_tokens"_L1, m_reasoningTokens}}},
                             {"total_tokens"_L1, m_usage.promptTokens + m_usage.completionTokens}});
    } else {
        r.insert("usage"_L1, QJsonValue());
    }
    return r;
}

QJsonObject StreamEncoder::response() const
{
    return responseJson(m_status);
}

QJsonObject fromChatCompletion(const QJsonObject &completion, const ResponseInfo &info,
                               Usage *usage)
{
    // The message as chunks: the normaliser repairs and completes the calls as on a stream.
    const QJsonObject choice = completion.value("choices"_L1).toArray().first().toObject();
    const QJsonObject message = choice.value("message"_L1).toObject();
    QList<QJsonObject> chunks;
    const auto chunk = [&](const QJsonObject &delta, const QJsonValue &finish) {
        chunks.append(
            QJsonObject{{"id"_L1, completion.value("id"_L1)},
                        {"object"_L1, "chat.completion.chunk"_L1},
                        {"choices"_L1, QJsonArray{QJsonObject{{"index"_L1, 0},
                                                              {"delta"_L1, delta},
                                                              {"finish_reason"_L1, finish}}}}});
    };
    QString reasoning = message.value("reasoning_content"_L1).toString();
    if (reasoning.isEmpty())
        reasoning = message.value("reasoning"_L1).toString();
    if (!reasoning.isEmpty())
        chunk(QJsonObject{{"reasoning_content"_L1, reasoning}}, QJsonValue::Null);
    if (!message.value("content"_L1).toString().isEmpty())
        chunk(QJsonObject{{"content"_L1, message.value("content"_L1)}}, QJsonValue::Null);
    const QJsonArray calls = message.value("tool_calls"_L1).toArray();
    for (qsizetype i = 0; i < calls.size(); ++i) {
        QJsonObject c = calls.at(i).toObject();
        c.insert("index"_L1, int(i));
        QJsonObject fn = c.value("function"_L1).toObject();
        if (fn.value("arguments"_L1).isObject())
            fn.insert("arguments"_L1,
                      QString::fromUtf8(QJsonDocument(fn.value("arguments"_L1).toObject())
                                            .toJson(QJsonDocument::Compact)));
        c.insert("function"_L1, fn);
        chunk(QJsonObject{{"tool_calls"_L1, QJsonArray{c}}}, QJsonValue::Null);
    }
    const QString finish = choice.value("finish_reason"_L1).toString(u"stop"_s);
    chunk(QJsonObject{}, finish);
    if (completion.value("usage"_L1).isObject())
        chunks.append(
            QJsonObject{{"choices"_L1, QJsonArray()}, {"usage"_L1, completion.value("usage"_L1)}});

    OpenAIStreamNormalizer normalizer(true);
    StreamEncoder encoder(info);
    for (const QJsonObject &c : std::as_const(chunks)) {
        const auto step = normalizer.onEvent(compactJson(c));
        for (const QByteArray &p : step.out)
            encoder.onChunk(QJsonDocument::fromJson(p).object());
    }
    for (const QByteArray &p : normalizer.finish())
        encoder.onChunk(QJsonDocument::fromJson(p).object());
    encoder.finish();
    if (usage)
        *usage = encoder.usage();
    return encoder.response();
}

} // namespace qp::responses
