// Egress proxies (upstream/egress.h): proxy URLs, the resolution rules, and HttpClient, ChatCall
// and QNetworkAccessManager going through the real test proxies of tests/support/testproxies.h.
// Targets are named "upstream.invalid", a name that never resolves: only the proxy maps it to
// 127.0.0.1, so an answer proves the request went through the proxy.
#include "testproxies.h"
#include "testtls.h"
#include "upstream/chatcall.h"
#include "upstream/egress.h"
#include "upstream/httpclient.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <functional>
#include <memory>

using namespace Qt::StringLiterals;
using namespace qp;
using namespace qp::test;
using Failure = HttpClientRequest::Failure;
using HeaderList = QList<QPair<QByteArray, QByteArray>>;

namespace {

QSslCertificate upstreamCertificate()
{
    return tlsCertificate("upstream-invalid.crt");
}

QSslConfiguration trustingClientTls()
{
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setCaCertificates({upstreamCertificate()});
    c.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return c;
}

// An HTTP/1.1 upstream on 127.0.0.1 (TLS with the upstream.invalid certificate if asked): answers
// each request with `respond`, by default 200 "ok N" kept alive (closed if the request says
// Connection: close, as the test proxy's absolute-form requests do).
class Target : public QObject
{
public:
    std::function<void(QTcpSocket *, const QByteArray &)> respond;
    int accepted = 0;
    QList<QByteArray> requests;

    explicit Target(bool tls)
    {
        m_server = listenOnLoopback(
            this, tls ? std::optional(serverTls("upstream-invalid.crt", "upstream-invalid.key"))
                      : std::nullopt);
        connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *s = m_server->nextPendingConnection())
                serve(s);
        });
        m_tls = tls;
    }
    quint16 port() const { return m_server->serverPort(); }
    QUrl url(const QString &host = u"upstream.invalid"_s, const QString &path = u"/v1/x"_s) const
    {
        return QUrl(
            u"%1://%2:%3%4"_s.arg(m_tls ? u"https"_s : u"http"_s, host).arg(port()).arg(path));
    }
    QString hostPort(const QString &host = u"upstream.invalid"_s) const
    {
        return host + u':' + QString::number(port());
    }

private:
    void serve(QTcpSocket *s)
    {
        ++accepted;
        auto buf = std::make_shared<QByteArray>();
        connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        connect(s, &QTcpSocket::readyRead, this, [this, s, buf] {
            *buf += s->readAll();
            while (true) {
                const qsizetype end = buf->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                qsizetype length = 0;
                for (const QByteArray &line : buf->left(end).split('\n'))
                    if (line.toLower().startsWith("content-length:"))
                        length = line.mid(15).trimmed().toLongLong();
                if (buf->size() < end + 4 + length)
                    return;
                const QByteArray req = buf->left(end + 4 + length);
                buf->remove(0, req.size());
                requests.append(req);
                if (respond) {
                    respond(s, req);
                    continue;
                }
                const QByteArray body = "ok " + QByteArray::number(requests.size());
                s->write("HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(body.size()) +
                         "\r\n\r\n" + body);
                if (req.toLower().contains("\r\nconnection: close"))
                    s->disconnectFromHost();
            }
        });
    }
    QTcpServer *m_server;
    bool m_tls = false;
};

struct Recorder {
    int status = 0;
    QByteArray body;
    int finished = 0;
    int failed = 0;
    Failure failure = Failure::Aborted;
    QString message;
    bool reused = false;

    explicit Recorder(HttpClientRequest *r)
    {
        QObject::connect(r, &HttpClientRequest::responseStarted, r,
                         [this](int s, const HeaderList &) { status = s; });
        QObject::connect(r, &HttpClientRequest::bodyData, r,
                         [this](const QByteArray &b) { body += b; });
        QObject::connect(r, &HttpClientRequest::finished, r, [this, r] {
            ++finished;
            reused = r->reusedConnection();
        });
        QObject::connect(r, &HttpClientRequest::failed, r, [this](Failure k, const QString &m) {
            ++failed;
            failure = k;
            message = m;
        });
    }
    bool done() const { return finished + failed > 0; }
};

QNetworkProxy proxyOf(const QString &url)
{
    const Result<QNetworkProxy> p = parseProxyUrl(url);
    if (!p)
        qFatal("bad proxy URL in test: %s", qPrintable(p.error().message));
    return p.value();
}

SystemProxy systemFrom(const QStringList &vars)
{
    QProcessEnvironment env;
    for (const QString &v : vars) {
        const qsizetype eq = v.indexOf(u'=');
        env.insert(v.left(eq), v.mid(eq + 1));
    }
    SystemProxy s = SystemProxy::fromEnvironment(env);
    s.setUsePlatformSettings(false); // the same answers on every OS
    return s;
}

// A client that sees no system proxy and trusts the upstream.invalid certificate.
std::unique_ptr<HttpClient> makeClient(const QStringList &env = {})
{
    auto c = std::make_unique<HttpClient>();
    c->setSystemProxy(systemFrom(env));
    c->setSslConfiguration(trustingClientTls());
    return c;
}

struct Sink : ChatSink {
    QByteArray body;
    int failures = 0;
    Error error;
    void upstreamStarted() override {}
    void upstreamEvent(const QByteArray &) override {}
    void upstreamBody(const QByteArray &b) override { body = b; }
    void upstreamEnded() override {}
    void upstreamFailed(const Error &e, bool) override
    {
        ++failures;
        error = e;
    }
};

} // namespace

