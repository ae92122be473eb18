#pragma once
// The Responses kept for previous_response_id and item_reference: each response's input and
// output items, in memory only, bounded by count and bytes (settings responses_store_count and
// responses_store_bytes); the oldest are evicted first. One thread (the engine's) uses it.

#include "common/error.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace qp::responses {

class ResponseStore
{
public:
    ResponseStore(int maxCount, qint64 maxBytes) : m_maxCount(maxCount), m_maxBytes(maxBytes) {}

    // `input` is the request's input as resolved (previous items included), `output` the done
    // items. Items with an id become reachable by item_reference.
    void put(const QString &responseId, const QJsonArray &input, const QJsonArray &output);
    bool contains(const QString &responseId) const { return m_entries.contains(responseId); }
    int size() const { return int(m_entries.size()); }
    qint64 bytes() const { return m_bytes; }

    // The body with previous_response_id and item_reference resolved: the input becomes the
    // previous response's input and output followed by this input. Unknown or evicted ids are a
    // 400 (code previous_response_not_found, or naming the item).
    Result<QJsonObject> expand(QJsonObject body) const;

private:
    struct Entry {
        QJsonArray input;
        QJsonArray output;
        qint64 bytes = 0;
    };
    void evict();

    int m_maxCount;
    qint64 m_maxBytes;
    qint64 m_bytes = 0;
    QHash<QString, Entry> m_entries;
    QList<QString> m_order;                      // oldest first
    QHash<QString, QPair<QString, int>> m_items; // item id -> response id, index in input+output
};

// The request's input as an item list (a string input becomes one user message).
QJsonArray inputItems(const QJsonObject &body);

} // namespace qp::responses
