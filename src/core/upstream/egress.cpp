#include "upstream/egress.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace qp {
Result<QNetworkProxy> parseProxyUrl(const QString &s)
{
    if (s == u"direct" || s == u"none")
        return QNetworkProxy(QNetworkProxy::NoProxy);
    const QUrl u(s);
    QNetworkProxy::ProxyType t;
    if (u.scheme() == u"http")
        t = QNetworkProxy::HttpProxy;
    else if (u.scheme() == u"socks5" || u.scheme() == u"socks5h")
        t = QNetworkProxy::Socks5Proxy;
    else
        return Error::make(Error::Kind::InvalidRequest, u"unsupported proxy URL"_s);
    if (u.host().isEmpty() || u.port() <= 0)
        return Error::make(Error::Kind::InvalidRequest, u"a proxy URL needs a host and port"_s);
    return QNetworkProxy(t, u.host(), quint16(u.port()), u.userName(), u.password());
}
QString redactedProxyUrl(const QString &s)
{
    QUrl u(s);
    if (!u.password().isEmpty())
        u.setPassword(u"***"_s);
    return u.toString();
}
} // namespace qp
