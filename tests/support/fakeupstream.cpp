#include "fakeupstream.h"

#include "common/afterpass.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace qp::test {

QJsonObject RecordedRequest::json() const
{
    return QJsonDocument::fromJson(body).object();
}

FakeUpstream::FakeUpstream(QObject *parent) : QObject(parent), m_server(http::ServerLimits(), this)
{
    QString err;
    if (!m_server.listen(u"127.0.0.1"_s, 0, &err))
        qFatal("fake upstream cannot listen: %s", qPrintable(err));
    m_server.setHandler([this](http::HttpRequest &&req, http::ResponseWriter *w) {
        m_requests.append({req.method, req.path, req.headers, req.body});
        const auto it = m_handlers.constFind(req.path);
        if (it == m_handlers.constEnd()) {
            w->send(404, "application/json", R"({"error":{"message":"fake: no such path"}})");
            return;
        }
        (*it)(req, w);
    });
}

QString FakeUpstream::baseUrl() const
{
    return u"http://127.0.0.1:%1/v1"_s.arg(port());
}

QList<RecordedRequest> FakeUpstream::requestsTo(const QByteArray &path) const
{
    QList<RecordedRequest> out;
    for (const auto &r : m_requests)
        if (r.path == path)
            out.append(r);
    return out;
}

void FakeUpstream::replyJson(int status, const QJsonObject &body, http::Headers headers)
{
    on("/v1/chat/completions", [=](const http::HttpRequest &, http::ResponseWriter *w) {
        w->sendJson(status, body, headers);
    });
}

void FakeUpstream::replySse(QList<SseStep> steps, bool dropAtEnd)
{
    on("/v1/chat/completions",
       [this, steps, dropAtEnd](const http::HttpRequest &, http::ResponseWriter *w) {
           runSse(w, steps, dropAtEnd);
       });
}

void FakeUpstream::replyHang()
{
    on("/v1/chat/completions", [](const http::HttpRequest &, http::ResponseWriter *) {});
}

QByteArray FakeUpstream::bulkText(int chunks, int chunkBytes)
{
    QByteArray text;
    text.reserve(qsizetype(chunks) * chunkBytes);
    for (int i = 0; i < chunks; ++i)
        text.append(chunkBytes, char('a' + i % 26));
    return text;
}

void FakeUpstream::replyBulkSse(int chunks, int chunkBytes)
{
    on("/v1/chat/completions",
       [this, chunks, chunkBytes](const http::HttpRequest &, http::ResponseWriter *w) {
           auto frame = [](const QByteArray &payload) -> QByteArray {
               return "data: " + payload + "\n\n";
           };
           auto frames = std::make_shared<QList<QByteArray>>(); // the 26 content frames
           for (int l = 0; l < 26; ++l)
               frames->append(
                   frame(chunk(QJsonObject{{u"content"_s, QString(chunkBytes, QChar(u'a' + l))}})));
           const QList<QByteArray> head{
               frame(chunk(QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u""_s}}))};
           const QList<QByteArray> tail{frame(chunk(QJsonObject{}, u"stop"_s)),
                                        frame(usageChunk(10, chunks)), frame("[DONE]")};
           m_bulk = Bulk{};
           for (const QByteArray &f : head + tail)
               m_bulk.totalBytes += f.size();
           for (int i = 0; i < chunks; ++i)
               m_bulk.totalBytes += frames->at(i % 26).size();
           // A small kernel buffer on our side: what the fake has written says how much the proxy
           // has taken, give or take its own kernel buffers.
           if (auto *sock = w->parent()->findChild<QTcpSocket *>())
               sock->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, 64 * 1024);
           w->beginStream(200, "text/event-stream", {{"Cache-Control", "no-cache"}});
           ++m_openStreams;
           auto counted = std::make_shared<bool>(false);
           connect(w, &http::ResponseWriter::clientGone, this, [this, counted] {
               if (!std::exchange(*counted, true)) {
                   ++m_abortedStreams;
                   --m_openStreams;
               }
           });
           // Index of the next frame: head, then the chunks, then the tail.
           auto next = std::make_shared<qint64>(0);
           QPointer<http::ResponseWriter> writer(w);
           auto pump = [this, writer, frames, head, tail, next, chunks, counted] {
               if (!writer || !writer->isOpen() || m_bulk.done)
                   return;
               const qint64 last = head.size() + chunks + tail.size();
               while (*next < last && !writer->congested()) {
                   const qint64 i = (*next)++;
                   const QByteArray &f = i < head.size() ? head.at(i)
                                         : i < head.size() + chunks
                                             ? frames->at((i - head.size()) % 26)
                                             : tail.at(i - head.size() - chunks);
                   writer->writeChunk(f);
                   m_bulk.sentBytes += f.size();
               }
               m_bulk.blocked = *next < last;
               if (m_bulk.blocked)
                   return; // backlogDrained() calls again
               m_bulk.done = true;
               if (!std::exchange(*counted, true))
                   --m_openStreams;
               writer->endStream();
           };
           connect(w, &http::ResponseWriter::backlogDrained, this, pump);
           // After this pass: beginStream() corks the head until then, and corked output is not
           // counted as congestion.
           runAfterPass(w, pump);
       });
}

