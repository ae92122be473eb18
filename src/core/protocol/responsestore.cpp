#include "protocol/responsestore.h"

#include "protocol/jsonbytes.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qp::responses {

QJsonArray inputItems(const QJsonObject &body)
{
    const QJsonValue input = body.value("input"_L1);
    if (input.isString())
        return QJsonArray{
            QJsonObject{{"type"_L1, "message"_L1}, {"role"_L1, "user"_L1}, {"content"_L1, input}}};
    return input.toArray();
}

void ResponseStore::put(const QString &responseId, const QJsonArray &input,
                        const QJsonArray &output)
{
    if (m_maxCount <= 0 || responseId.isEmpty())
        return;
    Entry e{input, output, 0};
    e.bytes = QJsonDocument(input).toJson(QJsonDocument::Compact).size() +
              QJsonDocument(output).toJson(QJsonDocument::Compact).size();
    if (e.bytes > m_maxBytes)
        return; // larger than the whole store: never kept
    if (m_entries.contains(responseId)) {
        m_bytes -= m_entries.value(responseId).bytes;
        m_order.removeOne(responseId);
    }
    int index = 0;
    for (const QJsonArray &items : {input, output})
        for (const QJsonValue &v : items) {
            const QString id = v.toObject().value("id"_L1).toString();
            if (!id.isEmpty() && v.toObject().value("type"_L1).toString() != u"item_reference")
                m_items.insert(id, {responseId, index});
            ++index;
        }
    m_entries.insert(responseId, e);
    m_order.append(responseId);
    m_bytes += e.bytes;
    evict();
}

void ResponseStore::evict()
{
    while (!m_order.isEmpty() && (m_order.size() > m_maxCount || m_bytes > m_maxBytes)) {
        const QString id = m_order.takeFirst();
        m_bytes -= m_entries.value(id).bytes;
        m_entries.remove(id);
        for (auto it = m_items.begin(); it != m_items.end();)
            it = it.value().first == id ? m_items.erase(it) : std::next(it);
    }
}

Result<QJsonObject> ResponseStore::expand(QJsonObject body) const
{
    QJsonArray items;
    const QJsonValue previous = body.value("previous_response_id"_L1);
    if (previous.isString() && !previous.toString().isEmpty()) {
        const auto it = m_entries.constFind(previous.toString());
        if (it == m_entries.constEnd()) {
            Error e = Error::make(
                Error::Kind::InvalidRequest,
                u"Previous response with id '%1' not found (this proxy keeps "
                "responses in memory, and only the most recent ones)."_s.arg(previous.toString()));
            e.param = u"previous_response_id"_s;
            e.code = u"previous_response_not_found"_s;
            return e;
        }
        for (const QJsonValue &v : it->input)
            items.append(v);
        for (const QJsonValue &v : it->output)
            items.append(v);
    } else if (!previous.isUndefined() && !previous.isNull()) {
        Error e =
            Error::make(Error::Kind::InvalidRequest, u"previous_response_id: expected a string"_s);
        e.param = u"previous_response_id"_s;
        return e;
    }
    const QJsonValue inputValue = body.value("input"_L1);
    const QJsonArray input = inputItems(body);
    bool changed = !items.isEmpty();
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonObject item = input.at(i).toObject();
        if (item.value("type"_L1).toString() != u"item_reference") {
            items.append(input.at(i));
            continue;
        }
        changed = true;
        const QString id = item.value("id"_L1).toString();
        const auto ref = m_items.constFind(id);
        if (ref == m_items.constEnd()) {
            Error e = Error::make(Error::Kind::InvalidRequest,
                                  u"Item with id '%1' not found (this proxy keeps items of recent "
                                  "responses in memory only)."_s.arg(id));
            e.param = u"input[%1].id"_s.arg(i);
            return e;
        }
        const Entry &entry = m_entries[ref->first];
        const int n = ref->second;
        items.append(n < entry.input.size() ? entry.input.at(n)
                                            : entry.output.at(n - entry.input.size()));
    }
    if (changed || !inputValue.isString())
        body.insert("input"_L1, items);
    body.remove("previous_response_id"_L1);
    return body;
}

} // namespace qp::responses
