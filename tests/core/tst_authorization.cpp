// Who needs a key, as a pure function of (peer, head, rules, keys, time): a row per rule, named
// after the case. Through the running server: tests/server/tst_clientkeys_e2e.cpp.
#include "access/authorization.h"
#include "access/clientkey.h"

#include <QTest>

using namespace qp;
using namespace Qt::StringLiterals;

namespace {
using Headers = QList<QPair<QByteArray, QByteArray>>;
constexpr qint64 kNow = 1'800'000'000'000;

struct Keys {
    NewClientKey inference = clientkey::generate();
    NewClientKey reader = clientkey::generate();
    NewClientKey admin = clientkey::generate();
    NewClientKey revoked = clientkey::generate();
    NewClientKey expired = clientkey::generate();
    KeyTable table;
    Keys()
    {
        auto add = [&](const NewClientKey &k, KeyScopes scopes, qint64 revokedMs = 0,
                       qint64 expiresMs = 0) {
            ClientKeyInfo i;
            i.id = k.id;
            i.digest = k.digest;
            i.scopes = scopes;
            i.revokedMs = revokedMs;
            i.expiresMs = expiresMs;
            table.insert(i.id, i);
        };
        add(inference, unsigned(KeyScope::Inference));
        add(reader, unsigned(KeyScope::Inference) | unsigned(KeyScope::Read));
        add(admin, unsigned(KeyScope::Admin));
        add(revoked, unsigned(KeyScope::Inference), kNow - 1000);
        add(expired, unsigned(KeyScope::Inference), 0, kNow - 1);
    }
};
const Keys &keys()
{
    static const Keys k;
    return k;
}
QByteArray bearer(const NewClientKey &k)
{
    return "Bearer " + k.key.toLatin1();
}
// The same id with another secret.
QByteArray wrongSecret(const NewClientKey &k)
{
    return "Bearer qpk_" + k.id.toLatin1() + "_" + QByteArray(clientkey::kSecretLength, 'A');
}
} // namespace

Q_DECLARE_METATYPE(Headers)
Q_DECLARE_METATYPE(HostVerdict)