class TestEgress : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseGood_data();
    void parseGood();
    void parseBad_data();
    void parseBad();
    void redaction_data();
    void redaction();
    void resolveRules_data();
    void resolveRules();
    void resolveProxyReadsTheEnvironment();
    void invalidEnvironmentIsIgnoredAndRedacted();
    void resolvingIsCheap();

    void throughProxy_data();
    void throughProxy();
    void socks5ResolvesLocally();
    void credentials_data();
    void credentials();
    void badCredentials_data();
    void badCredentials();
    void proxyDown_data();
    void proxyDown();
    void proxyCannotReachTarget_data();
    void proxyCannotReachTarget();
    void tlsNameIsTheUpstreams();
    void poolKeepsWaysApart();
    void environmentProxyWhenDefault();
    void noProxyAndLoopbackBypass();
    void applicationProxyNeverApplies();
    void streamingThroughProxy();
    void chatCallUsesUpstreamProxy();
    void chatCallProxyFailureIsUnavailable();

    void namPlainHttpAbsoluteForm();
    void namHttpsTunnel();
    void namDefaultFollowsEnvironmentRules();
};

void TestEgress::parseGood_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<bool>("remoteDns");
    const int http = QNetworkProxy::HttpProxy, socks = QNetworkProxy::Socks5Proxy,
              none = QNetworkProxy::NoProxy;
    QTest::newRow("http") << u"http://127.0.0.1:3128"_s << http << u"127.0.0.1"_s << 3128
                          << QString() << QString() << true;
    QTest::newRow("http default port") << u"HTTP://Proxy.Corp"_s << http << u"proxy.corp"_s << 80
                                       << QString() << QString() << true;
    QTest::newRow("decoded credentials")
        << u"http://al%20ice:p%40ss%3Aw%C3%B6rd@proxy:8080/"_s << http << u"proxy"_s << 8080
        << u"al ice"_s << u"p@ss:w\u00f6rd"_s << true;
    QTest::newRow("socks5 local dns") << u"socks5://u:p@10.0.0.1:1081"_s << socks << u"10.0.0.1"_s
                                      << 1081 << u"u"_s << u"p"_s << false;
    QTest::newRow("socks5h remote dns")
        << u"socks5h://gw"_s << socks << u"gw"_s << 1080 << QString() << QString() << true;
    QTest::newRow("ipv6") << u"http://[::1]:3128"_s << http << u"::1"_s << 3128 << QString()
                          << QString() << true;
    QTest::newRow("direct") << u" direct "_s << none << QString() << 0 << QString() << QString()
                            << false;
    QTest::newRow("none") << u"NONE"_s << none << QString() << 0 << QString() << QString() << false;
}

void TestEgress::parseGood()
{
    QFETCH(QString, url);
    QFETCH(int, type);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(bool, remoteDns);
    const Result<QNetworkProxy> p = parseProxyUrl(url);
    QVERIFY2(p.ok(), p ? "" : qPrintable(p.error().message));
    QCOMPARE(int(p->type()), type);
    if (type == QNetworkProxy::NoProxy)
        return;
    QCOMPARE(p->hostName(), host);
    QCOMPARE(int(p->port()), port);
    QCOMPARE(p->user(), user);
    QCOMPARE(p->password(), password);
    QCOMPARE(p->capabilities().testFlag(QNetworkProxy::HostNameLookupCapability), remoteDns);
    QVERIFY(p->capabilities().testFlag(QNetworkProxy::TunnelingCapability));
}

void TestEgress::parseBad_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("says");
    QTest::newRow("https proxy") << u"https://bob:s3cret@proxy:443"_s << u"not supported"_s;
    QTest::newRow("unknown scheme") << u"socks4://bob:s3cret@proxy:1080"_s << u"socks4"_s;
    QTest::newRow("no scheme") << u"bob:s3cret@proxy:3128"_s << u"expected http://"_s;
    QTest::newRow("empty") << u"  "_s << u"empty"_s;
    QTest::newRow("no host") << u"http://bob:s3cret@:3128"_s << u"bob:***@"_s;
    QTest::newRow("path") << u"http://bob:s3cret@proxy:3128/x"_s << u"no path"_s;
    QTest::newRow("port") << u"http://bob:s3cret@proxy:99999"_s << u"bob:***@proxy"_s;
    QTest::newRow("password alone") << u"http://:s3cret@proxy:3128"_s << u"without a user"_s;
    QTest::newRow("unencoded") << u"http://bob:s3cret/x@proxy:3128"_s << u"percent-encode"_s;
}

void TestEgress::parseBad()
{
    QFETCH(QString, url);
    QFETCH(QString, says);
    const Result<QNetworkProxy> p = parseProxyUrl(url);
    QVERIFY(!p.ok());
    QVERIFY2(p.error().message.contains(says), qPrintable(p.error().message));
    QVERIFY2(!p.error().message.contains(u"s3cret"_s), qPrintable(p.error().message));
}

void TestEgress::redaction_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("redacted");
    QTest::newRow("credentials") << u"http://user:pw@host:1"_s << u"http://user:***@host:1"_s;
    QTest::newRow("user only") << u"http://user@host:1"_s << u"http://user@host:1"_s;
    QTest::newRow("none") << u"socks5h://host:1"_s << u"socks5h://host:1"_s;
    QTest::newRow("at in password") << u"http://u:p@ss/x@host:1"_s << u"http://u:***@host:1"_s;
    QTest::newRow("no scheme") << u"u:pw@host:1"_s << u"u:***@host:1"_s;
}

