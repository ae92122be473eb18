#pragma once
// A full stack for tests: the real Runtime (HTTP server on port 0, relays, token manager) in a
// temporary data dir, pointed at a FakeUpstream, and a small HTTP client to talk to it.

#include "common/clock.h"
#include "fakeupstream.h"
#include "runtime.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <memory>

namespace qp::test {

struct ClientReply {
    int status = 0;
    QByteArray body;
    QList<QByteArray> pieces; // body as it arrived, one entry per readyRead
    QList<QPair<QByteArray, QByteArray>> headers;
    bool timedOut = false;
    QJsonObject json() const;
    QByteArray header(const QByteArray &name) const;
    // SSE "data:" payloads in order.
    QList<QByteArray> sseData() const;
};

class ProxyHarness
{
public:
    ProxyHarness();
    ~ProxyHarness();

    FakeUpstream &upstream() { return *m_upstream; }
    Runtime &runtime() { return *m_runtime; }
    QString dataDir() const { return m_dir.path(); }
    QString qwenHome() const { return m_dir.filePath(QStringLiteral("qwen-home")); }

    // Writes qwen-code's credentials file pointing at the fake upstream.
    void writeQwenCredentials(const QString &accessToken, qint64 expiryMs,
                              const QString &refreshToken = QStringLiteral("refresh-0"));
    // Starts the runtime with Qwen OAuth (default) plus extra environment.
    bool start(const QHash<QString, QString> &env = {}, QString *error = nullptr);
    // Destroys the runtime (it flushes what it keeps) and leaves the data dir, for the real binary
    // to read.
    void stop() { m_runtime.reset(); }
    // Stops the runtime (flushing what it keeps) and starts a new one on the same data dir.
    bool restart(const QHash<QString, QString> &env = {}, QString *error = nullptr);
    // Before start(): the runtime's wall clock is this fake one (windows, days, cool-downs).
    FakeClock &useFakeClock(qint64 startMs);
    // A stored Qwen OAuth account, as `qwen-proxy auth add` leaves it, whose chat requests reach
    // the fake upstream with "Bearer <accessToken>"; quotaPlan is its pool limits (text spec).
    bool addAccount(const QString &id, const QString &accessToken, const QString &quotaPlan = {},
                    QString *error = nullptr);

    // A stored provider, as `qwen-proxy provider add` leaves it (row, account, key in the secret
    // store); baseUrl overrides the preset's (a fake's URL). The running pool takes it at once.
    bool addProvider(const QString &id, const QString &preset, const QString &baseUrl,
                     const QString &apiKey, const QStringList &models = {},
                     const QString &proxyUrl = {}, QString *error = nullptr);

    // Until the runtime has re-read its accounts and providers (reloads are asynchronous).
    void waitForReload();

    QUrl url(const QString &path) const;
    ClientReply post(const QString &path, const QByteArray &body,
                     const QList<QPair<QByteArray, QByteArray>> &headers = {},
                     int timeoutMs = 10000);
    ClientReply postJson(const QString &path, const QJsonObject &body,
                         const QList<QPair<QByteArray, QByteArray>> &headers = {},
                         int timeoutMs = 10000);
    ClientReply get(const QString &path, int timeoutMs = 10000);
    QNetworkAccessManager &client() { return m_client; }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<FakeClock> m_clock;
    QHash<QString, QString> m_env;
    std::unique_ptr<FakeUpstream> m_upstream;
    std::unique_ptr<Runtime> m_runtime;
    QNetworkAccessManager m_client;
};

ClientReply waitForReply(QNetworkReply *reply, int timeoutMs);

} // namespace qp::test