void FakeUpstream::runSse(http::ResponseWriter *w, QList<SseStep> steps, bool dropAtEnd)
{
    w->beginStream(200, "text/event-stream", {{"Cache-Control", "no-cache"}});
    ++m_openStreams;
    QPointer<http::ResponseWriter> writer(w);
    auto counted = std::make_shared<bool>(false);
    connect(w, &http::ResponseWriter::clientGone, this, [this, counted] {
        if (!*counted) {
            *counted = true;
            ++m_abortedStreams;
            --m_openStreams;
        }
    });
    auto state = std::make_shared<qsizetype>(0);
    auto next = std::make_shared<std::function<void()>>();
    // The step function refers to itself only weakly: a strong self-capture would leak it.
    std::weak_ptr<std::function<void()>> weakNext = next;
    *next = [this, writer, steps, dropAtEnd, state, weakNext, counted] {
        auto next = weakNext.lock();
        if (!next)
            return;
        if (!writer || !writer->isOpen())
            return;
        while (*state < steps.size()) {
            const SseStep &s = steps.at(*state);
            if (s.delayMs > 0) {
                // Run this step after its delay, then continue.
                const SseStep copy = s;
                ++*state;
                QTimer::singleShot(copy.delayMs, this, [writer, copy, next] {
                    if (!writer || !writer->isOpen())
                        return;
                    writer->writeChunk(copy.raw ? copy.data : "data: " + copy.data + "\n\n");
                    (*next)();
                });
                return;
            }
            writer->writeChunk(s.raw ? s.data : "data: " + s.data + "\n\n");
            ++*state;
        }
        if (!*counted) {
            *counted = true;
            --m_openStreams;
        }
        if (dropAtEnd) {
            // Cut the connection without the terminating chunk: a broken upstream.
            // FIN after a delay, so the proxy has read what was sent before the connection ends.
            QTimer::singleShot(50, this, [writer] {
                if (writer)
                    if (auto *sock = writer->parent()->findChild<QTcpSocket *>())
                        sock->disconnectFromHost();
            });
            return;
        }
        writer->endStream();
    };
    (*next)();
}

void FakeUpstream::serveTokenRefresh(int status, int expiresInSec, int delayMs)
{
    on("/api/v1/oauth2/token", [this, status, expiresInSec, delayMs](const http::HttpRequest &req,
                                                                     http::ResponseWriter *w) {
        ++m_refreshes;
        const QUrlQuery form(QString::fromUtf8(req.body));
        QPointer<http::ResponseWriter> writer(w);
        const int n = m_refreshes;
        auto answer = [=] {
            if (!writer)
                return;
            if (status != 200) {
                writer->sendJson(status,
                                 QJsonObject{{u"error"_s, u"invalid_grant"_s},
                                             {u"error_description"_s, u"refresh token expired"_s}});
                return;
            }
            writer->sendJson(200,
                             QJsonObject{{u"access_token"_s, u"fresh-access-token-%1"_s.arg(n)},
                                         {u"refresh_token"_s, u"fresh-refresh-token-%1"_s.arg(n)},
                                         {u"token_type"_s, u"Bearer"_s},
                                         {u"expires_in"_s, expiresInSec}});
        };
        Q_UNUSED(form);
        if (delayMs > 0)
            QTimer::singleShot(delayMs, this, answer);
        else
            answer();
    });
}