void TestEgress::redaction()
{
    QFETCH(QString, url);
    QFETCH(QString, redacted);
    QCOMPARE(redactedProxyUrl(url), redacted);
}

void TestEgress::resolveRules_data()
{
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QString>("configured"); // empty: DefaultProxy
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("expected"); // describeProxy()
    const QString e = u"http://env:3128"_s;
    QTest::newRow("nothing") << QStringList() << QString() << u"https://api.example.com"_s
                             << u"direct"_s;
    QTest::newRow("explicit beats env")
        << QStringList{u"https_proxy="_s + e} << u"socks5h://u:p@own:1080"_s
        << u"https://api.example.com"_s << u"socks5h://u:***@own:1080"_s;
    QTest::newRow("explicit direct beats env") << QStringList{u"https_proxy="_s + e} << u"direct"_s
                                               << u"https://api.example.com"_s << u"direct"_s;
    QTest::newRow("explicit even for loopback")
        << QStringList() << u"http://own:8080"_s << u"http://127.0.0.1:99/v1"_s
        << u"http://own:8080"_s;
    QTest::newRow("explicit ignores no_proxy")
        << QStringList{u"no_proxy=*"_s} << u"http://own:8080"_s << u"https://api.example.com"_s
        << u"http://own:8080"_s;
    QTest::newRow("HTTPS_PROXY") << QStringList{u"HTTPS_PROXY="_s + e} << QString()
                                 << u"https://api.example.com"_s << u"http://env:3128"_s;
    QTest::newRow("lower case wins")
        << QStringList{u"https_proxy=http://lower:1"_s, u"HTTPS_PROXY=http://upper:2"_s}
        << QString() << u"https://api.example.com"_s << u"http://lower:1"_s;
    QTest::newRow("empty lower case falls back")
        << QStringList{u"https_proxy="_s, u"HTTPS_PROXY=http://upper:2"_s} << QString()
        << u"https://api.example.com"_s << u"http://upper:2"_s;
    QTest::newRow("http target reads http_proxy")
        << QStringList{u"https_proxy=http://s:1"_s, u"http_proxy=http://p:2"_s} << QString()
        << u"http://api.example.com"_s << u"http://p:2"_s;
    QTest::newRow("HTTP_PROXY") << QStringList{u"HTTP_PROXY=http://p:2"_s} << QString()
                                << u"http://api.example.com"_s << u"http://p:2"_s;
    QTest::newRow("https target ignores http_proxy")
        << QStringList{u"http_proxy=http://p:2"_s} << QString() << u"https://api.example.com"_s
        << u"direct"_s;
    QTest::newRow("all_proxy fallback") << QStringList{u"ALL_PROXY=socks5h://s:1080"_s} << QString()
                                        << u"https://api.example.com"_s << u"socks5h://s:1080"_s;
    QTest::newRow("no scheme is http")
        << QStringList{u"https_proxy=proxy.corp:3128"_s} << QString()
        << u"https://api.example.com"_s << u"http://proxy.corp:3128"_s;
    for (const QString &host : {u"localhost"_s, u"127.0.0.1"_s, u"127.9.9.9"_s, u"[::1]"_s,
                                u"LOCALHOST."_s, u"api.localhost"_s, u"[::ffff:127.0.0.1]"_s})
        QTest::newRow(qPrintable(u"loopback "_s + host))
            << QStringList{u"https_proxy="_s + e, u"http_proxy="_s + e} << QString()
            << u"https://%1:8443/v1"_s.arg(host) << u"direct"_s;
    QTest::newRow("not loopback: 128.0.0.1")
        << QStringList{u"https_proxy="_s + e} << QString() << u"https://128.0.0.1"_s << e;
    QTest::newRow("not loopback: localhost.evil.com")
        << QStringList{u"https_proxy="_s + e} << QString() << u"https://localhost.evil.com"_s << e;

    const auto noProxy = [&](const char *row, const QString &list, const QString &target,
                             bool bypass) {
        QTest::newRow(row) << QStringList{u"https_proxy="_s + e, u"NO_PROXY="_s + list} << QString()
                           << target << (bypass ? u"direct"_s : e);
    };
    noProxy("no_proxy *", u"*"_s, u"https://api.example.com"_s, true);
    noProxy("no_proxy exact", u"api.example.com"_s, u"https://api.example.com"_s, true);
    noProxy("no_proxy domain matches subdomain", u"example.com"_s, u"https://api.example.com"_s,
            true);
    noProxy("no_proxy domain matches itself", u"example.com"_s, u"https://example.com"_s, true);
    noProxy("no_proxy dot form matches itself", u".example.com"_s, u"https://example.com"_s, true);
    noProxy("no_proxy dot form matches subdomain", u".example.com"_s, u"https://a.b.example.com"_s,
            true);
    noProxy("no_proxy star-dot form", u"*.example.com"_s, u"https://api.example.com"_s, true);
    noProxy("no_proxy is not a substring match", u"example.com"_s, u"https://badexample.com"_s,
            false);
    noProxy("no_proxy case and trailing dot", u"Example.COM."_s, u"https://API.example.com."_s,
            true);
    noProxy("no_proxy list with spaces", u"foo.org, example.com"_s, u"https://api.example.com"_s,
            true);
    noProxy("no_proxy port matches", u"api.example.com:8443"_s, u"https://api.example.com:8443"_s,
            true);
    noProxy("no_proxy port differs", u"api.example.com:8443"_s, u"https://api.example.com"_s,
            false);
    noProxy("no_proxy ip", u"10.1.2.3"_s, u"https://10.1.2.3/v1"_s, true);
    noProxy("no_proxy ip differs", u"10.1.2.3"_s, u"https://10.1.2.4/v1"_s, false);
    noProxy("no_proxy cidr", u"10.0.0.0/8"_s, u"https://10.9.8.7/v1"_s, true);
    noProxy("no_proxy cidr outside", u"10.0.0.0/8"_s, u"https://11.0.0.1/v1"_s, false);
    noProxy("no_proxy ipv6 with port", u"[2001:db8::1]:443"_s, u"https://[2001:db8::1]/v1"_s, true);
    noProxy("no_proxy ipv6 cidr", u"2001:db8::/32"_s, u"https://[2001:db8::7]/v1"_s, true);
    QTest::newRow("lower-case no_proxy wins")
        << QStringList{u"https_proxy="_s + e, u"no_proxy=foo.org"_s, u"NO_PROXY=example.com"_s}
        << QString() << u"https://api.example.com"_s << e;
}

