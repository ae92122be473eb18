#pragma once
// Incremental, strict HTTP/1.1 request framing (RFC 9112). Strict where leniency is a smuggling or
// memory risk (docs/qt-notes.md, "QHttpServer", lists what QHttpServer 6.4 lets through:
// Content-Length with chunked, duplicate lengths, negative or overflowing lengths, NUL bytes, no
// size limits).

#include "http/httprequest.h"

#include <optional>

namespace qp::http {

struct ParserLimits {
    qint64 maxHeaderBytes = 64 * 1024;
    int maxHeaderCount = 100;      // 431 above
    int maxTargetBytes = 8 * 1024; // 414 above
    qint64 maxBodyBytes = 32 * 1024 * 1024;
};

class RequestParser
{
public:
    using Limits = ParserLimits;
    enum class State {
        Idle,
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Done,
        Error
    };

    explicit RequestParser(Limits limits = Limits()) : m_limits(limits) {}

    // Consumes bytes from `buffer` (removing what it used). Returns the state afterwards; stops
    // at Done (one request complete: take it) or Error (see errorStatus()).
    State feed(QByteArray &buffer);

    HttpRequest takeRequest();
    void reset();

    State state() const { return m_state; }
    int errorStatus() const { return m_errorStatus; } // 400, 413, 431, 501, 505
    QByteArray errorMessage() const { return m_errorMessage; }
    bool expectsContinue() const { return m_expectContinue; } // headers done, body awaited
    bool headersComplete() const { return m_state >= State::Body && m_state != State::Error; }
    bool inProgress() const { return m_state != State::Idle && m_state != State::Done; }
    qint64 declaredLength() const { return m_contentLength; }
    // The request being read: its head once headersComplete() (the body may still be coming).
    const HttpRequest &current() const { return m_req; }
    bool declaresBody() const { return m_chunked || m_contentLength > 0; }

private:
    State fail(int status, QByteArray message);
    bool parseHead(QByteArrayView head);
    static QByteArrayView requestTarget(QByteArrayView buffer);
    void rememberPath(QByteArrayView target);

    Limits m_limits;
    State m_state = State::Idle;
    HttpRequest m_req;
    qint64 m_contentLength = 0;
    qint64 m_chunkRemaining = 0;
    bool m_chunked = false;
    bool m_expectContinue = false;
    int m_errorStatus = 0;
    QByteArray m_errorMessage;
    qint64 m_trailerBytes = 0;
};

} // namespace qp::http
