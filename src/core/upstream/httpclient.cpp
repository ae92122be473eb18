#include "upstream/httpclient.h"

#include "logging/logging.h"
#include "upstream/httpclientconnection.h"

#include <QDateTime>
#include <QSslSocket>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
QSslConfiguration defaultSsl()
{
    QSslConfiguration c = QSslConfiguration::defaultConfiguration(); // system CAs
    c.setPeerVerifyMode(QSslSocket::VerifyPeer);
    // We speak HTTP/1.1 only; without this a server could pick h2.
    c.setAllowedNextProtocols({QByteArrayLiteral("http/1.1")});
    return c;
}

bool sameName(const QByteArray &a, const char *b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}
} // namespace

HttpClient::HttpClient(QObject *parent) : HttpClient(HttpClientConfig(), parent) {}

HttpClient::HttpClient(HttpClientConfig config, QObject *parent)
    : QObject(parent), m_config(config), m_ssl(defaultSsl())
{
    setEnvironment(QProcessEnvironment::systemEnvironment());
}

void HttpClient::setEnvironment(const QProcessEnvironment &env)
{
    setSystemProxy(SystemProxy::fromEnvironment(env));
}

void HttpClient::setSystemProxy(const SystemProxy &system)
{
    m_system = system;
    m_platformCache.clear();
    for (const QString &w : m_system.warnings())
        qCWarning(lcUpstream).noquote() << w;
}

QNetworkProxy HttpClient::effectiveProxy(const QNetworkProxy &configured, const QUrl &url)
{
    if (std::optional<QNetworkProxy> p = m_system.decide(configured, url))
        return *p;
    // The platform's answer (macOS, Windows) may come from a PAC script: ask once a minute per
    // origin, not per request.
    const QString origin =
        url.scheme() + u"://"_s + url.host() + u':' + QString::number(url.port());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto it = m_platformCache.find(origin);
    if (it == m_platformCache.end() || it->expires < now) {
        if (m_platformCache.size() > 1000)
            m_platformCache.clear();
        it = m_platformCache.insert(origin, {SystemProxy::platformProxy(url), now + 60000});
    }
    return it->proxy;
}

HttpClient::~HttpClient()
{
    // Requests a caller re-parented outlive us: they hear failed(Aborted) from their own event
    // loop pass, never from inside this destructor.
    QList<HttpClientRequest *> orphans;
    for (HostPool &p : m_pools) {
        for (HttpClientRequest *r : p.queue) {
            r->m_queued = false;
            orphans.append(r);
        }
        p.queue.clear();
        for (HttpClientConnection *c : std::as_const(p.all)) {
            if (HttpClientRequest *r = c->shutdown())
                orphans.append(r);
            delete c;
        }
        p.all.clear();
        p.idle.clear();
    }
    for (HttpClientRequest *r : orphans) {
        r->m_client = nullptr;
        r->m_failLater = true;
        r->deliverFailure(HttpClientRequest::Failure::Aborted, u"HTTP client destroyed"_s);
    }
}

void HttpClient::setSslConfiguration(const QSslConfiguration &config)
{
    m_ssl = config;
    m_ssl.setAllowedNextProtocols({QByteArrayLiteral("http/1.1")});
}

HttpClientRequest *HttpClient::post(const QUrl &url,
                                    const QList<QPair<QByteArray, QByteArray>> &headers,
                                    const QByteArray &body, const QNetworkProxy &proxy)
{
    return send(QByteArrayLiteral("POST"), url, headers, body, proxy);
}