class TestAuthorization : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decisions_data()
    {
        QTest::addColumn<QString>("peer");
        QTest::addColumn<HostVerdict>("host");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<Headers>("headers");
        QTest::addColumn<QString>("trusted"); // trusted CIDRs
        QTest::addColumn<bool>("always");     // require_key=always
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("trustedLocal");
        QTest::addColumn<bool>("failedKey");

        const auto L = HostVerdict::AllowedLoopback;
        const auto A = HostVerdict::Allowed;
        const QByteArray chat = "/v1/chat/completions";
        const Headers none;
        const Headers anything{{"authorization", "Bearer anything"}};
        auto with = [](const QByteArray &auth) { return Headers{{"authorization", auth}}; };

        QTest::newRow("loopback, loopback Host, no key: trusted-local")
            << "127.0.0.1" << L << QByteArray("POST") << chat << QByteArray() << none << "" << false
            << 0 << true << false;
        QTest::newRow("loopback, 'anything' as the key (the desktop default)")
            << "127.0.0.1" << L << QByteArray("POST") << chat << QByteArray() << anything << ""
            << false << 0 << true << false;
        QTest::newRow("::1 is loopback") << "::1" << L << QByteArray("POST") << chat << QByteArray()
                                         << none << "" << false << 0 << true << false;
        QTest::newRow("::ffff:127.0.0.1 (a dual-stack listener's view) is loopback")
            << "::ffff:127.0.0.1" << L << QByteArray("POST") << chat << QByteArray() << none << ""
            << false << 0 << true << false;
        QTest::newRow("loopback peer with an allowed non-loopback Host needs a key")
            << "127.0.0.1" << A << QByteArray("POST") << chat << QByteArray() << anything << ""
            << false << 401 << false << true;
        QTest::newRow("X-Forwarded-For from loopback needs a key")
            << "127.0.0.1" << L << QByteArray("POST") << chat << QByteArray()
            << Headers{{"x-forwarded-for", "203.0.113.9"}} << "" << false << 401 << false << false;
        QTest::newRow("Forwarded from loopback needs a key")
            << "127.0.0.1" << L << QByteArray("POST") << chat << QByteArray()
            << Headers{{"forwarded", "for=203.0.113.9"}} << "" << false << 401 << false << false;
        QTest::newRow("Via from loopback (a tunnel) needs a key")
            << "127.0.0.1" << L << QByteArray("POST") << chat << QByteArray()
            << Headers{{"via", "1.1 tunnel"}} << "" << false << 401 << false << false;
        QTest::newRow("X-Real-IP from loopback needs a key")
            << "127.0.0.1" << L << QByteArray("POST") << chat << QByteArray()
            << Headers{{"x-real-ip", "203.0.113.9"}} << "" << false << 401 << false << false;
        QTest::newRow("LAN peer claiming Host localhost needs a key")
            << "192.168.1.20" << L << QByteArray("POST") << chat << QByteArray() << none << ""
            << false << 401 << false << false;
        QTest::newRow("LAN peer with a made-up key: refused, counts as a failure")
            << "192.168.1.20" << A << QByteArray("POST") << chat << QByteArray() << anything << ""
            << false << 401 << false << true;
        QTest::newRow("peer in a trusted CIDR with a loopback Host: trusted-local")
            << "172.17.0.1" << L << QByteArray("POST") << chat << QByteArray() << none
            << "172.17.0.0/16" << false << 0 << true << false;
        QTest::newRow("peer in a trusted CIDR with its LAN Host: needs a key")
            << "172.17.0.1" << A << QByteArray("POST") << chat << QByteArray() << none
            << "172.17.0.0/16" << false << 401 << false << false;
        QTest::newRow("peer outside the trusted CIDR")
            << "172.18.0.1" << L << QByteArray("POST") << chat << QByteArray() << none
            << "172.17.0.0/16" << false << 401 << false << false;
        QTest::newRow("require_key=always: loopback needs a key too")
            << "127.0.0.1" << L << QByteArray("POST") << chat << QByteArray() << anything << ""
            << true << 401 << false << true;
        QTest::newRow("require_key=always: loopback with a valid key")
            << "127.0.0.1" << L << QByteArray("POST") << chat << QByteArray()
            << with(bearer(keys().inference)) << "" << true << 0 << false << false;
        QTest::newRow("LAN peer with a valid key (Bearer)")
            << "192.168.1.20" << A << QByteArray("POST") << chat << QByteArray()
            << with(bearer(keys().inference)) << "" << false << 0 << false << false;
        QTest::newRow("LAN peer with a valid key (lower-case bearer)")
            << "192.168.1.20" << A << QByteArray("POST") << chat << QByteArray()
            << with("bearer " + keys().inference.key.toLatin1()) << "" << false << 0 << false
            << false;
        QTest::newRow("LAN peer with a valid key (x-api-key, Anthropic's SDK)")
            << "192.168.1.20" << A << QByteArray("POST") << QByteArray("/v1/messages")
            << QByteArray() << Headers{{"x-api-key", keys().inference.key.toLatin1()}} << ""
            << false << 0 << false << false;
        QTest::newRow("a client key in x-api-key beside a made-up Bearer")
            << "192.168.1.20" << A << QByteArray("POST") << chat << QByteArray()
            << Headers{{"authorization", "Bearer anything"},
                       {"x-api-key", keys().inference.key.toLatin1()}}
            << "" << false << 0 << false << false;
        QTest::newRow("wrong secret for a known id")
            << "192.168.1.20" << A << QByteArray("POST") << chat << QByteArray()
            << with(wrongSecret(keys().inference)) << "" << false << 401 << false << true;
        QTest::newRow("unknown id")
            << "192.168.1.20" << A << QByteArray("POST") << chat << QByteArray()
            << with(bearer(clientkey::generate())) << "" << false << 401 << false << true;
        QTest::newRow("revoked key")
            << "192.168.1.20" << A << QByteArray("POST") << chat << QByteArray()
            << with(bearer(keys().revoked)) << "" << false << 401 << false << true;
        QTest::newRow("expired key")
            << "192.168.1.20" << A << QByteArray("POST") << chat << QByteArray()
            << with(bearer(keys().expired)) << "" << false << 401 << false << true;
        QTest::newRow("revoked key from loopback is refused too")
            << "127.0.0.1" << L << QByteArray("POST") << chat << QByteArray()
            << with(bearer(keys().revoked)) << "" << false << 401 << true << true;
        QTest::newRow("key in the query string (?key=)")
            << "192.168.1.20" << A << QByteArray("GET") << QByteArray("/v1/models")
            << QByteArray("key=whatever") << none << "" << false << 400 << false << false;
        QTest::newRow("client key in the query string (?api_key=qpk_...)")
            << "127.0.0.1" << L << QByteArray("GET") << QByteArray("/v1/models")
            << QByteArray("x=1&api_key=" + keys().inference.key.toLatin1()) << none << "" << false
            << 400 << false << false;
        QTest::newRow("inference key on /metrics: forbidden")
            << "192.168.1.20" << A << QByteArray("GET") << QByteArray("/metrics") << QByteArray()
            << with(bearer(keys().inference)) << "" << false << 403 << false << false;
        QTest::newRow("read key on /metrics")
            << "192.168.1.20" << A << QByteArray("GET") << QByteArray("/metrics") << QByteArray()
            << with(bearer(keys().reader)) << "" << false << 0 << false << false;
        QTest::newRow("inference key on /auth/initiate: forbidden")
            << "192.168.1.20" << A << QByteArray("POST") << QByteArray("/auth/initiate")
            << QByteArray() << with(bearer(keys().inference)) << "" << false << 403 << false
            << false;
        QTest::newRow("admin key on /auth/initiate")
            << "192.168.1.20" << A << QByteArray("POST") << QByteArray("/auth/initiate")
            << QByteArray() << with(bearer(keys().admin)) << "" << false << 0 << false << false;
        QTest::newRow("admin-only key on a chat route: forbidden")
            << "192.168.1.20" << A << QByteArray("POST") << chat << QByteArray()
            << with(bearer(keys().admin)) << "" << false << 403 << false << false;
        QTest::newRow("/health without a key from the LAN: the short answer")
            << "192.168.1.20" << A << QByteArray("GET") << QByteArray("/health") << QByteArray()
            << none << "" << false << 0 << false << false;
        QTest::newRow("a CORS preflight from the LAN carries no key")
            << "192.168.1.20" << A << QByteArray("OPTIONS") << chat << QByteArray() << none << ""
            << false << 0 << false << false;
        QTest::newRow("unknown path from the LAN without a key")
            << "192.168.1.20" << A << QByteArray("GET") << QByteArray("/nope") << QByteArray()
            << none << "" << false << 401 << false << false;
    }

    void decisions()
    {
        QFETCH(QString, peer);
        QFETCH(HostVerdict, host);
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, query);
        QFETCH(Headers, headers);
        QFETCH(QString, trusted);
        QFETCH(bool, always);
        QFETCH(int, status);
        QFETCH(bool, trustedLocal);
        QFETCH(bool, failedKey);

        TrustRules rules;
        if (!trusted.isEmpty())
            rules.trustedCidrs.append(QHostAddress::parseSubnet(trusted));
        rules.keyAlways = always;
        AuthRequest req;
        req.peer = QHostAddress(peer);
        QVERIFY(!req.peer.isNull());
        req.host = host;
        req.method = method;
        req.path = path;
        req.query = query;
        req.headers = &headers;
        const Authorization a = authorize(req, rules, keys().table, kNow);
        QVERIFY2(a.status == status, qPrintable(u"status %1: %2"_s.arg(a.status).arg(a.message)));
        QCOMPARE(a.trustedLocal, trustedLocal);
        QCOMPARE(a.failedKey, failedKey);
        if (status == 401 && failedKey)
            QCOMPARE(a.message, invalidKeyMessage()); // one message whatever was wrong
        if (status == 401 || status == 400)
            QVERIFY(!a.message.contains(u"qpk_"_s)); // never echoes a key
    }

    void trustedPeers()
    {
        TrustRules none;
        for (const char *yes : {"127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1"})
            QVERIFY2(isTrustedPeer(QHostAddress(QLatin1String(yes)), none), yes);
        for (const char *no : {"192.0.2.2", "10.1.2.3", "::ffff:192.0.2.2", "2001:db8::1", ""})
            QVERIFY2(!isTrustedPeer(QHostAddress(QLatin1String(no)), none), no);
        TrustRules bridge;
        bridge.trustedCidrs.append(QHostAddress::parseSubnet(u"172.17.0.0/16"_s));
        QVERIFY(isTrustedPeer(QHostAddress(u"172.17.5.6"_s), bridge));
        QVERIFY(isTrustedPeer(QHostAddress(u"::ffff:172.17.5.6"_s), bridge));
        QVERIFY(!isTrustedPeer(QHostAddress(u"172.16.5.6"_s), bridge));
    }

    void scopesParseAndPrint()
    {
        QCOMPARE(parseScopes(u"inference"_s), kDefaultScopes);
        QCOMPARE(scopesText(*parseScopes(u"read, INFERENCE"_s)), u"inference,read"_s);
        QCOMPARE(scopesText(*parseScopes(u"all"_s)), u"inference,read,admin"_s);
        QVERIFY(!parseScopes(u"inference,root"_s));
        QVERIFY(!parseScopes(QString()));
    }

    void modelGlobs()
    {
        ClientKeyInfo k;
        QVERIFY(k.allowsModel(u"anything"_s));
        k.models = {u"qwen3-coder-*"_s, u"Qwen/*"_s};
        QVERIFY(k.allowsModel(u"qwen3-coder-plus"_s));
        QVERIFY(k.allowsModel(u"QWEN3-CODER-flash"_s));
        QVERIFY(k.allowsModel(u"Qwen/Qwen3-Coder-480B-A35B-Instruct"_s));
        QVERIFY(!k.allowsModel(u"qwen3-max"_s));
        QVERIFY(!k.allowsModel(u"xqwen3-coder-plus"_s));
    }
};

QTEST_GUILESS_MAIN(TestAuthorization)
#include "tst_authorization.moc"
