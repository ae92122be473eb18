// The admission rules as pure functions of a request's headers: one row per rule, named after
// the case. The full-stack side (refusals answered before the body, in the route's dialect, never
// reaching the upstream) is tests/server/tst_admission_e2e.cpp.
#include "access/admission.h"

#include <QTest>

using namespace qp;
using Headers = QList<QPair<QByteArray, QByteArray>>;

Q_DECLARE_METATYPE(Headers)

namespace {
AdmissionRules rules()
{
    AdmissionRules r;
    r.machineHostName = QStringLiteral("devbox");
    r.extraHosts = {QStringLiteral("proxy.lan"), QStringLiteral("*.corp.example")};
    return r;
}
} // namespace

class TestAdmission : public QObject
{
    Q_OBJECT
private slots:
    void host_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<int>("verdict");
        const int bad = int(HostVerdict::Malformed), foreign = int(HostVerdict::Foreign),
                  ok = int(HostVerdict::Allowed), loop = int(HostVerdict::AllowedLoopback);
        QTest::newRow("localhost with port") << QByteArray("localhost:8765") << loop;
        QTest::newRow("LOCALHOST in capitals") << QByteArray("LocalHost") << loop;
        QTest::newRow("localhost with one trailing dot") << QByteArray("localhost.:80") << loop;
        QTest::newRow("a .localhost subdomain") << QByteArray("app.localhost") << loop;
        QTest::newRow("127.0.0.1") << QByteArray("127.0.0.1:8765") << loop;
        QTest::newRow("another 127/8 address") << QByteArray("127.3.4.5") << loop;
        QTest::newRow("[::1] with port") << QByteArray("[::1]:8765") << loop;
        QTest::newRow("a LAN IPv4 literal") << QByteArray("192.168.1.20:8765") << ok;
        QTest::newRow("an IPv6 literal") << QByteArray("[fe80::1]") << ok;
        QTest::newRow("this machine's name") << QByteArray("DevBox:8765") << ok;
        QTest::newRow("a configured name") << QByteArray("proxy.lan") << ok;
        QTest::newRow("a configured wildcard") << QByteArray("a.b.corp.example") << ok;
        QTest::newRow("the wildcard's own base is not included")
            << QByteArray("corp.example") << foreign;
        QTest::newRow("a rebinding name") << QByteArray("evil.example") << foreign;
        QTest::newRow("a wildcard DNS name for 127.0.0.1")
            << QByteArray("127.0.0.1.nip.io") << foreign;
        QTest::newRow("localhost as a prefix only")
            << QByteArray("localhost.evil.example") << foreign;
        QTest::newRow("empty") << QByteArray("") << bad;
        QTest::newRow("only spaces") << QByteArray("   ") << bad;
        QTest::newRow("userinfo") << QByteArray("user@localhost") << bad;
        QTest::newRow("percent-encoding") << QByteArray("local%68ost") << bad;
        QTest::newRow("underscore (not LDH)") << QByteArray("my_proxy") << bad;
        QTest::newRow("a space inside") << QByteArray("local host") << bad;
        QTest::newRow("all-digit name") << QByteArray("2130706433") << bad;
        QTest::newRow("short numeric form of 127.0.0.1") << QByteArray("127.1") << bad;
        QTest::newRow("hex IPv4") << QByteArray("0x7f.0.0.1") << bad;
        QTest::newRow("octet over 255") << QByteArray("127.0.0.256") << bad;
        QTest::newRow("leading zero octet") << QByteArray("127.0.0.01") << bad;
        QTest::newRow("two trailing dots") << QByteArray("localhost..") << bad;
        QTest::newRow("empty label") << QByteArray("a..localhost") << bad;
        QTest::newRow("label starting with a hyphen") << QByteArray("-x.localhost") << bad;
        QTest::newRow("port over 65535") << QByteArray("localhost:65536") << bad;
        QTest::newRow("port not a number") << QByteArray("localhost:80a") << bad;
        QTest::newRow("empty port") << QByteArray("localhost:") << bad;
        QTest::newRow("IPv6 without brackets") << QByteArray("::1") << bad;
        QTest::newRow("IPv6 with a zone") << QByteArray("[fe80::1%25eth0]") << bad;
        QTest::newRow("bracketed IPv4") << QByteArray("[127.0.0.1]") << bad;
        QTest::newRow("unclosed bracket") << QByteArray("[::1") << bad;
        QTest::newRow("junk after the bracket") << QByteArray("[::1]x") << bad;
    }
    void host()
    {
        QFETCH(QByteArray, host);
        QFETCH(int, verdict);
        QCOMPARE(int(classifyHost(host, rules())), verdict);
    }

    void origin_data()
    {
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<QString>("setting"); // cors_origins
        QTest::addColumn<bool>("allowed");
        QTest::newRow("a page on localhost")
            << QByteArray("http://localhost:3000") << QString() << true;
        QTest::newRow("https on 127.0.0.1") << QByteArray("https://127.0.0.1") << QString() << true;
        QTest::newRow("a page on [::1]") << QByteArray("http://[::1]:5173") << QString() << true;
        QTest::newRow("a page on the internet")
            << QByteArray("https://evil.example") << QString() << false;
        QTest::newRow("a rebinding page's origin")
            << QByteArray("http://127.0.0.1.nip.io:8765") << QString() << false;
        QTest::newRow("null") << QByteArray("null") << QString() << false;
        QTest::newRow("null even with *") << QByteArray("null") << QStringLiteral("*") << false;
        QTest::newRow("file scheme") << QByteArray("file://") << QString() << false;
        QTest::newRow("an origin with a path")
            << QByteArray("http://localhost/x") << QString() << false;
        QTest::newRow("listed origin")
            << QByteArray("https://app.example") << QStringLiteral("https://app.example") << true;
        QTest::newRow("a list replaces the localhost default")
            << QByteArray("http://localhost:3000") << QStringLiteral("https://app.example")
            << false;
        QTest::newRow("any origin with *")
            << QByteArray("https://whatever.example") << QStringLiteral("*") << true;
    }
    void origin()
    {
        QFETCH(QByteArray, origin);
        QFETCH(QString, setting);
        QFETCH(bool, allowed);
        AdmissionRules r = rules();
        r.anyOrigin = setting == u"*";
        if (!setting.isEmpty() && !r.anyOrigin)
            r.allowedOrigins = {setting};
        QCOMPARE(originAllowed(origin, r), allowed);
    }

    void admit_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<Headers>("headers");
        QTest::addColumn<bool>("hasBody");
        QTest::addColumn<int>("status");
        const QByteArray json = "application/json";
        QTest::newRow("an SDK on localhost") << QByteArray("POST")
                                             << Headers{{"host", "127.0.0.1:8765"},
                                                        {"authorization", "Bearer anything"},
                                                        {"content-type", json}}
                                             << true << 0;
        QTest::newRow("curl without a key, JSON body")
            << QByteArray("POST") << Headers{{"host", "localhost:8765"}, {"content-type", json}}
            << true << 0;
        QTest::newRow("JSON with a charset")
            << QByteArray("POST")
            << Headers{{"host", "localhost"}, {"content-type", "Application/JSON; charset=utf-8"}}
            << true << 0;
        QTest::newRow("a vendor +json type")
            << QByteArray("POST")
            << Headers{{"host", "localhost"}, {"content-type", "application/vnd.api+json"}} << true
            << 0;
        QTest::newRow("no Host") << QByteArray("GET") << Headers{} << false << 400;
        QTest::newRow("duplicate Host")
            << QByteArray("GET") << Headers{{"host", "localhost"}, {"host", "localhost"}} << false
            << 400;
        QTest::newRow("empty Host") << QByteArray("GET") << Headers{{"host", ""}} << false << 400;
        QTest::newRow("foreign Host with a key")
            << QByteArray("POST")
            << Headers{{"host", "evil.example"}, {"authorization", "Bearer sk-real"}} << false
            << 403;
        QTest::newRow("Origin: null")
            << QByteArray("POST")
            << Headers{{"host", "localhost"}, {"origin", "null"}, {"content-type", json}} << true
            << 403;
        QTest::newRow("a page on the internet posting JSON (CSRF)")
            << QByteArray("POST")
            << Headers{{"host", "127.0.0.1:8765"},
                       {"origin", "https://evil.example"},
                       {"content-type", json}}
            << true << 403;
        QTest::newRow("a disallowed origin's preflight")
            << QByteArray("OPTIONS")
            << Headers{{"host", "localhost"}, {"origin", "https://evil.example"}} << false << 403;
        QTest::newRow("an allowed origin's preflight")
            << QByteArray("OPTIONS")
            << Headers{{"host", "localhost"}, {"origin", "http://localhost:3000"}} << false << 0;
        QTest::newRow("two Origin headers") << QByteArray("GET")
                                            << Headers{{"host", "localhost"},
                                                       {"origin", "http://localhost"},
                                                       {"origin", "https://evil.example"}}
                                            << false << 400;
        QTest::newRow("Sec-Fetch-Site cross-site without Origin")
            << QByteArray("GET") << Headers{{"host", "localhost"}, {"sec-fetch-site", "cross-site"}}
            << false << 403;
        QTest::newRow("Sec-Fetch-Site cross-site with an allowed Origin")
            << QByteArray("GET")
            << Headers{{"host", "localhost"},
                       {"origin", "http://localhost:3000"},
                       {"sec-fetch-site", "cross-site"}}
            << false << 0;
        QTest::newRow("Sec-Fetch-Site same-origin")
            << QByteArray("GET")
            << Headers{{"host", "localhost"}, {"sec-fetch-site", "same-origin"}} << false << 0;
        QTest::newRow("keyless text/plain POST (the no-preflight route)")
            << QByteArray("POST")
            << Headers{{"host", "localhost"}, {"content-type", "text/plain;charset=UTF-8"}} << true
            << 415;
        QTest::newRow("keyless form POST")
            << QByteArray("POST")
            << Headers{{"host", "localhost"}, {"content-type", "application/x-www-form-urlencoded"}}
            << true << 415;
        QTest::newRow("keyless multipart POST")
            << QByteArray("POST")
            << Headers{{"host", "localhost"}, {"content-type", "multipart/form-data; boundary=x"}}
            << true << 415;
        QTest::newRow("keyless POST with a body and no type")
            << QByteArray("POST") << Headers{{"host", "localhost"}} << true << 415;
        QTest::newRow("keyless POST without a body")
            << QByteArray("POST") << Headers{{"host", "localhost"}} << false << 0;
        QTest::newRow("text/plain with an x-api-key")
            << QByteArray("POST")
            << Headers{{"host", "localhost"}, {"x-api-key", "k"}, {"content-type", "text/plain"}}
            << true << 0;
        QTest::newRow("a LAN client by IP address")
            << QByteArray("GET") << Headers{{"host", "192.168.1.20:8765"}} << false << 0;
    }
    void admit()
    {
        QFETCH(QByteArray, method);
        QFETCH(Headers, headers);
        QFETCH(bool, hasBody);
        QFETCH(int, status);
        AdmissionRequest req;
        req.method = method;
        req.headers = &headers;
        req.hasBody = hasBody;
        const Admission a = qp::admit(req, rules());
        QVERIFY2(a.status == status,
                 qPrintable(QStringLiteral("%1: %2").arg(a.status).arg(a.message)));
        QCOMPARE(a.admitted(), status == 0);
        if (status)
            QVERIFY(!a.message.isEmpty());
    }

    void refusalsQuoteOnlyPrintableText()
    {
        const Headers headers{{"host", "localhost"}, {"origin", "https://e\x01vil\x7f.example"}};
        AdmissionRequest req;
        req.method = "GET";
        req.headers = &headers;
        const Admission a = qp::admit(req, rules());
        QCOMPARE(a.status, 403);
        QVERIFY2(a.message.contains(u"https://e?vil?.example"), qPrintable(a.message));
    }
};

QTEST_GUILESS_MAIN(TestAdmission)
#include "tst_admission.moc"
