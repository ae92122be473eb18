#pragma once
// An in-process fake of an OpenAI-compatible upstream (the Qwen portal, DashScope, any provider)
// and of Qwen's OAuth token endpoint, on a free loopback port. Each test scripts the answers and
// then asserts on the recorded requests.

#include "http/httpserver.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <functional>

namespace qp::test {

struct RecordedRequest {
    QByteArray method;
    QByteArray path;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray header(QByteArrayView name) const
    {
        for (const auto &h : headers)
            if (h.first == name)
                return h.second;
        return {};
    }
    QJsonObject json() const;
};

// One step of a scripted SSE answer.
struct SseStep {
    int delayMs = 0;
    QByteArray data; // payload after "data: "; raw frame if `raw` is set
    bool raw = false;
};

class FakeUpstream : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const http::HttpRequest &, http::ResponseWriter *)>;

    explicit FakeUpstream(QObject *parent = nullptr);
    quint16 port() const { return m_server.port(); }
    QString baseUrl() const; // http://127.0.0.1:PORT/v1

    // Handlers by path; unmatched paths get 404.
    void on(const QByteArray &path, Handler h) { m_handlers[path] = std::move(h); }
    // Convenience scripts for /v1/chat/completions.
    void replyJson(int status, const QJsonObject &body, http::Headers headers = {});
    void replySse(QList<SseStep> steps, bool dropAtEnd = false);
    void replyHang(); // accept and never answer
    // A large OpenAI SSE answer for /v1/chat/completions, written as fast as the proxy takes it
    // and no faster: `chunks` content chunks of `chunkBytes` characters each (chunk i repeats
    // the letter 'a' + i % 26), then finish, usage and [DONE]. It writes while its own writer
    // is not congested (ResponseWriter's backlog bound) and waits for backlogDrained(), so the
    // proxy's reading pace, not the fake's memory, sets the rate. bulk() reports its progress.
    void replyBulkSse(int chunks, int chunkBytes);
    static QByteArray bulkText(int chunks, int chunkBytes); // the content the client must see
    struct Bulk {
        qint64 sentBytes = 0;  // body bytes handed to the writer
        qint64 totalBytes = 0; // the whole answer's body bytes
        bool blocked = false;  // waiting for the proxy to take what was written
        bool done = false;     // everything written
    };
    const Bulk &bulk() const { return m_bulk; }
    // The token endpoint (/api/v1/oauth2/token): answers a refresh with a new token.
    void serveTokenRefresh(int status = 200, int expiresInSec = 3600, int delayMs = 0);
    // Like Qwen: each refresh token works once; using an old one is 400 invalid_grant. Chat
    // requests must carry the newest access token, else 401.
    void serveRotatingTokens(const QString &accessToken, const QString &refreshToken, int delayMs);
    QString currentAccessToken() const { return m_access; }
    QString currentRefreshToken() const { return m_refresh; }

    const QList<RecordedRequest> &requests() const { return m_requests; }
    QList<RecordedRequest> requestsTo(const QByteArray &path) const;
    int count(const QByteArray &path) const { return int(requestsTo(path).size()); }
    int refreshCount() const { return m_refreshes; }
    int abortedStreams() const { return m_abortedStreams; }
    int openStreams() const { return m_openStreams; }
    int connectionsAccepted() const { return m_server.acceptedCount(); }

    // Runs the SSE script on a writer (usable from custom handlers).
    void runSse(http::ResponseWriter *w, QList<SseStep> steps, bool dropAtEnd);

    static QByteArray chunk(const QJsonObject &delta, const QJsonValue &finish = QJsonValue::Null,
                            const QString &model = QStringLiteral("qwen3-coder-plus"));
    static QByteArray usageChunk(int prompt, int completion, int cached = 0);
    // A whole non-streaming chat completion answering `text`.
    static QJsonObject completion(const QString &text, int prompt = 10, int completionTokens = 5);

private:
    http::HttpServer m_server;
    QHash<QByteArray, Handler> m_handlers;
    QList<RecordedRequest> m_requests;
    int m_refreshes = 0;
    int m_abortedStreams = 0;
    int m_openStreams = 0;
    Bulk m_bulk;
    QString m_access;
    QString m_refresh;
};

} // namespace qp::test
