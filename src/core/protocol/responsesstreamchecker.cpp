#include "protocol/responsesstreamchecker.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

using namespace Qt::StringLiterals;

namespace qp::responses {

CheckedStream checkResponsesStream(const QByteArray &sse)
{
    CheckedStream r;
    QStringList &p = r.problems;
    // Frames: "event: T\ndata: {...}\n\n".
    const QList<QByteArray> frames = sse.split('\n');
    QByteArray name;
    QList<QPair<QByteArray, QJsonObject>> events;
    for (const QByteArray &line : frames) {
        if (line.startsWith("event: ")) {
            name = line.mid(7);
        } else if (line.startsWith("data: ")) {
            const QByteArray data = line.mid(6);
            if (data == "[DONE]") {
                p << u"a [DONE] line (the Responses API has none)"_s;
                continue;
            }
            const QJsonDocument doc = QJsonDocument::fromJson(data);
            if (!doc.isObject()) {
                p << u"data is not a JSON object: "_s + QString::fromUtf8(data.left(80));
                continue;
            }
            events.append({name, doc.object()});
            name.clear();
        }
    }
    struct Item {
        QString id;
        QString type;
        QString text; // concatenated deltas
        bool done = false;
        QJsonObject doneItem;
    };
    QList<Item> items;
    int open = -1;
    QString responseId;
    bool terminal = false;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonObject e = events.at(i).second;
        r.events.append(e);
        const QString type = e.value("type"_L1).toString();
        const QString at = u"event %1 (%2): "_s.arg(i).arg(type);
        if (QString::fromUtf8(events.at(i).first) != type)
            p << at + u"event name '%1' differs from data.type"_s.arg(
                          QString::fromUtf8(events.at(i).first));
        if (e.value("sequence_number"_L1).toInt(-1) != i)
            p << at + u"sequence_number %1, expected %2"_s
                          .arg(e.value("sequence_number"_L1).toInt(-1))
                          .arg(i);
        if (terminal)
            p << at + u"an event after the terminal event"_s;
        if (i == 0 && type != u"response.created")
            p << at + u"the first event must be response.created"_s;
        if (i == 1 && type != u"response.in_progress")
            p << at + u"the second event must be response.in_progress"_s;
        if (type == u"response.created") {
            responseId = e.value("response"_L1).toObject().value("id"_L1).toString();
            if (!responseId.startsWith(u"resp_"))
                p << at + u"response id must start with resp_"_s;
            continue;
        }
        if (type == u"response.in_progress" || type == u"error")
            continue;
        if (type == u"response.completed" || type == u"response.incomplete" ||
            type == u"response.failed") {
            terminal = true;
            r.terminalType = type;
            r.terminal = e.value("response"_L1).toObject();
            if (r.terminal.value("id"_L1).toString() != responseId)
                p << at + u"terminal response id differs from the created one"_s;
            if (open >= 0)
                p << at + u"item %1 still open"_s.arg(open);
            const QJsonArray output = r.terminal.value("output"_L1).toArray();
            if (output.size() != items.size())
                p << at + u"terminal output has %1 items, %2 were added"_s.arg(output.size())
                              .arg(items.size());
            for (qsizetype k = 0; k < std::min<qsizetype>(output.size(), items.size()); ++k)
                if (output.at(k).toObject() != items.at(k).doneItem)
                    p << at + u"terminal output[%1] differs from its output_item.done"_s.arg(k);
            const QJsonValue usage = r.terminal.value("usage"_L1);
            if (!usage.isNull()) {
                const QJsonObject u = usage.toObject();
                for (const char *k : {"input_tokens", "output_tokens", "total_tokens"})
                    if (!u.value(QLatin1String(k)).isDouble())
                        p << at + u"usage without %1"_s.arg(QLatin1String(k));
                if (!u.value("input_tokens_details"_L1)
                         .toObject()
                         .value("cached_tokens"_L1)
                         .isDouble() ||
                    !u.value("output_tokens_details"_L1)
                         .toObject()
                         .value("reasoning_tokens"_L1)
                         .isDouble())
                    p << at + u"usage details incomplete"_s;
            }
            continue;
        }
        const int index = e.value("output_index"_L1).toInt(-1);
        if (type == u"response.output_item.added") {
            if (open >= 0)
                p << at + u"item %1 added while item %2 is open"_s.arg(index).arg(open);
            if (index != items.size())
                p << at + u"output_index %1, expected %2"_s.arg(index).arg(items.size());
            const QJsonObject item = e.value("item"_L1).toObject();
            items.append(Item{
                item.value("id"_L1).toString(), item.value("type"_L1).toString(), {}, false, {}});
            open = int(items.size()) - 1;
            continue;
        }
        if (index < 0 || index >= items.size() || index != open) {
            p << at + u"names output_index %1, the open item is %2"_s.arg(index).arg(open);
            continue;
        }
        Item &item = items[index];
        if (e.contains("item_id"_L1) && e.value("item_id"_L1).toString() != item.id)
            p << at + u"item_id differs from the open item's id"_s;
        const auto expectType = [&](std::initializer_list<const char16_t *> types) {
            for (const char16_t *t : types)
                if (item.type == QStringView(t))
                    return;
            p << at + u"does not fit an item of type "_s + item.type;
        };
        if (type == u"response.output_text.delta" ||
            type == u"response.reasoning_summary_text.delta" ||
            type == u"response.function_call_arguments.delta" ||
            type == u"response.custom_tool_call_input.delta") {
            if (type == u"response.output_text.delta")
                expectType({u"message"});
            else if (type == u"response.reasoning_summary_text.delta")
                expectType({u"reasoning"});
            else if (type == u"response.function_call_arguments.delta")
                expectType({u"function_call"});
            else
                expectType({u"custom_tool_call"});
            item.text += e.value("delta"_L1).toString();
        } else if (type == u"response.output_text.done" ||
                   type == u"response.reasoning_summary_text.done") {
            if (e.value("text"_L1).toString() != item.text)
                p << at + u"done text differs from the deltas"_s;
        } else if (type == u"response.function_call_arguments.done") {
            // Deltas that do not form JSON were repaired: only then may the done value differ.
            if (e.value("arguments"_L1).toString() != item.text &&
                QJsonDocument::fromJson(item.text.toUtf8()).isObject())
                p << at + u"done arguments differ from the deltas"_s;
            if (!QJsonDocument::fromJson(e.value("arguments"_L1).toString().toUtf8()).isObject())
                p << at + u"arguments are not a JSON object"_s;
        } else if (type == u"response.custom_tool_call_input.done") {
            if (e.value("input"_L1).toString() != item.text)
                p << at + u"done input differs from the deltas"_s;
        } else if (type == u"response.output_item.done") {
            const QJsonObject done = e.value("item"_L1).toObject();
            item.done = true;
            item.doneItem = done;
            open = -1;
            if (done.value("id"_L1).toString() != item.id)
                p << at + u"done item id differs"_s;
            if (item.type == u"message") {
                const QString t = done.value("content"_L1)
                                      .toArray()
                                      .first()
                                      .toObject()
                                      .value("text"_L1)
                                      .toString();
                if (t.isEmpty())
                    p << at + u"an empty message"_s;
                if (t != item.text)
                    p << at + u"message text differs from the deltas"_s;
            } else if (item.type == u"function_call") {
                if (done.value("arguments"_L1).toString() != item.text &&
                    QJsonDocument::fromJson(item.text.toUtf8()).isObject())
                    p << at + u"item arguments differ from the deltas"_s;
                if (done.value("call_id"_L1).toString().isEmpty() ||
                    done.value("name"_L1).toString().isEmpty())
                    p << at + u"function_call without call_id or name"_s;
            } else if (item.type == u"reasoning") {
                if (done.value("summary"_L1)
                        .toArray()
                        .first()
                        .toObject()
                        .value("text"_L1)
                        .toString() != item.text)
                    p << at + u"reasoning summary differs from the deltas"_s;
            }
        } else if (type == u"response.content_part.added" ||
                   type == u"response.content_part.done") {
            expectType({u"message"});
        } else if (type == u"response.reasoning_summary_part.added" ||
                   type == u"response.reasoning_summary_part.done") {
            expectType({u"reasoning"});
        } else {
            p << at + u"unknown event type"_s;
        }
    }
    if (!terminal)
        p << u"no terminal event"_s;
    for (qsizetype k = 0; k < items.size(); ++k)
        if (!items.at(k).done)
            p << u"item %1 never got output_item.done"_s.arg(k);
    return r;
}

} // namespace qp::responses
