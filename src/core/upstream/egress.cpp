#include "upstream/egress.h"

#include <QNetworkAccessManager>
#include <QNetworkProxyQuery>

using namespace Qt::StringLiterals;

namespace qp {

namespace {

QString bracketed(const QString &host)
{
    return host.contains(u':') ? u'[' + host + u']' : host;
}

QString defaultScheme(const QString &value)
{
    const QString lower = value.toLower();
    if (value.contains(u"://"_s) || lower == u"direct" || lower == u"none")
        return value;
    return u"http://"_s + value; // curl: a proxy without a scheme is an HTTP proxy
}

// "host" without brackets or a trailing dot, lower-case.
QString normalHost(QString host)
{
    host = host.toLower();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    while (host.endsWith(u'.'))
        host.chop(1);
    return host;
}

} // namespace

QString redactedProxyUrl(const QString &url)
{
    const qsizetype sep = url.indexOf(u"://"_s);
    const qsizetype start = sep < 0 ? 0 : sep + 3;
    // The last '@' ends the user info even when a password holds an unencoded '@' or '/': this
    // may redact too much of a strange string, never too little.
    const qsizetype at = url.lastIndexOf(u'@');
    if (at < start)
        return url;
    const qsizetype colon = url.indexOf(u':', start);
    if (colon < 0 || colon > at)
        return url; // a user name alone is not a secret
    return url.left(colon + 1) + u"***"_s + url.mid(at);
}

QString describeProxy(const QNetworkProxy &proxy)
{
    QString scheme;
    switch (proxy.type()) {
    case QNetworkProxy::NoProxy:
        return u"direct"_s;
    case QNetworkProxy::DefaultProxy:
        return u"the system proxy"_s;
    case QNetworkProxy::HttpProxy:
    case QNetworkProxy::HttpCachingProxy:
        scheme = u"http"_s;
        break;
    case QNetworkProxy::Socks5Proxy:
        scheme = proxy.capabilities().testFlag(QNetworkProxy::HostNameLookupCapability)
                     ? u"socks5h"_s
                     : u"socks5"_s;
        break;
    default:
        scheme = u"proxy"_s;
        break;
    }
    QString userInfo;
    if (!proxy.user().isEmpty()) {
        userInfo = QString::fromUtf8(QUrl::toPercentEncoding(proxy.user()));
        if (!proxy.password().isEmpty())
            userInfo += u":***"_s;
        userInfo += u'@';
    }
    return scheme + u"://"_s + userInfo + bracketed(proxy.hostName()) + u':' +
           QString::number(proxy.port());
}

Result<QNetworkProxy> parseProxyUrl(const QString &input)
{
    const QString text = input.trimmed();
    const QString shown = redactedProxyUrl(text);
    const auto bad = [&shown](const QString &why) -> Error {
        return Error::make(Error::Kind::InvalidRequest,
                           u"invalid proxy URL \"%1\": %2"_s.arg(shown, why));
    };
    if (text.isEmpty())
        return bad(u"it is empty"_s);
    const QString lower = text.toLower();
    if (lower == u"direct" || lower == u"none")
        return QNetworkProxy(QNetworkProxy::NoProxy);
    const qsizetype sep = text.indexOf(u"://"_s);
    if (sep <= 0)
        return bad(u"expected http://host:port, socks5://host:port, socks5h://host:port or "
                   "direct"_s);
    const QString scheme = lower.left(sep);
    QNetworkProxy::ProxyType type;
    int defaultPort = 1080;
    if (scheme == u"http") {
        type = QNetworkProxy::HttpProxy;
        defaultPort = 80;
    } else if (scheme == u"socks5" || scheme == u"socks5h") {
        type = QNetworkProxy::Socks5Proxy;
    } else if (scheme == u"https") {
        return bad(u"https:// proxies (TLS to the proxy itself) are not supported; use an "
                   "http:// proxy (TLS to the upstream still runs end to end inside its CONNECT "
                   "tunnel) or socks5://"_s);
    } else {
        return bad(u"unsupported scheme \"%1\" (use http, socks5 or socks5h)"_s.arg(scheme));
    }
    // Never QUrl::errorString(): it quotes the input, password included.
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return bad(u"it does not parse (percent-encode '@', ':' and '/' in the user name and "
                   "password)"_s);
    if (url.host().isEmpty())
        return bad(u"it names no host"_s);
    if (!(url.path().isEmpty() || url.path() == u"/") || url.hasQuery() || url.hasFragment())
        return bad(u"a proxy URL has no path, query or fragment"_s);
    const int port = url.port(defaultPort);
    if (port <= 0 || port > 65535)
        return bad(u"invalid port"_s);
    const QString user = url.userName(QUrl::FullyDecoded);
    const QString password = url.password(QUrl::FullyDecoded);
    if (user.isEmpty() && !password.isEmpty())
        return bad(u"a password without a user name"_s);
    QNetworkProxy proxy(type, url.host(), quint16(port), user, password);
    if (scheme == u"socks5") // curl's meaning: resolve the target here, send the proxy an address
        proxy.setCapabilities(proxy.capabilities() & ~QNetworkProxy::HostNameLookupCapability);
    else // http, socks5h: the proxy gets the target's name
        proxy.setCapabilities(proxy.capabilities() | QNetworkProxy::HostNameLookupCapability);
    return proxy;
}

bool isLoopbackHost(const QString &rawHost)
{
    const QString host = normalHost(rawHost);
    if (host == u"localhost" || host.endsWith(u".localhost"))
        return true;
    if (host.isEmpty() || !(host.front().isDigit() || host.contains(u':')))
        return false;
    QHostAddress address;
    if (!address.setAddress(host))
        return false;
    if (address.isLoopback())
        return true;
    bool v4 = false;
    const quint32 ip = address.toIPv4Address(&v4); // ::ffff:127.0.0.1
    return v4 && (ip >> 24) == 127;
}

SystemProxy SystemProxy::fromEnvironment(const QProcessEnvironment &env)
{
    SystemProxy s;
#if defined(Q_OS_DARWIN) || defined(Q_OS_WIN)
    s.m_platform = true;
#endif
    const auto pick = [&env](const QString &lower,
                             const QString &upper) -> QPair<QString, QString> {
        const QString v = env.value(lower).trimmed();
        if (!v.isEmpty())
            return {lower, v};
        return {upper, env.value(upper).trimmed()};
    };
    const auto load = [&](const QString &lower,
                          const QString &upper) -> std::optional<QNetworkProxy> {
        const auto [name, value] = pick(lower, upper);
        if (value.isEmpty())
            return std::nullopt;
        const Result<QNetworkProxy> p = parseProxyUrl(defaultScheme(value));
        if (!p) {
            s.m_warnings.append(u"%1 ignored: %2"_s.arg(name, p.error().message));
            return std::nullopt;
        }
        return p.value();
    };
    s.m_https = load(u"https_proxy"_s, u"HTTPS_PROXY"_s);
    s.m_http = load(u"http_proxy"_s, u"HTTP_PROXY"_s);
    s.m_all = load(u"all_proxy"_s, u"ALL_PROXY"_s);

    const QString noProxy = pick(u"no_proxy"_s, u"NO_PROXY"_s).second;
    QString list = noProxy;
    list.replace(u' ', u',').replace(u'\t', u',');
    for (QString token : list.split(u',', Qt::SkipEmptyParts)) {
        token = token.trimmed().toLower();
        if (token == u"*") {
            s.m_noProxyAll = true;
            continue;
        }
        NoProxyRule rule;
        if (token.startsWith(u"*."))
            token.remove(0, 1);
        // An optional port: "host:port", "[v6]:port"; a bare IPv6 literal has several colons.
        if (token.startsWith(u'[')) {
            const qsizetype close = token.indexOf(u']');
            if (close < 0)
                continue;
            const QString rest = token.mid(close + 1);
            if (rest.startsWith(u':'))
                rule.port = rest.mid(1).toInt();
            token = token.mid(1, close - 1);
        } else if (token.count(u':') == 1) {
            const qsizetype colon = token.indexOf(u':');
            bool ok = false;
            const int port = token.mid(colon + 1).toInt(&ok);
            if (ok)
                rule.port = port;
            token.truncate(colon);
        }
        if (token.contains(u'/')) {
            const auto subnet = QHostAddress::parseSubnet(token);
            if (subnet.first.isNull())
                continue;
            rule.address = subnet.first;
            rule.prefix = subnet.second;
        } else if (QHostAddress a; a.setAddress(token)) {
            rule.address = a;
        } else {
            while (token.startsWith(u'.'))
                token.remove(0, 1);
            while (token.endsWith(u'.'))
                token.chop(1);
            if (token.isEmpty())
                continue;
            rule.suffix = token;
        }
        s.m_noProxy.append(rule);
    }
    return s;
}

bool SystemProxy::bypassed(const QString &rawHost, int port) const
{
    if (m_noProxyAll)
        return true;
    if (m_noProxy.isEmpty())
        return false;
    const QString host = normalHost(rawHost);
    std::optional<QHostAddress> address; // parsed only when an address rule asks
    for (const NoProxyRule &rule : m_noProxy) {
        if (rule.port != 0 && rule.port != port)
            continue;
        if (!rule.suffix.isEmpty()) {
            if (host == rule.suffix || (host.endsWith(rule.suffix) &&
                                        host.at(host.size() - rule.suffix.size() - 1) == u'.'))
                return true;
            continue;
        }
        if (!address) {
            QHostAddress a;
            if (!a.setAddress(host))
                a = QHostAddress();
            address = a;
        }
        if (address->isNull())
            continue;
        if (rule.prefix < 0 ? address->isEqual(rule.address, QHostAddress::TolerantConversion)
                            : address->isInSubnet(rule.address, rule.prefix))
            return true;
    }
    return false;
}

std::optional<QNetworkProxy> SystemProxy::decide(const QNetworkProxy &configured,
                                                 const QUrl &target) const
{
    if (configured.type() != QNetworkProxy::DefaultProxy)
        return configured;
    if (!m_http && !m_https && !m_all && !m_platform)
        return QNetworkProxy(QNetworkProxy::NoProxy); // the common case: nothing to look at
    const QString host = target.host();
    if (isLoopbackHost(host))
        return QNetworkProxy(QNetworkProxy::NoProxy);
    const QString scheme = target.scheme().toLower();
    const int port = target.port(scheme == u"https" ? 443 : 80);
    if (bypassed(host, port))
        return QNetworkProxy(QNetworkProxy::NoProxy);
    const std::optional<QNetworkProxy> &specific =
        scheme == u"https" ? m_https : (scheme == u"http" ? m_http : m_all);
    if (specific)
        return *specific;
    if (m_all)
        return *m_all;
    if (m_platform)
        return std::nullopt;
    return QNetworkProxy(QNetworkProxy::NoProxy);
}

QNetworkProxy SystemProxy::platformProxy(const QUrl &target)
{
    const QList<QNetworkProxy> offered =
        QNetworkProxyFactory::systemProxyForQuery(QNetworkProxyQuery(target));
    for (const QNetworkProxy &p : offered) {
        switch (p.type()) {
        case QNetworkProxy::NoProxy:
        case QNetworkProxy::HttpProxy:
        case QNetworkProxy::Socks5Proxy:
            return p;
        default: // an FTP or caching-only proxy cannot carry our sockets
            break;
        }
    }
    return QNetworkProxy(QNetworkProxy::NoProxy);
}

QNetworkProxy SystemProxy::resolve(const QNetworkProxy &configured, const QUrl &target) const
{
    if (std::optional<QNetworkProxy> p = decide(configured, target))
        return *p;
    return platformProxy(target);
}

QNetworkProxy resolveProxy(const QNetworkProxy &configured, const QUrl &target,
                           const QProcessEnvironment &env)
{
    return SystemProxy::fromEnvironment(env).resolve(configured, target);
}

EgressProxyFactory::EgressProxyFactory(const QNetworkProxy &configured, SystemProxy system)
    : m_configured(configured), m_system(std::move(system))
{}

QList<QNetworkProxy> EgressProxyFactory::queryProxy(const QNetworkProxyQuery &query)
{
    QUrl target = query.url();
    if (query.queryType() != QNetworkProxyQuery::UrlRequest || !target.isValid() ||
        target.host().isEmpty()) {
        target = QUrl();
        target.setScheme(query.protocolTag().isEmpty() ? u"https"_s : query.protocolTag());
        target.setHost(query.peerHostName());
        if (query.peerPort() > 0)
            target.setPort(query.peerPort());
    }
    return {m_system.resolve(m_configured, target)};
}

void applyEgress(QNetworkAccessManager *nam, const QNetworkProxy &configured,
                 const QProcessEnvironment &env)
{
    nam->setProxyFactory(new EgressProxyFactory(configured, SystemProxy::fromEnvironment(env)));
}

} // namespace qp
