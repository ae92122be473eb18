#include "protocol/anthropicstreamchecker.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <optional>

namespace qp::anthropic {
namespace {

using namespace Qt::StringLiterals;

bool isNumber(const QJsonValue &v)
{
    return v.isDouble();
}

std::optional<QJsonObject> parseObject(const QString &json)
{
    if (json.trimmed().isEmpty())
        return QJsonObject{};
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

} // namespace

QList<QPair<QString, QJsonObject>> parseSseEvents(const QByteArray &sse)
{
    QList<QPair<QString, QJsonObject>> events;
    QByteArray normalized = sse;
    normalized.replace("\r\n", "\n");
    const QList<QByteArray> frames = normalized.split('\n');
    QString name;
    QByteArray data;
    bool haveData = false;
    auto flush = [&] {
        if (haveData) {
            QJsonParseError err{};
            const QJsonDocument doc = QJsonDocument::fromJson(data, &err);
            if (err.error == QJsonParseError::NoError && doc.isObject())
                events.append({name, doc.object()});
            else
                events.append({name, QJsonObject{{"_raw"_L1, QString::fromUtf8(data)}}});
        } else if (!name.isEmpty()) {
            events.append({name, QJsonObject{{"_raw"_L1, QString()}}});
        }
        name.clear();
        data.clear();
        haveData = false;
    };
    for (const QByteArray &line : frames) {
        if (line.isEmpty()) {
            flush();
            continue;
        }
        if (line.startsWith(':'))
            continue;
        const qsizetype colon = line.indexOf(':');
        const QByteArray field = colon < 0 ? line : line.left(colon);
        QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
        if (value.startsWith(' '))
            value.remove(0, 1);
        if (field == "event") {
            name = QString::fromUtf8(value);
        } else if (field == "data") {
            if (haveData)
                data += '\n';
            data += value;
            haveData = true;
        }
    }
    flush(); // a last frame without its blank line is still reported (the checker flags it)
    return events;
}

QStringList checkAnthropicStream(const QByteArray &sse)
{
    QStringList v;
    if (!sse.isEmpty() && !sse.endsWith("\n\n") && !sse.endsWith("\r\n\r\n"))
        v << u"stream does not end with a blank line (truncated frame)"_s;
    const auto events = parseSseEvents(sse);
    if (events.isEmpty()) {
        v << u"no events"_s;
        return v;
    }

    static const QSet<QString> stopReasons = {u"end_turn"_s, u"max_tokens"_s, u"stop_sequence"_s,
                                              u"tool_use"_s, u"pause_turn"_s, u"refusal"_s};
    static const QSet<QString> errorTypes = {u"invalid_request_error"_s,
                                             u"authentication_error"_s,
                                             u"permission_error"_s,
                                             u"not_found_error"_s,
                                             u"request_too_large"_s,
                                             u"rate_limit_error"_s,
                                             u"api_error"_s,
                                             u"overloaded_error"_s,
                                             u"billing_error"_s,
                                             u"timeout_error"_s};

    int messageStarts = 0, messageDeltas = 0, messageStops = 0, errors = 0;
    int nextIndex = 0;
    int openIndex = -1;
    QString openType;
    QString openJson;
    int toolBlocks = 0;
    bool ended = false;
    QString stopReason;

    for (qsizetype i = 0; i < events.size(); ++i) {
        const QString &name = events.at(i).first;
        const QJsonObject &d = events.at(i).second;
        const QString where = u"event "_s % QString::number(i) % u" ("_s % name % u"): "_s;
        if (d.contains("_raw"_L1)) {
            v << where % u"data is not a JSON object: "_s % d.value("_raw"_L1).toString().left(80);
            continue;
        }
        const QString type = d.value("type"_L1).toString();
        if (name != type)
            v << where % u"event name differs from data.type '"_s % type % u"'"_s;
        if (ended) {
            v << where % u"event after the end of the stream"_s;
            continue;
        }
        if (i == 0 && type != "message_start"_L1)
            v << where % u"first event must be message_start"_s;

        if (type == "message_start"_L1) {
            if (++messageStarts > 1)
                v << where % u"second message_start"_s;
            const QJsonObject m = d.value("message"_L1).toObject();
            if (!m.value("id"_L1).toString().startsWith("msg_"_L1))
                v << where % u"message.id must start with msg_"_s;
            if (m.value("type"_L1).toString() != "message"_L1)
                v << where % u"message.type must be 'message'"_s;
            if (m.value("role"_L1).toString() != "assistant"_L1)
                v << where % u"message.role must be 'assistant'"_s;
            if (!m.value("content"_L1).isArray() || !m.value("content"_L1).toArray().isEmpty())
                v << where % u"message.content must be an empty array"_s;
            if (!m.value("model"_L1).isString())
                v << where % u"message.model must be a string"_s;
            if (!m.value("stop_reason"_L1).isNull())
                v << where % u"message.stop_reason must be null"_s;
            const QJsonObject u = m.value("usage"_L1).toObject();
            if (!isNumber(u.value("input_tokens"_L1)) || !isNumber(u.value("output_tokens"_L1)))
                v << where % u"message.usage needs numeric input_tokens and output_tokens"_s;
            continue;
        }
        if (messageStarts == 0) {
            v << where % u"event before message_start"_s;
        }
        if (type == "ping"_L1)
            continue;
        if (type == "content_block_start"_L1) {
            const int index = d.value("index"_L1).toInt(-1);
            if (!d.value("index"_L1).isDouble() || index != nextIndex)
                v << where % u"block index "_s % QString::number(index) % u", expected "_s %
                         QString::number(nextIndex);
            if (openIndex >= 0)
                v << where % u"block "_s % QString::number(openIndex) % u" is still open"_s;
            if (messageDeltas > 0)
                v << where % u"block started after message_delta"_s;
            const QJsonObject b = d.value("content_block"_L1).toObject();
            const QString bt = b.value("type"_L1).toString();
            if (bt == "text"_L1) {
                if (b.value("text"_L1).toString() != QString() || !b.value("text"_L1).isString())
                    v << where % u"text block must start with text \"\""_s;
            } else if (bt == "thinking"_L1) {
                if (!b.value("thinking"_L1).isString())
                    v << where % u"thinking block needs a thinking string"_s;
            } else if (bt == "tool_use"_L1) {
                ++toolBlocks;
                if (b.value("id"_L1).toString().isEmpty())
                    v << where % u"tool_use block needs a non-empty id"_s;
                if (b.value("name"_L1).toString().isEmpty())
                    v << where % u"tool_use block needs a non-empty name"_s;
                if (!b.value("input"_L1).isObject() || !b.value("input"_L1).toObject().isEmpty())
                    v << where % u"tool_use block must start with input {}"_s;
            } else if (bt != "redacted_thinking"_L1) {
                v << where % u"unknown content block type '"_s % bt % u"'"_s;
            }
            nextIndex = qMax(nextIndex, index + 1);
            openIndex = index;
            openType = bt;
            openJson.clear();
            continue;
        }
        if (type == "content_block_delta"_L1) {
            const int index = d.value("index"_L1).toInt(-1);
            if (openIndex < 0 || index != openIndex) {
                v << where % u"delta for block "_s % QString::number(index) %
                         u" which is not open"_s;
                continue;
            }
            const QJsonObject delta = d.value("delta"_L1).toObject();
            const QString dt = delta.value("type"_L1).toString();
            if (dt == "text_delta"_L1) {
                if (openType != "text"_L1)
                    v << where % u"text_delta into a "_s % openType % u" block"_s;
                if (!delta.value("text"_L1).isString())
                    v << where % u"text_delta without a text string"_s;
            } else if (dt == "thinking_delta"_L1 || dt == "signature_delta"_L1) {
                if (openType != "thinking"_L1)
                    v << where % dt % u" into a "_s % openType % u" block"_s;
                const QLatin1String field =
                    dt == "thinking_delta"_L1 ? "thinking"_L1 : "signature"_L1;
                if (!delta.value(field).isString())
                    v << where % dt % u" without a "_s % field % u" string"_s;
            } else if (dt == "input_json_delta"_L1) {
                if (openType != "tool_use"_L1)
                    v << where % u"input_json_delta into a "_s % openType % u" block"_s;
                if (!delta.value("partial_json"_L1).isString())
                    v << where % u"input_json_delta without a partial_json string"_s;
                openJson += delta.value("partial_json"_L1).toString();
            } else {
                v << where % u"unknown delta type '"_s % dt % u"'"_s;
            }
            continue;
        }
        if (type == "content_block_stop"_L1) {
            const int index = d.value("index"_L1).toInt(-1);
            if (openIndex < 0 || index != openIndex) {
                v << where % u"stop for block "_s % QString::number(index) %
                         u" which is not open"_s;
                continue;
            }
            if (openType == "tool_use"_L1 && !parseObject(openJson))
                v << where % u"tool_use input is not a JSON object: "_s % openJson.left(120);
            openIndex = -1;
            continue;
        }
        if (type == "message_delta"_L1) {
            if (++messageDeltas > 1)
                v << where % u"second message_delta"_s;
            if (openIndex >= 0)
                v << where % u"message_delta while block "_s % QString::number(openIndex) %
                         u" is open"_s;
            stopReason = d.value("delta"_L1).toObject().value("stop_reason"_L1).toString();
            if (!stopReasons.contains(stopReason))
                v << where % u"invalid stop_reason '"_s % stopReason % u"'"_s;
            if (!isNumber(d.value("usage"_L1).toObject().value("output_tokens"_L1)))
                v << where % u"message_delta.usage.output_tokens must be a number"_s;
            if (stopReason == "tool_use"_L1 && toolBlocks == 0)
                v << where % u"stop_reason tool_use without a tool_use block"_s;
            if (toolBlocks > 0 && stopReason == "end_turn"_L1)
                v << where % u"tool_use blocks but stop_reason end_turn"_s;
            continue;
        }
        if (type == "message_stop"_L1) {
            ++messageStops;
            if (messageDeltas == 0)
                v << where % u"message_stop without message_delta"_s;
            if (openIndex >= 0)
                v << where % u"message_stop while a block is open"_s;
            ended = true;
            continue;
        }
        if (type == "error"_L1) {
            ++errors;
            const QJsonObject e = d.value("error"_L1).toObject();
            if (!errorTypes.contains(e.value("type"_L1).toString()))
                v << where % u"error.type '"_s % e.value("type"_L1).toString() %
                         u"' is not an Anthropic error type"_s;
            if (!e.value("message"_L1).isString())
                v << where % u"error.message must be a string"_s;
            if (openIndex >= 0)
                v << where % u"error while block "_s % QString::number(openIndex) % u" is open"_s;
            ended = true;
            continue;
        }
        v << where % u"unknown event type '"_s % type % u"'"_s;
    }
    if (messageStarts == 0)
        v << u"no message_start"_s;
    if (!ended)
        v << u"stream ends without message_stop or error"_s;
    if (errors == 0 && messageStops != 1)
        v << u"expected exactly one message_stop"_s;
    return v;
}

QJsonObject accumulateAnthropicStream(const QByteArray &sse)
{
    QJsonObject message;
    QJsonArray content;
    QHash<int, QString> jsonBufs;
    const auto events = parseSseEvents(sse);
    for (const auto &event : events) {
        const QJsonObject &d = event.second;
        const QString type = d.value("type"_L1).toString();
        if (type == "message_start"_L1) {
            message = d.value("message"_L1).toObject();
            content = QJsonArray();
        } else if (type == "content_block_start"_L1) {
            content.append(d.value("content_block"_L1));
        } else if (type == "content_block_delta"_L1) {
            const int index = d.value("index"_L1).toInt(-1);
            if (index < 0 || index >= content.size())
                continue;
            QJsonObject block = content.at(index).toObject();
            const QJsonObject delta = d.value("delta"_L1).toObject();
            const QString dt = delta.value("type"_L1).toString();
            const QString bt = block.value("type"_L1).toString();
            if (dt == "text_delta"_L1 && bt == "text"_L1)
                block.insert("text"_L1, QString(block.value("text"_L1).toString() +
                                                delta.value("text"_L1).toString()));
            else if (dt == "thinking_delta"_L1 && bt == "thinking"_L1)
                block.insert("thinking"_L1, QString(block.value("thinking"_L1).toString() +
                                                    delta.value("thinking"_L1).toString()));
            else if (dt == "signature_delta"_L1 && bt == "thinking"_L1)
                block.insert("signature"_L1, delta.value("signature"_L1));
            else if (dt == "input_json_delta"_L1 && bt == "tool_use"_L1)
                jsonBufs[index] += delta.value("partial_json"_L1).toString();
            content[index] = block;
        } else if (type == "content_block_stop"_L1) {
            const int index = d.value("index"_L1).toInt(-1);
            if (index < 0 || index >= content.size() || !jsonBufs.contains(index))
                continue;
            QJsonObject block = content.at(index).toObject();
            const auto input = parseObject(jsonBufs.value(index));
            block.insert("input"_L1, input ? QJsonValue(*input) : QJsonValue(QJsonValue::Null));
            content[index] = block;
        } else if (type == "message_delta"_L1) {
            const QJsonObject delta = d.value("delta"_L1).toObject();
            message.insert("stop_reason"_L1, delta.value("stop_reason"_L1));
            message.insert("stop_sequence"_L1, delta.value("stop_sequence"_L1));
            QJsonObject usage = message.value("usage"_L1).toObject();
            const QJsonObject du = d.value("usage"_L1).toObject();
            for (auto it = du.constBegin(); it != du.constEnd(); ++it) {
                if (!it.value().isNull())
                    usage.insert(it.key(), it.value());
            }
            message.insert("usage"_L1, usage);
        } else if (type == "error"_L1) {
            message.insert("error"_L1, d.value("error"_L1));
        }
    }
    message.insert("content"_L1, content);
    return message;
}

} // namespace qp::anthropic
