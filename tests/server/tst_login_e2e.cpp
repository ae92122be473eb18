// Issue 3 done-criterion, over HTTP: POST /auth/initiate, the user approves, POST /auth/poll
// reports success, and the stored account (secrets in the store, not a file the user did not ask
// for) serves chat requests through the proxy.
#include "fakeoauthserver.h"
#include "proxyharness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

class TestLoginE2E : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loginOverHttpThenChat()
    {
        FakeOAuthServer oauth;
        QVERIFY(oauth.start());
        ProxyHarness h;
        QString err;
        QVERIFY2(h.start({{u"QWEN_OAUTH_BASE_URL"_s, oauth.baseUrl().toString()},
                          {u"QWEN_TOKEN_ENDPOINT"_s, oauth.baseUrl().toString() + u"/api/v1/oauth2/token"_s},
                          {u"QWEN_DEVICE_CODE_ENDPOINT"_s, oauth.baseUrl().toString() + u"/api/v1/oauth2/device/code"_s},
                          {u"QP_DEVICE_POLL_MS"_s, u"20"_s}},
                         &err),
                 qPrintable(err));
        // Before any login there is no upstream: a clear 503, not a crash.
        const QJsonObject chat{{u"model"_s, u"qwen3-coder-plus"_s},
                               {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}}}};
        const auto before = h.postJson(u"/v1/chat/completions"_s, chat);
        QCOMPARE(before.status, 503);
        QVERIFY(before.json().value(u"error"_s).toObject().value(u"message"_s).toString().contains(u"qwen-proxy auth"_s));

        oauth.queuePending(2);
        oauth.queue(FakeOAuthServer::success(u"access-for-work-account"_s, u"refresh-for-work"_s, 3600,
                                             u"http://127.0.0.1:%1"_s.arg(h.upstream().port())));
        const auto init = h.postJson(u"/auth/initiate"_s, QJsonObject{{u"account_id"_s, u"work"_s}});
        QCOMPARE(init.status, 200);
        const QJsonObject started = init.json();
        for (const auto key : {u"verification_uri"_s, u"verification_uri_complete"_s, u"user_code"_s,
                               u"device_code"_s, u"expires_in"_s})
            QVERIFY2(started.contains(key), qPrintable(key));
        QVERIFY(!init.body.contains("code_verifier"));
        const QString deviceCode = started.value(u"device_code"_s).toString();

        QString status;
        QJsonObject last;
        for (int i = 0; i < 200 && status != u"success" && status != u"error"; ++i) {
            last = h.postJson(u"/auth/poll"_s, QJsonObject{{u"device_code"_s, deviceCode}}).json();
            status = last.value(u"status"_s).toString();
            if (status == u"pending")
                QTest::qWait(20); // let the device flow poll the fake (event loop keeps running)
        }
        QVERIFY2(status == u"success", QJsonDocument(last).toJson().constData());
        QCOMPARE(last.value(u"account_id"_s).toString(), u"work"_s);
        QCOMPARE(oauth.pkceFailures(), 0);

        h.upstream().replyJson(200, QJsonObject{{u"choices"_s, QJsonArray{QJsonObject{
            {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u"hello"_s}}},
            {u"finish_reason"_s, u"stop"_s}}}}});
        const auto r = h.postJson(u"/v1/chat/completions"_s, chat);
        QCOMPARE(r.status, 200);
        QCOMPARE(h.upstream().requestsTo("/v1/chat/completions").first().header("authorization"),
                 QByteArray("Bearer access-for-work-account"));
        const auto health = h.get(u"/health"_s).json();
        QCOMPARE(health.value(u"accounts"_s).toArray().first().toObject().value(u"id"_s).toString(), u"work"_s);

        // Missing or unknown device codes are clear errors.
        QCOMPARE(h.postJson(u"/auth/poll"_s, QJsonObject{}).status, 400);
        QCOMPARE(h.postJson(u"/auth/poll"_s, QJsonObject{{u"device_code"_s, u"nope"_s}}).status, 404);
    }
};

QTEST_GUILESS_MAIN(TestLoginE2E)
#include "tst_login_e2e.moc"