HttpClientRequest *HttpClient::send(const QByteArray &method, const QUrl &url,
                                    const QList<QPair<QByteArray, QByteArray>> &headers,
                                    const QByteArray &body, const QNetworkProxy &proxy)
{
    const QString scheme = url.scheme().toLower();
    const bool tls = scheme == u"https";
    const QString host = url.host();
    const int defaultPort = tls ? 443 : 80;
    const int port = url.port(defaultPort);
    if (!url.isValid() || (!tls && scheme != u"http") || host.isEmpty() || port <= 0) {
        auto *r = new HttpClientRequest(this, method, url, {}, {});
        r->deliverFailure(HttpClientRequest::Failure::Protocol,
                          u"unsupported URL: %1"_s.arg(url.toDisplayString()));
        r->leavePost();
        return r;
    }

    QByteArray target =
        url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    if (!target.startsWith('/'))
        target.prepend('/');
    QByteArray hostHeader = url.host(QUrl::FullyEncoded).toLatin1();
    if (hostHeader.contains(':'))
        hostHeader = '[' + hostHeader + ']'; // IPv6 literal
    if (port != defaultPort)
        hostHeader += ':' + QByteArray::number(port);

    QByteArray wire;
    qsizetype size = method.size() + target.size() + hostHeader.size() + body.size() + 64;
    for (const auto &h : headers)
        size += h.first.size() + h.second.size() + 4;
    wire.reserve(size);
    wire += method + ' ' + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        wire += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    for (const auto &h : headers) {
        if (sameName(h.first, "host") || sameName(h.first, "content-length") ||
            sameName(h.first, "transfer-encoding"))
            continue;
        wire += h.first + ": " + h.second + "\r\n";
    }
    wire += "\r\n";
    wire += body; // one buffer, one write: headers and body leave in the same segment

    // A connection through a proxy (or not) serves only requests meant to take the same way.
    const QNetworkProxy via = effectiveProxy(proxy, url);
    QString key = scheme + u"://"_s + host.toLower() + u':' + QString::number(port);
    if (via.type() != QNetworkProxy::NoProxy)
        key += u" via "_s + QString::number(int(via.type())) +
               (via.capabilities().testFlag(QNetworkProxy::HostNameLookupCapability) ? u"h"_s
                                                                                     : u""_s) +
               u':' + via.user() + u'@' + via.hostName().toLower() + u':' +
               QString::number(via.port());
    auto it = m_pools.find(key);
    if (it == m_pools.end()) {
        it = m_pools.insert(key, HostPool());
        it->scheme = scheme;
        it->host = host;
        it->port = quint16(port);
        it->proxy = via;
    }
    auto *r = new HttpClientRequest(this, method, url, std::move(wire), std::move(key));
    dispatch(r, false);
    r->leavePost();
    return r;
}

void HttpClient::dispatch(HttpClientRequest *r, bool freshConnection)
{
    const QString key = r->m_key;
    if (!freshConnection) {
        // Most recently used first: the least likely to have been closed by the server.
        while (!m_pools[key].idle.isEmpty()) {
            HttpClientConnection *c = m_pools[key].idle.takeLast();
            if (c->usable()) {
                c->assign(r);
                return;
            }
            c->close();
        }
    }
    HostPool &p = m_pools[key];
    if (p.all.size() < qMax(1, m_config.maxConnectionsPerHost)) {
        auto *c = new HttpClientConnection(this, key, p.scheme == u"https", this);
        p.all.append(c);
        c->assign(r);
        c->open(p.host, p.port, m_ssl, p.proxy);
        return;
    }
    // A retry or a request taken from the queue head keeps its place in line.
    if (freshConnection)
        p.queue.push_front(r);
    else
        p.queue.push_back(r);
    r->m_queued = true;
}

void HttpClient::connectionIdle(HttpClientConnection *c)
{
    HostPool &p = m_pools[c->key()];
    if (!p.queue.empty()) {
        HttpClientRequest *r = p.queue.front();
        p.queue.pop_front();
        r->m_queued = false;
        c->assign(r);
        return;
    }
    p.idle.append(c);
    c->startIdleTimer(m_config.idleTimeoutMs);
    while (p.idle.size() > qMax(0, m_config.maxIdlePerHost))
        p.idle.first()->close(); // the oldest goes; close() removes it from the list
}

void HttpClient::connectionClosed(HttpClientConnection *c)
{
    const auto it = m_pools.find(c->key());
    if (it == m_pools.end())
        return;
    it->idle.removeOne(c);
    it->all.removeOne(c);
    pumpQueue(*it);
}

void HttpClient::pumpQueue(HostPool &p)
{
    while (!p.queue.empty() && p.all.size() < qMax(1, m_config.maxConnectionsPerHost)) {
        HttpClientRequest *r = p.queue.front();
        p.queue.pop_front();
        r->m_queued = false;
        dispatch(r, true);
    }
}

void HttpClient::requestGone(HttpClientRequest *r)
{
    const auto it = m_pools.find(r->m_key);
    if (it == m_pools.end())
        return;
    auto &q = it->queue;
    q.erase(std::remove(q.begin(), q.end(), r), q.end());
}

int HttpClient::connectionCount() const
{
    int n = 0;
    for (const HostPool &p : m_pools)
        n += int(p.all.size());
    return n;
}

int HttpClient::idleConnectionCount() const
{
    int n = 0;
    for (const HostPool &p : m_pools)
        n += int(p.idle.size());
    return n;
}

int HttpClient::queuedRequestCount() const
{
    int n = 0;
    for (const HostPool &p : m_pools)
        n += int(p.queue.size());
    return n;
}

void HttpClient::closeIdleConnections()
{
    for (HostPool &p : m_pools)
        while (!p.idle.isEmpty())
            p.idle.first()->close();
}

} // namespace qp
