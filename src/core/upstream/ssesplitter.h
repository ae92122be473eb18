#pragma once
// Splits an upstream text/event-stream into the payloads of its `data:` fields, one per event.
// Bytes arrive in arbitrary pieces (a chunk can end mid-line); only whole events come out.

#include <QByteArray>
#include <QList>

namespace qp {

// One SSE line or event larger than this ends the stream: an upstream that never sends a newline
// would otherwise grow the proxy's memory without bound (a 300 MB line was seen).
constexpr qsizetype kMaxSseEventBytes = qsizetype(1) << 20;

class SseSplitter
{
public:
    // Appends bytes and returns the data payloads of every event completed by them. Events with
    // several data lines are joined with '\n' (the SSE rule). Comments and other fields are
    // ignored.
    QList<QByteArray> feed(QByteArrayView bytes);
    // At end of stream: a final event not terminated by a blank line (some servers do that).
    QList<QByteArray> flush();
    bool hasPartial() const { return !m_buffer.isEmpty() || !m_data.isEmpty(); }
    // A line or event went over kMaxSseEventBytes: what was pending is dropped, feed() returns
    // nothing more, and the caller ends the stream.
    bool overflowed() const { return m_overflowed; }

private:
    void takeLine(QByteArrayView line, QList<QByteArray> &out);
    bool checkSize();
    QByteArray m_buffer;
    QByteArray m_data;
    bool m_hasData = false;
    bool m_overflowed = false;
};

// One whole SSE event with the exact bytes it arrived as, blank line included, for relays that
// forward an upstream's stream verbatim (Anthropic-compatible upstreams) yet need its event name
// and data to follow it.
struct SseFrame {
    QByteArray raw;   // the event's bytes, byte for byte; concatenated frames = the stream
    QByteArray event; // the "event:" field, empty when absent
    QByteArray data;  // the "data:" lines joined with '\n'
    bool hasData = false;
};

class SseFrameSplitter
{
public:
    QList<SseFrame> feed(QByteArrayView bytes);
    // At end of stream: what is left, as a frame, even without its blank line.
    QList<SseFrame> flush();
    bool overflowed() const { return m_overflowed; } // as SseSplitter::overflowed()

private:
    void takeLine(QList<SseFrame> &out);
    bool checkSize();
    QByteArray m_line; // the current line, up to and including its '\n'
    SseFrame m_frame;
    bool m_overflowed = false;
};

} // namespace qp
