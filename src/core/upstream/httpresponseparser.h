#pragma once
// Incremental HTTP/1.1 response parser for HttpClient: status line, headers, and the body framing
// (Content-Length, chunked with extensions and trailers, read-until-close). It owns the input
// buffer and hands out de-chunked body bytes as they arrive; the caller pulls one event at a time
// so it can stop the moment a signal handler deleted or aborted the request.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace qp {

class HttpResponseParser
{
public:
    enum class Event { NeedMore, Head, Body, Done, Error };
    enum class EofResult { Complete, NothingReceived, Truncated };
    static constexpr qsizetype maxHeadBytes = 64 * 1024; // per header block and per trailer block
    static constexpr qsizetype maxChunkLineBytes = 4096;

    // Resets for a new response. `headRequest`: a response to HEAD never has a body.
    void start(bool headRequest);
    void append(const QByteArray &data);
    Event next();
    // The connection ended: what that means for the response in progress. Call next() until
    // NeedMore first, so a read-until-close body has been handed out.
    EofResult eof();

    int status() const { return m_status; }
    QList<QPair<QByteArray, QByteArray>> takeHeaders() { return std::move(m_headers); }
    QByteArray takeBody() { return std::move(m_body); }
    QString errorString() const { return m_error; }
    // Whether the connection may carry another request after Done.
    bool keepAlive() const { return m_keepAlive && m_framing != Framing::UntilClose; }
    // Bytes beyond the end of the response (a server that pipelines or misbehaves).
    bool hasLeftover() const { return m_pos < m_buf.size(); }
    bool receivedAnything() const { return m_received; }

private:
    enum class State {
        StatusLine,
        HeaderLines,
        Length,
        UntilClose,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Done,
        Failed
    };
    enum class Framing { None, Length, Chunked, UntilClose };

    enum class Line { Ok, More, TooLong };
    Line takeLine(QByteArrayView *line, qsizetype limit, qsizetype *counter);
    Event fail(const QString &message);
    Event headTooLarge();
    bool parseStatusLine(QByteArrayView line);
    bool parseHeaderLine(QByteArrayView line);
    Event endOfHead();
    Event chunked();
    QByteArray slice(qsizetype n);

    QByteArray m_buf;
    qsizetype m_pos = 0;
    State m_state = State::StatusLine;
    Framing m_framing = Framing::None;
    bool m_head = false;
    bool m_received = false;
    bool m_keepAlive = true;
    bool m_http10 = false;
    int m_status = 0;
    qsizetype m_headBytes = 0;
    qint64 m_remaining = 0; // Content-Length left, or bytes left in the current chunk
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QByteArray m_body;
    QString m_error;
};

} // namespace qp