void TestEgress::resolveRules()
{
    QFETCH(QStringList, env);
    QFETCH(QString, configured);
    QFETCH(QString, target);
    QFETCH(QString, expected);
    const QNetworkProxy c =
        configured.isEmpty() ? QNetworkProxy(QNetworkProxy::DefaultProxy) : proxyOf(configured);
    const QNetworkProxy p = systemFrom(env).resolve(c, QUrl(target));
    QCOMPARE(describeProxy(p), expected);
}

void TestEgress::resolveProxyReadsTheEnvironment()
{
    QProcessEnvironment env;
    env.insert(u"HTTPS_PROXY"_s, u"http://u:pw@gw:3128"_s);
    env.insert(u"NO_PROXY"_s, u"internal.corp"_s);
    const QNetworkProxy p = resolveProxy(QNetworkProxy(QNetworkProxy::DefaultProxy),
                                         QUrl(u"https://api.example.com/v1"_s), env);
    QCOMPARE(p.type(), QNetworkProxy::HttpProxy);
    QCOMPARE(p.hostName(), u"gw"_s);
    QCOMPARE(p.user(), u"u"_s);
    QCOMPARE(p.password(), u"pw"_s);
    QCOMPARE(resolveProxy(QNetworkProxy(QNetworkProxy::DefaultProxy),
                          QUrl(u"https://llm.internal.corp/v1"_s), env)
                 .type(),
             QNetworkProxy::NoProxy);
    QCOMPARE(resolveProxy(QNetworkProxy(QNetworkProxy::DefaultProxy),
                          QUrl(u"http://localhost:8080/v1"_s), env)
                 .type(),
             QNetworkProxy::NoProxy);
}

void TestEgress::invalidEnvironmentIsIgnoredAndRedacted()
{
    const SystemProxy s = systemFrom({u"https_proxy=https://bob:s3cret@gw:443"_s});
    QCOMPARE(
        s.resolve(QNetworkProxy(QNetworkProxy::DefaultProxy), QUrl(u"https://api.example.com"_s))
            .type(),
        QNetworkProxy::NoProxy);
    QCOMPARE(s.warnings().size(), 1);
    QVERIFY2(s.warnings().first().contains(u"https_proxy"_s), qPrintable(s.warnings().first()));
    QVERIFY2(s.warnings().first().contains(u"bob:***@gw"_s), qPrintable(s.warnings().first()));
    QVERIFY(!s.warnings().first().contains(u"s3cret"_s));
}

void TestEgress::resolvingIsCheap()
{
    // Per request on the hot path (~17k req/s): far below the 50 µs budget, even in a debug build
    // with a proxy set and a no_proxy list to walk.
    auto client =
        makeClient({u"HTTPS_PROXY=http://gw:3128"_s,
                    u"NO_PROXY=a.example,b.example,.c.example,10.0.0.0/8,d.example:8443"_s});
    const QUrl url(u"https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions"_s);
    const QNetworkProxy dflt(QNetworkProxy::DefaultProxy);
    QElapsedTimer timer;
    timer.start();
    constexpr int n = 10000;
    int proxied = 0;
    for (int i = 0; i < n; ++i)
        proxied += client->effectiveProxy(dflt, url).type() == QNetworkProxy::HttpProxy;
    const qint64 ns = timer.nsecsElapsed();
    QCOMPARE(proxied, n);
    qDebug("resolve: %.2f us per request", double(ns) / n / 1000.0);
    QVERIFY2(ns / n < 50000, qPrintable(u"%1 ns per resolve"_s.arg(ns / n)));
}

// ---- HttpClient through the proxies ----

void TestEgress::throughProxy_data()
{
    QTest::addColumn<bool>("socks");
    QTest::addColumn<bool>("tls");
    QTest::newRow("connect, http") << false << false;
    QTest::newRow("connect, https") << false << true;
    QTest::newRow("socks5h, http") << true << false;
    QTest::newRow("socks5h, https") << true << true;
}

