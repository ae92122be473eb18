#pragma once
// Egress proxies for upstream calls (issue 15 §5, docs/egress.md): which proxy, if any, a request
// to an upstream goes through.
//
// The rules, in order (resolveProxy, SystemProxy::resolve, EgressProxyFactory):
//  1. A provider's own proxy (Upstream::proxy not DefaultProxy) is used as configured, whatever the
//     target. NoProxy means direct.
//  2. Otherwise ("the system's proxy"): a loopback target (localhost, *.localhost, 127.0.0.0/8,
//     ::1, ::ffff:127.x) is always direct.
//  3. The environment, as curl reads it: for an https target https_proxy, then HTTPS_PROXY; for an
//     http target http_proxy, then HTTP_PROXY (curl ignores HTTP_PROXY for CGI reasons that do not
//     apply to us); then all_proxy, then ALL_PROXY. The lower-case name wins when both are set and
//     non-empty. A value without a scheme is an http proxy. An invalid value is ignored (and
//     reported once in SystemProxy::warnings), as if unset.
//     no_proxy (else NO_PROXY) lists targets that bypass the environment's proxy: entries are
//     separated by commas (or spaces); "*" matches everything; "example.com", ".example.com" and
//     "*.example.com" each match example.com and all its subdomains; "host:port" matches that
//     port only; IP literals match exactly ("[::1]:8080" for IPv6 with a port); "10.0.0.0/8" style
//     CIDR ranges match IP-literal targets. Names are compared case-insensitively without a
//     trailing dot. no_proxy never bypasses a provider's own proxy.
//  4. When the environment names no proxy for the target: the platform's settings through
//     QNetworkProxyFactory::systemProxyForQuery on macOS and Windows (proxy settings, PAC).
//     Not on Linux and other Unixes: there Qt's generic implementation
//     (qnetworkproxy_generic.cpp) only reads http_proxy/https_proxy/all_proxy/no_proxy, which
//     step 3 has already read; Qt built with libproxy (Debian's is: libQt6Network links
//     libproxy.so.1, see qnetworkproxy_libproxy.cpp) also asks libproxy, which besides the same
//     variables may read GNOME/KDE settings and run PAC/WPAD scripts, synchronously and not
//     thread-safely. That is too slow and unpredictable for a server's request path, and a
//     headless proxy service has no desktop session to read, so on Linux the environment is the
//     system's proxy. A desktop-only proxy setting must be exported as https_proxy there.
//  5. Otherwise direct.
//
// Proxy URL forms (parseProxyUrl):
//   http://[user:pass@]host[:port]     an HTTP proxy; every request goes through a CONNECT tunnel
//                                      (plain http too), TLS runs inside the tunnel end to end
//                                      with the upstream (SNI and certificate name = upstream).
//                                      Default port 80. Credentials: Basic, sent after a 407.
//   socks5://[user:pass@]host[:port]   SOCKS5 (RFC 1928, RFC 1929 username/password), the target
//                                      name is resolved locally and the proxy gets an address.
//   socks5h://[user:pass@]host[:port]  SOCKS5, the proxy resolves the target name (remote DNS:
//                                      Qt sends the name; use it when only the proxy's side can
//                                      resolve the upstream). Default port 1080 for both.
//   direct, none                       no proxy at all (not even the system's).
// https:// proxies (TLS to the proxy itself) are refused: QTcpSocket cannot speak them.
// User name and password are percent-decoded ("p%40ss" is "p@ss").

#include "common/error.h"

#include <QHostAddress>
#include <QList>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <optional>

class QNetworkAccessManager;

namespace qp {

Result<QNetworkProxy> parseProxyUrl(const QString &url);
// The URL with its password replaced by "***" (http://user:***@host:port); works on strings that
// do not parse, so it is safe for error messages and logs.
QString redactedProxyUrl(const QString &url);
// How a proxy is named in messages: its redacted URL ("socks5h://user:***@127.0.0.1:1080",
// "direct").
QString describeProxy(const QNetworkProxy &proxy);
// A target bypassing the system's proxy whatever the environment says.
bool isLoopbackHost(const QString &host);

// The environment's proxy settings, read once: resolving a request is then a few string
// comparisons (the HTTP client does it per request).
class SystemProxy
{
public:
    SystemProxy() = default;
    static SystemProxy fromEnvironment(const QProcessEnvironment &env);

    // The proxy to use for `target` (see the rules above); never DefaultProxy.
    QNetworkProxy resolve(const QNetworkProxy &configured, const QUrl &target) const;
    // Rules 1-3 and 5: nullopt when the platform's settings are to be asked (rule 4), which
    // only happens when usesPlatformSettings(). The HTTP client caches those answers itself.
    std::optional<QNetworkProxy> decide(const QNetworkProxy &configured, const QUrl &target) const;
    // Rule 4 alone: the first proxy systemProxyForQuery offers that a socket can use.
    static QNetworkProxy platformProxy(const QUrl &target);
    bool bypassed(const QString &host, int port) const; // no_proxy matches
    // Whether step 4 runs (macOS, Windows); tests turn it off to be deterministic.
    bool usesPlatformSettings() const { return m_platform; }
    void setUsePlatformSettings(bool on) { m_platform = on; }
    QStringList warnings() const { return m_warnings; } // invalid variables, redacted
    bool isEmpty() const { return !m_http && !m_https && !m_all; }

private:
    struct NoProxyRule {
        QString suffix;       // lower-case name without leading dot; empty for an address
        QHostAddress address; // IP literal or network
        int prefix = -1;      // CIDR length, -1 for an exact address
        int port = 0;         // 0: any port
    };
    std::optional<QNetworkProxy> m_http, m_https, m_all;
    QList<NoProxyRule> m_noProxy;
    bool m_noProxyAll = false;
    bool m_platform = false;
    QStringList m_warnings;
};

QNetworkProxy resolveProxy(const QNetworkProxy &configured, const QUrl &target,
                           const QProcessEnvironment &env);

// A QNetworkProxyFactory answering with the rules above, for a QNetworkAccessManager.
class EgressProxyFactory : public QNetworkProxyFactory
{
public:
    EgressProxyFactory(const QNetworkProxy &configured, SystemProxy system);
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery &query) override;

private:
    QNetworkProxy m_configured;
    SystemProxy m_system;
};

// Installs an EgressProxyFactory on `nam` (which takes ownership) so that its requests (OAuth,
// token refresh) take the same way as the upstream calls.
void applyEgress(QNetworkAccessManager *nam, const QNetworkProxy &configured,
                 const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());

} // namespace qp
