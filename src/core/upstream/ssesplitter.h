#pragma once
// Splits an upstream text/event-stream into the payloads of its `data:` fields, one per event.
// Bytes arrive in arbitrary pieces (a chunk can end mid-line); only whole events come out.

#include <QByteArray>
#include <QList>

namespace qp {

class SseSplitter
{
public:
    // Appends bytes and returns the data payloads of every event completed by them. Events with
    // several data lines are joined with '\n' (the SSE rule). Comments and other fields are ignored.
    QList<QByteArray> feed(QByteArrayView bytes);
    // At end of stream: a final event not terminated by a blank line (some servers do that).
    QList<QByteArray> flush();
    bool hasPartial() const { return !m_buffer.isEmpty() || !m_data.isEmpty(); }

private:
    void takeLine(QByteArrayView line, QList<QByteArray> &out);
    QByteArray m_buffer;
    QByteArray m_data;
    bool m_hasData = false;
};

} // namespace qp