void TestEgress::throughProxy()
{
    QFETCH(bool, socks);
    QFETCH(bool, tls);
    Target target(tls);
    std::unique_ptr<TestProxyBase> proxy;
    QString proxyUrl;
    if (socks) {
        auto *p = new TestSocks5Proxy;
        proxyUrl = p->url(u"socks5h"_s);
        proxy.reset(p);
    } else {
        auto *p = new TestConnectProxy;
        proxyUrl = p->url();
        proxy.reset(p);
    }
    proxy->mapHost(u"upstream.invalid"_s);
    auto client = makeClient();

    for (int i = 1; i <= 2; ++i) {
        HttpClientRequest *r = client->post(target.url(), {{"Content-Type", "application/json"}},
                                            "{}", proxyOf(proxyUrl));
        Recorder rec(r);
        QTRY_VERIFY(rec.done());
        QVERIFY2(rec.finished == 1, qPrintable(rec.message));
        QCOMPARE(rec.status, 200);
        QCOMPARE(rec.body, "ok " + QByteArray::number(i));
        QCOMPARE(rec.reused, i == 2); // the tunnel is a keep-alive connection like any other
        delete r;
    }
    QCOMPARE(proxy->targets, QStringList{target.hostPort()});
    QCOMPARE(proxy->tunnels, 1);
    QCOMPARE(target.accepted, 1);
    QVERIFY(target.requests.first().contains("\r\nHost: upstream.invalid:"));
    if (socks)
        QCOMPARE(static_cast<TestSocks5Proxy *>(proxy.get())->addressTypes, QList<int>{3});
}

void TestEgress::socks5ResolvesLocally()
{
    // socks5:// (not socks5h): the proxy is given an address, not the name.
    Target target(false);
    TestSocks5Proxy proxy;
    auto client = makeClient();
    HttpClientRequest *r =
        client->send("GET", target.url(u"127.0.0.1"_s), {}, {}, proxyOf(proxy.url(u"socks5"_s)));
    Recorder rec(r);
    QTRY_VERIFY(rec.done());
    QVERIFY2(rec.finished == 1, qPrintable(rec.message));
    QCOMPARE(proxy.addressTypes, QList<int>{1});
    QCOMPARE(proxy.targets, QStringList{target.hostPort(u"127.0.0.1"_s)});

    QTcpServer v6;
    if (!v6.listen(QHostAddress::LocalHostIPv6))
        QSKIP("no IPv6 loopback here");
    v6.close();
    Target target6(false);
    // The target listens on IPv4; the proxy maps the IPv6 loopback there after recording ATYP 4.
    proxy.mapHost(u"::1"_s, QHostAddress::LocalHost);
    HttpClientRequest *r6 = client->send("GET", QUrl(u"http://[::1]:%1/v1/x"_s.arg(target6.port())),
                                         {}, {}, proxyOf(proxy.url(u"socks5"_s)));
    Recorder rec6(r6);
    QTRY_VERIFY(rec6.done());
    QVERIFY2(rec6.finished == 1, qPrintable(rec6.message));
    QCOMPARE(proxy.addressTypes, (QList<int>{1, 4}));
    QCOMPARE(proxy.targets.last(), u"[::1]:%1"_s.arg(target6.port()));
}

void TestEgress::credentials_data()
{
    QTest::addColumn<bool>("socks");
    QTest::newRow("connect") << false;
    QTest::newRow("socks5h") << true;
}

void TestEgress::credentials()
{
    QFETCH(bool, socks);
    Target target(true);
    std::unique_ptr<TestProxyBase> proxy(socks ? static_cast<TestProxyBase *>(new TestSocks5Proxy)
                                               : new TestConnectProxy);
    // Percent-decoded before use. (ASCII: Qt sends proxy credentials as Latin-1, docs/egress.md.)
    proxy->setCredentials(u"al ice"_s, u"p@ss:w/rd%"_s);
    proxy->mapHost(u"upstream.invalid"_s);
    const QString url = (socks ? u"socks5h"_s : u"http"_s) +
                        u"://al%20ice:p%40ss%3Aw%2Frd%25@127.0.0.1:"_s +
                        QString::number(proxy->port());
    auto client = makeClient();
    HttpClientRequest *r = client->post(target.url(), {}, "{}", proxyOf(url));
    Recorder rec(r);
    QTRY_VERIFY(rec.done());
    QVERIFY2(rec.finished == 1, qPrintable(rec.message));
    QCOMPARE(rec.body, "ok 1");
    QCOMPARE(proxy->tunnels, 1);
}

void TestEgress::badCredentials_data()
{
    QTest::addColumn<bool>("socks");
    QTest::addColumn<QString>("userInfo");
    QTest::addColumn<QString>("says");
    QTest::newRow("connect, wrong")
        << false << u"bob:wr0ng@"_s << u"refused the credentials (407)"_s;
    QTest::newRow("connect, none") << false << QString() << u"requires credentials (407)"_s;
    QTest::newRow("socks5h, wrong")
        << true << u"bob:wr0ng@"_s << u"refused the credentials (SOCKS5"_s;
    QTest::newRow("socks5h, none") << true << QString() << u"requires credentials"_s;
}

void TestEgress::badCredentials()
{
    QFETCH(bool, socks);
    QFETCH(QString, userInfo);
    QFETCH(QString, says);
    Target target(true);
    std::unique_ptr<TestProxyBase> proxy(socks ? static_cast<TestProxyBase *>(new TestSocks5Proxy)
                                               : new TestConnectProxy);
    proxy->setCredentials(u"bob"_s, u"right"_s);
    proxy->mapHost(u"upstream.invalid"_s);
    const QString scheme = socks ? u"socks5h"_s : u"http"_s;
    const QString url =
        scheme + u"://"_s + userInfo + u"127.0.0.1:"_s + QString::number(proxy->port());
    auto client = makeClient();
    HttpClientRequest *r = client->post(target.url(), {}, "{}", proxyOf(url));
    Recorder rec(r);
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.failed, 1);
    QCOMPARE(rec.failure, Failure::Proxy);
    QVERIFY2(rec.message.contains(says), qPrintable(rec.message));
    QVERIFY2(rec.message.contains(redactedProxyUrl(url)), qPrintable(rec.message));
    QVERIFY2(!rec.message.contains(u"wr0ng"_s), qPrintable(rec.message));
    QVERIFY(proxy->authFailures >= 1);
    QCOMPARE(proxy->tunnels, 0);
    QCOMPARE(target.accepted, 0);
}

