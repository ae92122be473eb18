#pragma once
// A small single-threaded HTTP/1.1 client for upstream calls. Why not QNetworkAccessManager: each
// manager runs its own HTTP thread (a wake-up, postEvent and context switch per request), Qt 6.4
// reads response headers one byte per read() syscall, and a manager opens at most 6 connections
// per host, so many parallel streams need many managers and threads (tests/bench: QNAM took half
// of the proxy's CPU). This client keeps a keep-alive pool per (scheme, host, port) and does all
// its work in the calling thread's event loop. Each request may name an egress proxy
// (upstream/egress.h): the pool keeps connections through different proxies apart.

#include "upstream/egress.h"
#include "upstream/httpclientrequest.h"

#include <QHash>
#include <QList>
#include <QNetworkProxy>
#include <QObject>
#include <QProcessEnvironment>
#include <QSslConfiguration>
#include <QUrl>
#include <deque>

namespace qp {

struct HttpClientConfig {
    int maxConnectionsPerHost = 256; // beyond it requests wait for a free connection
    // Keep-alive connections kept for reuse. As many as may be open: a smaller pool closes and
    // reopens connections whenever the load wavers (tests/bench: connect() took ~10 % of the CPU).
    int maxIdlePerHost = 256;
    int idleTimeoutMs = 30000; // an idle connection is closed after this
    int drainTimeoutMs = 2000; // a released request's response must end within this
};

class HttpClient : public QObject
{
    Q_OBJECT
public:
    explicit HttpClient(QObject *parent = nullptr);
    explicit HttpClient(HttpClientConfig config, QObject *parent = nullptr);
    ~HttpClient() override;

    HttpClientConfig config() const { return m_config; }
    void setConfig(const HttpClientConfig &config) { m_config = config; }
    // TLS settings for https (default: the system CAs, peer verification on, ALPN http/1.1).
    // Tests use it to trust a self-signed certificate.
    void setSslConfiguration(const QSslConfiguration &config);
    // The system's proxy settings, read from the process environment once at construction.
    // Tests inject their own environment (and turn the platform's settings off).
    void setEnvironment(const QProcessEnvironment &env);
    void setSystemProxy(const SystemProxy &system);
    const SystemProxy &systemProxy() const { return m_system; }
    // The proxy a request to `url` with `configured` (Upstream::proxy) goes through: never
    // DefaultProxy (egress.h has the rules).
    QNetworkProxy effectiveProxy(const QNetworkProxy &configured, const QUrl &url);

    // The returned request is a child of this client; the caller deletes it (deleteLater() from
    // finished/failed is fine). Content-Length and Host are written by the client: the same
    // headers in `headers` are ignored. `proxy`: DefaultProxy = the system's, NoProxy = direct,
    // else that proxy (HTTP CONNECT or SOCKS5).
    HttpClientRequest *
    post(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers,
         const QByteArray &body,
         const QNetworkProxy &proxy = QNetworkProxy(QNetworkProxy::DefaultProxy));
    HttpClientRequest *
    send(const QByteArray &method, const QUrl &url,
         const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body = {},
         const QNetworkProxy &proxy = QNetworkProxy(QNetworkProxy::DefaultProxy));

    int connectionCount() const;     // open or connecting, all hosts
    int idleConnectionCount() const; // in the keep-alive pool, all hosts
    int queuedRequestCount() const;  // waiting for the per-host cap
    void closeIdleConnections();

private:
    friend class HttpClientConnection;
    friend class HttpClientRequest;
    struct HostPool {
        QString scheme;
        QString host;
        quint16 port = 0;
        QNetworkProxy proxy = QNetworkProxy(QNetworkProxy::NoProxy); // resolved
        QList<HttpClientConnection *> idle;                          // oldest first
        QList<HttpClientConnection *> all;
        std::deque<HttpClientRequest *> queue;
    };

    void dispatch(HttpClientRequest *r, bool freshConnection);
    // Connection callbacks.
    void connectionIdle(HttpClientConnection *c);
    void connectionClosed(HttpClientConnection *c);
    void requestGone(HttpClientRequest *r); // deleted or aborted while queued
    void pumpQueue(HostPool &pool);

    HttpClientConfig m_config;
    QSslConfiguration m_ssl;
    QHash<QString, HostPool> m_pools;
    SystemProxy m_system;
    struct PlatformAnswer {
        QNetworkProxy proxy;
        qint64 expires = 0; // msecs since epoch
    };
    QHash<QString, PlatformAnswer> m_platformCache; // by scheme://host:port (macOS, Windows)
};

} // namespace qp