void FakeUpstream::serveRotatingTokens(const QString &accessToken, const QString &refreshToken,
                                       int delayMs)
{
    m_access = accessToken;
    m_refresh = refreshToken;
    on("/api/v1/oauth2/token",
       [this, delayMs](const http::HttpRequest &req, http::ResponseWriter *w) {
           ++m_refreshes;
           const QUrlQuery form(QString::fromUtf8(req.body));
           const QString presented = form.queryItemValue(u"refresh_token"_s);
           QPointer<http::ResponseWriter> writer(w);
           QTimer::singleShot(delayMs, this, [this, writer, presented] {
               if (!writer)
                   return;
               if (presented != m_refresh) {
                   writer->sendJson(400, QJsonObject{{u"error"_s, u"invalid_grant"_s}});
                   return;
               }
               m_access = u"rotated-access-%1"_s.arg(m_refreshes);
               m_refresh = u"rotated-refresh-%1"_s.arg(m_refreshes);
               writer->sendJson(200, QJsonObject{{u"access_token"_s, m_access},
                                                 {u"refresh_token"_s, m_refresh},
                                                 {u"token_type"_s, u"Bearer"_s},
                                                 {u"expires_in"_s, 3600}});
           });
       });
    on("/v1/chat/completions", [this](const http::HttpRequest &req, http::ResponseWriter *w) {
        if (req.header("authorization") != "Bearer " + m_access.toUtf8()) {
            w->sendJson(401,
                        QJsonObject{{u"error"_s,
                                     QJsonObject{{u"message"_s,
                                                  u"invalid access token or token expired"_s}}}});
            return;
        }
        w->sendJson(200, QJsonObject{{u"choices"_s,
                                      QJsonArray{QJsonObject{
                                          {u"index"_s, 0},
                                          {u"finish_reason"_s, u"stop"_s},
                                          {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s},
                                                                     {u"content"_s, u"ok"_s}}}}}}});
    });
}

QByteArray FakeUpstream::chunk(const QJsonObject &delta, const QJsonValue &finish,
                               const QString &model)
{
    const QJsonObject c{
        {u"id"_s, u"chatcmpl-fake"_s},
        {u"object"_s, u"chat.completion.chunk"_s},
        {u"created"_s, 1754686206},
        {u"model"_s, model},
        {u"choices"_s, QJsonArray{QJsonObject{
                           {u"index"_s, 0}, {u"delta"_s, delta}, {u"finish_reason"_s, finish}}}}};
    return QJsonDocument(c).toJson(QJsonDocument::Compact);
}

QJsonObject FakeUpstream::completion(const QString &text, int prompt, int completionTokens)
{
    return QJsonObject{
        {u"id"_s, u"chatcmpl-p"_s},
        {u"object"_s, u"chat.completion"_s},
        {u"model"_s, u"qwen3-coder-plus"_s},
        {u"choices"_s,
         QJsonArray{QJsonObject{
             {u"index"_s, 0},
             {u"finish_reason"_s, u"stop"_s},
             {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, text}}}}}},
        {u"usage"_s,
         QJsonObject{{u"prompt_tokens"_s, prompt}, {u"completion_tokens"_s, completionTokens}}}};
}

QByteArray FakeUpstream::usageChunk(int prompt, int completion, int cached)
{
    const QJsonObject c{{u"id"_s, u"chatcmpl-fake"_s},
                        {u"object"_s, u"chat.completion.chunk"_s},
                        {u"created"_s, 1754686206},
                        {u"model"_s, u"qwen3-coder-plus"_s},
                        {u"choices"_s, QJsonArray{}},
                        {u"usage"_s, QJsonObject{{u"prompt_tokens"_s, prompt},
                                                 {u"completion_tokens"_s, completion},
                                                 {u"total_tokens"_s, prompt + completion},
                                                 {u"prompt_tokens_details"_s,
                                                  QJsonObject{{u"cached_tokens"_s, cached}}}}}};
    return QJsonDocument(c).toJson(QJsonDocument::Compact);
}

} // namespace qp::test