void TestEgress::proxyDown_data()
{
    credentials_data();
}

void TestEgress::proxyDown()
{
    QFETCH(bool, socks);
    Target target(false);
    std::unique_ptr<TestProxyBase> proxy(socks ? static_cast<TestProxyBase *>(new TestSocks5Proxy)
                                               : new TestConnectProxy);
    const QString url =
        u"%1://127.0.0.1:%2"_s.arg(socks ? u"socks5h"_s : u"http"_s).arg(proxy->port());
    proxy->stop();
    auto client = makeClient();
    HttpClientRequest *r = client->post(target.url(), {}, "{}", proxyOf(url));
    Recorder rec(r);
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.failed, 1);
    QCOMPARE(rec.failure, Failure::Proxy);
    QVERIFY2(rec.message.contains(u"the egress proxy %1 refused the connection"_s.arg(url)),
             qPrintable(rec.message));
}

void TestEgress::proxyCannotReachTarget_data()
{
    credentials_data();
}

void TestEgress::proxyCannotReachTarget()
{
    QFETCH(bool, socks);
    quint16 closedPort = 0;
    {
        QTcpServer s;
        QVERIFY(s.listen(QHostAddress::LocalHost));
        closedPort = s.serverPort();
    }
    std::unique_ptr<TestProxyBase> proxy(socks ? static_cast<TestProxyBase *>(new TestSocks5Proxy)
                                               : new TestConnectProxy);
    const QString url =
        u"%1://127.0.0.1:%2"_s.arg(socks ? u"socks5h"_s : u"http"_s).arg(proxy->port());
    auto client = makeClient();
    HttpClientRequest *r =
        client->post(QUrl(u"http://127.0.0.1:%1/v1/x"_s.arg(closedPort)), {}, "{}", proxyOf(url));
    Recorder rec(r);
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.failed, 1);
    QCOMPARE(rec.failure, Failure::ConnectionRefused);
    QVERIFY2(rec.message.contains(u"the egress proxy %1 could not connect to 127.0.0.1:%2"_s.arg(
                 url, QString::number(closedPort))),
             qPrintable(rec.message));
    // Qt's socket asks the proxy twice after a refusal (its own retry, HTTP and SOCKS alike).
    QVERIFY(!proxy->targets.isEmpty());
    for (const QString &t : std::as_const(proxy->targets))
        QCOMPARE(t, u"127.0.0.1:%1"_s.arg(closedPort));
    QCOMPARE(proxy->tunnels, 0);
}

void TestEgress::tlsNameIsTheUpstreams()
{
    // The proxy maps "localhost" to a TLS server whose certificate is for upstream.invalid only:
    // the client checks the name it asked for (localhost), so the handshake must fail. The other
    // way round (upstream.invalid through the proxy) passes in throughProxy: the name checked is
    // never the proxy's 127.0.0.1.
    Target target(true);
    TestConnectProxy proxy;
    auto client = makeClient();
    HttpClientRequest *r = client->post(target.url(u"localhost"_s), {}, "{}", proxyOf(proxy.url()));
    Recorder rec(r);
    QTRY_VERIFY(rec.done());
    QCOMPARE(rec.failed, 1);
    QCOMPARE(rec.failure, Failure::Tls);
    QVERIFY2(rec.message.contains(u"through the egress proxy"_s), qPrintable(rec.message));
    QCOMPARE(proxy.targets, QStringList{target.hostPort(u"localhost"_s)});
}

void TestEgress::poolKeepsWaysApart()
{
    Target target(false);
    TestConnectProxy proxyA, proxyB;
    auto client = makeClient();
    const QUrl url = target.url(u"127.0.0.1"_s);
    const QList<QNetworkProxy> ways{QNetworkProxy(QNetworkProxy::NoProxy), proxyOf(proxyA.url()),
                                    proxyOf(proxyB.url())};
    for (int round = 0; round < 2; ++round) {
        for (const QNetworkProxy &way : ways) {
            HttpClientRequest *r = client->post(url, {}, "{}", way);
            Recorder rec(r);
            QTRY_VERIFY(rec.done());
            QVERIFY2(rec.finished == 1, qPrintable(rec.message));
            QCOMPARE(rec.reused, round == 1);
            delete r;
        }
    }
    QCOMPARE(target.accepted, 3);
    QCOMPARE(proxyA.tunnels, 1);
    QCOMPARE(proxyB.tunnels, 1);
    QCOMPARE(client->connectionCount(), 3);
    QCOMPARE(client->idleConnectionCount(), 3);
    // Same proxy, other user: not the same way either.
    HttpClientRequest *r =
        client->post(url, {}, "{}", proxyOf(u"http://other@127.0.0.1:%1"_s.arg(proxyA.port())));
    Recorder rec(r);
    QTRY_VERIFY(rec.done());
    QVERIFY(!rec.reused);
    QCOMPARE(proxyA.tunnels, 2);
}

void TestEgress::environmentProxyWhenDefault()
{
    Target target(true);
    TestConnectProxy proxy;
    proxy.mapHost(u"upstream.invalid"_s);
    auto client = makeClient({u"HTTPS_PROXY="_s + proxy.url()});
    HttpClientRequest *r = client->post(target.url(), {}, "{}"); // DefaultProxy
    Recorder rec(r);
    QTRY_VERIFY(rec.done());
    QVERIFY2(rec.finished == 1, qPrintable(rec.message));
    QCOMPARE(proxy.targets, QStringList{target.hostPort()});
}

void TestEgress::noProxyAndLoopbackBypass()
{
    Target target(false);
    TestConnectProxy proxy;
    auto client = makeClient({u"HTTP_PROXY="_s + proxy.url(), u"HTTPS_PROXY="_s + proxy.url(),
                              u"NO_PROXY=.internal.corp"_s});
    // Loopback is direct whatever the environment says: the request works without the proxy.
    HttpClientRequest *r = client->post(target.url(u"127.0.0.1"_s), {}, "{}");
    Recorder rec(r);
    QTRY_VERIFY(rec.done());
    QVERIFY2(rec.finished == 1, qPrintable(rec.message));
    QCOMPARE(proxy.connections, 0);
    // NO_PROXY names go direct, others through the proxy (checked without a network).
    const QNetworkProxy dflt(QNetworkProxy::DefaultProxy);
    QCOMPARE(client->effectiveProxy(dflt, QUrl(u"https://llm.internal.corp/v1"_s)).type(),
             QNetworkProxy::NoProxy);
    QCOMPARE(describeProxy(client->effectiveProxy(dflt, QUrl(u"https://api.example.com/v1"_s))),
             proxy.url());
}

void TestEgress::applicationProxyNeverApplies()
{
    // A socket left with DefaultProxy would follow Qt's application proxy; ours never do.
    // (The target listens first: a QTcpServer follows the application proxy too.)
    TestConnectProxy appProxy;
    Target target(false);
    QNetworkProxy::setApplicationProxy(
        QNetworkProxy(QNetworkProxy::HttpProxy, u"127.0.0.1"_s, appProxy.port()));
    const auto restore = qScopeGuard(
        [] { QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::NoProxy)); });
    auto client = makeClient();
    for (const QNetworkProxy &way :
         {QNetworkProxy(QNetworkProxy::DefaultProxy), QNetworkProxy(QNetworkProxy::NoProxy)}) {
        HttpClientRequest *r = client->post(target.url(u"127.0.0.1"_s), {}, "{}", way);
        Recorder rec(r);
        QTRY_VERIFY(rec.done());
        QVERIFY2(rec.finished == 1, qPrintable(rec.message));
        delete r;
    }
    QCOMPARE(appProxy.connections, 0);
    QCOMPARE(target.accepted, 1);
}

void TestEgress::streamingThroughProxy()
{
    Target target(true);
    QPointer<QTcpSocket> upstreamSide;
    target.respond = [&upstreamSide](QTcpSocket *s, const QByteArray &) {
        upstreamSide = s;
        s->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n");
        const QByteArray event = "data: {\"n\":1}\n\n";
        s->write(QByteArray::number(event.size(), 16) + "\r\n" + event + "\r\n");
    };
    TestConnectProxy proxy;
    proxy.mapHost(u"upstream.invalid"_s);
    auto client = makeClient();
    HttpClientRequest *r =
        client->post(target.url(), {{"Accept", "text/event-stream"}}, "{}", proxyOf(proxy.url()));
    Recorder rec(r);
    // The first event arrives while the upstream still holds the stream open.
    QTRY_COMPARE(rec.body, QByteArray("data: {\"n\":1}\n\n"));
    QCOMPARE(rec.finished + rec.failed, 0);
    QVERIFY(upstreamSide);
    const QByteArray event = "data: [DONE]\n\n";
    upstreamSide->write(QByteArray::number(event.size(), 16) + "\r\n" + event + "\r\n0\r\n\r\n");
    QTRY_VERIFY(rec.done());
    QVERIFY2(rec.finished == 1, qPrintable(rec.message));
    QCOMPARE(rec.body, QByteArray("data: {\"n\":1}\n\ndata: [DONE]\n\n"));
    QCOMPARE(proxy.targets, QStringList{target.hostPort()});
    // Closing the client side closes the tunnel and the upstream side (close propagation).
    client.reset();
    QTRY_COMPARE(proxy.relaysClosed, 1);
    QTRY_VERIFY(!upstreamSide || upstreamSide->state() == QAbstractSocket::UnconnectedState);
}

void TestEgress::chatCallUsesUpstreamProxy()
{
    Target target(true);
    target.respond = [](QTcpSocket *s, const QByteArray &) {
        const QByteArray body = R"({"id":"x","choices":[]})";
        s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                 QByteArray::number(body.size()) + "\r\n\r\n" + body);
    };
    TestSocks5Proxy proxy;
    proxy.mapHost(u"upstream.invalid"_s);
    auto client = makeClient();
    Upstream up;
    up.name = u"test"_s;
    up.auth = Upstream::Auth::ApiKey;
    up.apiKey = u"k"_s;
    up.baseUrl = target.url(u"upstream.invalid"_s, u"/v1"_s);
    up.proxy = proxyOf(proxy.url());
    Sink sink;
    ChatCall call(client.get(), nullptr, {}, up, R"({"model":"m"})", false, &sink);
    call.start();
    QTRY_VERIFY(!sink.body.isEmpty() || sink.failures > 0);
    QVERIFY2(sink.failures == 0, qPrintable(sink.error.message));
    QCOMPARE(proxy.targets, QStringList{target.hostPort()});
    QVERIFY(target.requests.first().startsWith("POST /v1/chat/completions "));
}

void TestEgress::chatCallProxyFailureIsUnavailable()
{
    TestConnectProxy proxy;
    proxy.setCredentials(u"bob"_s, u"right"_s);
    auto client = makeClient();
    Upstream up;
    up.name = u"test"_s;
    up.auth = Upstream::Auth::ApiKey;
    up.apiKey = u"k"_s;
    up.baseUrl = QUrl(u"https://upstream.invalid/v1"_s);
    up.proxy = proxyOf(u"http://bob:wr0ng@127.0.0.1:%1"_s.arg(proxy.port()));
    Sink sink;
    ChatCall call(client.get(), nullptr, {}, up, R"({"model":"m"})", false, &sink);
    call.start();
    QTRY_COMPARE(sink.failures, 1);
    // A transient, unavailable upstream (502 to the client), saying what the proxy did.
    QCOMPARE(sink.error.kind, Error::Kind::UpstreamUnavailable);
    QVERIFY2(sink.error.message.contains(u"refused the credentials (407)"_s),
             qPrintable(sink.error.message));
    QVERIFY(!sink.error.message.contains(u"wr0ng"_s));
}

// ---- QNetworkAccessManager (OAuth, token refresh) ----

void TestEgress::namPlainHttpAbsoluteForm()
{
    // With an HTTP proxy Qt sends plain http as an absolute-form request ("GET http://host/path"),
    // not through CONNECT; the test proxy serves that form too.
    Target target(false);
    TestConnectProxy proxy;
    proxy.setCredentials(u"bob"_s, u"right"_s);
    proxy.mapHost(u"upstream.invalid"_s);
    QNetworkAccessManager nam;
    applyEgress(&nam, proxyOf(u"http://bob:right@127.0.0.1:%1"_s.arg(proxy.port())),
                QProcessEnvironment());
    QNetworkReply *reply = nam.get(QNetworkRequest(target.url(u"upstream.invalid"_s, u"/token"_s)));
    QTRY_VERIFY(reply->isFinished());
    QVERIFY2(reply->error() == QNetworkReply::NoError, qPrintable(reply->errorString()));
    QCOMPARE(reply->readAll(), QByteArray("ok 1"));
    QCOMPARE(
        proxy.absoluteRequests,
        QStringList{u"GET %1"_s.arg(target.url(u"upstream.invalid"_s, u"/token"_s).toString())});
    QVERIFY(!target.requests.first().toLower().contains("proxy-authorization"));
    delete reply;
}

void TestEgress::namHttpsTunnel()
{
    Target target(true);
    TestSocks5Proxy socks;
    socks.mapHost(u"upstream.invalid"_s);
    TestConnectProxy connectProxy;
    connectProxy.mapHost(u"upstream.invalid"_s);
    for (TestProxyBase *proxy :
         {static_cast<TestProxyBase *>(&connectProxy), static_cast<TestProxyBase *>(&socks)}) {
        QNetworkAccessManager nam;
        const QString url = proxy == &socks ? socks.url() : connectProxy.url();
        applyEgress(&nam, proxyOf(url), QProcessEnvironment());
        QNetworkRequest request(target.url(u"upstream.invalid"_s, u"/oauth"_s));
        request.setSslConfiguration(trustingClientTls());
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        QNetworkReply *reply = nam.get(request);
        QTRY_VERIFY(reply->isFinished());
        QVERIFY2(reply->error() == QNetworkReply::NoError,
                 qPrintable(url + u": "_s + reply->errorString()));
        QCOMPARE(proxy->targets, QStringList{target.hostPort()});
        delete reply;
    }
}

void TestEgress::namDefaultFollowsEnvironmentRules()
{
    Target target(false);
    TestConnectProxy proxy;
    QProcessEnvironment env;
    env.insert(u"http_proxy"_s, proxy.url());
    env.insert(u"https_proxy"_s, proxy.url());
    env.insert(u"no_proxy"_s, u"internal.corp"_s);
    QNetworkAccessManager nam;
    applyEgress(&nam, QNetworkProxy(QNetworkProxy::DefaultProxy), env);
    // Loopback: direct, the proxy never sees it.
    QNetworkReply *reply = nam.get(QNetworkRequest(target.url(u"127.0.0.1"_s)));
    QTRY_VERIFY(reply->isFinished());
    QVERIFY2(reply->error() == QNetworkReply::NoError, qPrintable(reply->errorString()));
    QCOMPARE(proxy.connections, 0);
    delete reply;
    // What the installed factory answers for other targets.
    QNetworkProxyFactory *factory = nam.proxyFactory();
    QVERIFY(factory);
    QCOMPARE(
        describeProxy(
            factory->queryProxy(QNetworkProxyQuery(QUrl(u"https://chat.qwen.ai/api"_s))).value(0)),
        proxy.url());
    QCOMPARE(factory->queryProxy(QNetworkProxyQuery(QUrl(u"https://sso.internal.corp/x"_s)))
                 .value(0)
                 .type(),
             QNetworkProxy::NoProxy);
    // And a live request through the environment's proxy.
    proxy.mapHost(u"upstream.invalid"_s);
    reply = nam.get(QNetworkRequest(target.url()));
    QTRY_VERIFY(reply->isFinished());
    QVERIFY2(reply->error() == QNetworkReply::NoError, qPrintable(reply->errorString()));
    QCOMPARE(proxy.targets, QStringList{target.hostPort()});
    delete reply;
}

QTEST_GUILESS_MAIN(TestEgress)
#include "tst_egress.moc"
