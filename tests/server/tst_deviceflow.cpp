// DeviceFlow against the in-process fake OAuth server: every answer of qwen-protocol.md §A.3.
#include "auth/deviceflow.h"
#include "auth/pkce.h"
#include "support/fakeoauthserver.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest>

using namespace qp;
using qp::test::FakeOAuthServer;

Q_DECLARE_METATYPE(qp::Error::Kind)

namespace {

// Records everything one flow reports, in order.
struct Outcome {
    bool started = false;
    QStringList startArgs;
    int expiresIn = 0;
    QList<int> secondsLeft;
    std::optional<QwenCredentials> creds;
    std::optional<Error> error;
    int cancelled = 0;
    bool ended() const { return creds || error || cancelled; }

    void attach(DeviceFlow &f)
    {
        QObject::connect(&f, &DeviceFlow::started, &f,
                         [this](const QString &u, const QString &uc, const QString &code, int e) {
                             started = true;
                             startArgs = {u, uc, code};
                             expiresIn = e;
                         });
        QObject::connect(&f, &DeviceFlow::secondsLeftChanged, &f,
                         [this](int s) { secondsLeft.append(s); });
        QObject::connect(&f, &DeviceFlow::succeeded, &f,
                         [this](const QwenCredentials &c) { creds = c; });
        QObject::connect(&f, &DeviceFlow::failed, &f, [this](const Error &e) { error = e; });
        QObject::connect(&f, &DeviceFlow::cancelled, &f, [this] { ++cancelled; });
    }
};

DeviceFlow::Timing fastTiming()
{
    DeviceFlow::Timing t;
    t.initialPollMs = 10;
    t.maxPollMs = 40;
    t.msPerSecond = 1000;
    t.requestTimeoutMs = 5000;
    return t;
}

} // namespace

class TestDeviceFlow : public QObject
{
    Q_OBJECT

private:
    QNetworkAccessManager m_nam;
    std::unique_ptr<FakeOAuthServer> m_fake;
    std::unique_ptr<DeviceFlow> m_flow;
    Outcome m_out;

    void startFlow(DeviceFlow::Timing t = fastTiming())
    {
        m_flow->setTiming(t);
        m_flow->start();
    }

private slots:
    void init()
    {
        m_fake = std::make_unique<FakeOAuthServer>();
        QVERIFY(m_fake->start());
        m_flow = std::make_unique<DeviceFlow>(&m_nam, m_fake->config());
        m_out = Outcome{};
        m_out.attach(*m_flow);
    }
    void cleanup()
    {
        m_flow.reset();
        m_fake.reset();
    }

    void pkcePair()
    {
        const auto p = pkce::generate();
        QCOMPARE(p.verifier.size(), 43); // 32 bytes, base64url, no padding
        QVERIFY(!p.verifier.contains('=') && !p.verifier.contains('+') &&
                !p.verifier.contains('/'));
        QCOMPARE(p.challenge, pkce::challengeFor(p.verifier));
        QVERIFY(pkce::generate().verifier != p.verifier);
        // Reference computed independently (Python: urlsafe_b64encode(sha256(v)), '=' stripped).
        QCOMPARE(pkce::challengeFor("dBjftJeZ4CVP-mB92K27uhbUJU1p1r7wW1gFWFOEjXk"),
                 QByteArray("bwWFMyPfdG9qreDhH2lmftFx_dFeLDalzcT1gb_j68g"));
    }

    void endpointsFromBase_data()
    {
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("device");
        QTest::addColumn<QString>("token");
        QTest::newRow("qwen default") << "https://chat.qwen.ai"
                                      << "https://chat.qwen.ai/api/v1/oauth2/device/code"
                                      << "https://chat.qwen.ai/api/v1/oauth2/token";
        QTest::newRow("trailing slash") << "https://chat.qwen.ai/"
                                        << "https://chat.qwen.ai/api/v1/oauth2/device/code"
                                        << "https://chat.qwen.ai/api/v1/oauth2/token";
        QTest::newRow("base with a path") << "http://127.0.0.1:8080/qwen"
                                          << "http://127.0.0.1:8080/qwen/api/v1/oauth2/device/code"
                                          << "http://127.0.0.1:8080/qwen/api/v1/oauth2/token";
    }
    void endpointsFromBase()
    {
        QFETCH(QString, base);
        QFETCH(QString, device);
        QFETCH(QString, token);
        const auto c = OAuthConfig::fromBase(QUrl(base));
        QCOMPARE(c.deviceCodeEndpoint.toString(), device);
        QCOMPARE(c.tokenEndpoint.toString(), token);
        QCOMPARE(c.clientId, QStringLiteral("f0304373b74a44d2b584a3fb70ca9e56"));
        QCOMPARE(c.scope, QStringLiteral("openid profile email model.completion"));
        const auto o = c.withEndpoints(QUrl(QStringLiteral("http://x/dc")), QUrl());
        QCOMPARE(o.deviceCodeEndpoint.toString(), QStringLiteral("http://x/dc"));
        QCOMPARE(o.tokenEndpoint.toString(), token);
    }

    void successAfterPending_data()
    {
        QTest::addColumn<int>("pending");
        QTest::newRow("approved before the first poll") << 0;
        QTest::newRow("after one pending answer") << 1;
        QTest::newRow("after five pending answers") << 5;
    }
    void successAfterPending()
    {
        QFETCH(int, pending);
        m_fake->queuePending(pending);
        m_fake->queue(FakeOAuthServer::success(QStringLiteral("at-x"), QStringLiteral("rt-x"), 3600,
                                               QStringLiteral("portal.qwen.ai")));
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        startFlow();
        QTRY_VERIFY_WITH_TIMEOUT(m_out.ended(), 5000);
        QVERIFY2(!m_out.error, qPrintable(m_out.error ? m_out.error->message : QString()));
        QVERIFY(m_out.started);
        QCOMPARE(m_out.startArgs.at(2), QStringLiteral("ABCD-1234"));
        QCOMPARE(m_out.startArgs.at(1), m_fake->lastVerificationUriComplete());
        QCOMPARE(m_out.expiresIn, 300);
        QCOMPARE(m_out.secondsLeft.value(0), 300);
        QCOMPARE(m_out.creds->accessToken, QStringLiteral("at-x"));
        QCOMPARE(m_out.creds->refreshToken, QStringLiteral("rt-x"));
        QCOMPARE(m_out.creds->resourceUrl, QStringLiteral("portal.qwen.ai"));
        QVERIFY(m_out.creds->expiryDateMs >= before + 3600 * 1000);
        QCOMPARE(m_fake->tokenRequests(), pending + 1);
        QCOMPARE(m_fake->pkceFailures(), 0);
        QCOMPARE(m_flow->state(), DeviceFlow::State::Succeeded);

        // The device request carries exactly what §A.2 lists.
        const auto &dev = m_fake->requests().first();
        QCOMPARE(dev.form.value(QStringLiteral("client_id")), m_fake->config().clientId);
        QCOMPARE(dev.form.value(QStringLiteral("scope")), m_fake->config().scope);
        QCOMPARE(dev.form.value(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
        QCOMPARE(dev.form.value(QStringLiteral("code_challenge")).size(), 43);
        QCOMPARE(dev.header("content-type"), QByteArray("application/x-www-form-urlencoded"));
        QCOMPARE(dev.header("accept"), QByteArray("application/json"));
        QCOMPARE(dev.header("x-request-id").size(), 36);
        // The token request: the device code survives form encoding ('+', '/', '=' in it).
        const auto &tok = m_fake->requests().last();
        QCOMPARE(tok.form.value(QStringLiteral("grant_type")),
                 QStringLiteral("urn:ietf:params:oauth:grant-type:device_code"));
        QCOMPARE(tok.form.value(QStringLiteral("device_code")), QStringLiteral("dc-1-+/="));
        QCOMPARE(tok.form.value(QStringLiteral("code_verifier")).size(), 43);
    }

    void slowDownBacksOff_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("slow_down on 400 (the seeds)") << 400;
        QTest::newRow("slow_down on 429 (qwen-code)") << 429;
    }
    void slowDownBacksOff()
    {
        QFETCH(int, status);
        // 10 -> 15 -> 23 -> 35 -> 40 (cap) -> 40; a pending answer keeps the slower pace.
        QList<int> seen;
        connect(m_fake.get(), &FakeOAuthServer::tokenRequested, this,
                [&] { seen.append(m_flow->currentPollIntervalMs()); });
        for (int i = 0; i < 5; ++i)
            m_fake->queue(FakeOAuthServer::slowDown(status));
        m_fake->queue(FakeOAuthServer::pending());
        m_fake->queue(FakeOAuthServer::success());
        startFlow();
        QTRY_VERIFY_WITH_TIMEOUT(m_out.ended(), 5000);
        QVERIFY2(m_out.creds, qPrintable(m_out.error ? m_out.error->message : QString()));
        QCOMPARE(seen, (QList<int>{10, 15, 23, 35, 40, 40, 40}));
    }

    void terminalAnswersStopAtOnce_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error");
        QTest::addColumn<qp::Error::Kind>("kind");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("expired_token")
            << 400 << "expired_token" << Error::Kind::NeedsLogin << "expired_token"
            << "Device code expired. Please restart the authentication process.";
        QTest::newRow("access_denied")
            << 400 << "access_denied" << Error::Kind::Forbidden << "access_denied"
            << "Authorization denied by user. Please restart the authentication process.";
        QTest::newRow("401")
            << 401 << "" << Error::Kind::UpstreamAuth << "unauthorized"
            << "Device code expired or invalid, please restart the authorization process.";
        QTest::newRow("429 without slow_down")
            << 429 << "" << Error::Kind::RateLimited << "rate_limited"
            << "Too many requests. The server is rate limiting our requests.";
        QTest::newRow("invalid_grant")
            << 400 << "invalid_grant" << Error::Kind::UpstreamAuth << "invalid_grant"
            << "Login rejected by the server: invalid_grant";
    }
    void terminalAnswersStopAtOnce()
    {
        QFETCH(int, status);
        QFETCH(QString, error);
        QFETCH(qp::Error::Kind, kind);
        QFETCH(QString, code);
        QFETCH(QString, message);
        m_fake->queuePending(1);
        m_fake->queue(error.isEmpty() ? FakeOAuthServer::Answer{status, {}, "nope"}
                                      : FakeOAuthServer::oauthError(status, error));
        m_fake->queue(FakeOAuthServer::success()); // must never be fetched
        startFlow();
        QTRY_VERIFY_WITH_TIMEOUT(m_out.ended(), 5000);
        QVERIFY(m_out.error);
        QCOMPARE(m_out.error->kind, kind);
        QCOMPARE(m_out.error->code, code);
        QVERIFY2(m_out.error->message.startsWith(message), qPrintable(m_out.error->message));
        QCOMPARE(m_out.error->upstreamStatus, status);
        QCOMPARE(m_fake->tokenRequests(), 2);
        QCOMPARE(m_flow->state(), DeviceFlow::State::Failed);
        QVERIFY(!m_flow->isActive());
    }

    // Some servers quote the request in their refusal; the message (shown to the user, logged,
    // answered on /auth/poll) must not carry the device code or the verifier.
    void refusalQuotingTheRequestIsMasked()
    {
        m_fake->setCodes(QStringLiteral("dc-quoted-+/=-0123456789"), QStringLiteral("QUOT-1234"));
        connect(m_fake.get(), &FakeOAuthServer::tokenRequested, this, [this] {
            const auto &form = m_fake->requests().constLast().form;
            m_fake->queue(FakeOAuthServer::oauthError(
                400, QStringLiteral("invalid_grant"),
                QStringLiteral("device_code=%1 (%2) code_verifier=%3")
                    .arg(form.value(QStringLiteral("device_code")),
                         QString::fromLatin1(
                             QUrl::toPercentEncoding(form.value(QStringLiteral("device_code")))),
                         form.value(QStringLiteral("code_verifier")))));
        });
        startFlow();
        QTRY_VERIFY_WITH_TIMEOUT(m_out.ended(), 5000);
        QVERIFY(m_out.error);
        const QString verifier =
            m_fake->requests().constLast().form.value(QStringLiteral("code_verifier"));
        QVERIFY(!verifier.isEmpty());
        QCOMPARE(m_out.error->message,
                 QStringLiteral("Login rejected by the server: invalid_grant - device_code=*** "
                                "(***) code_verifier=***. Please restart the authentication "
                                "process."));
    }

    void transientAnswersKeepPolling()
    {
        m_fake->queue(FakeOAuthServer::Answer{500, {}, "upstream hiccup"});
        m_fake->queue(FakeOAuthServer::Answer{502, {}, "<html>bad gateway</html>"});
        m_fake->queue(FakeOAuthServer::success());
        startFlow();
        QTRY_VERIFY_WITH_TIMEOUT(m_out.ended(), 5000);
        QVERIFY(m_out.creds);
        QCOMPARE(m_fake->tokenRequests(), 3);
    }

    void pkceMismatchRejectedByTheFake()
    {
        // A wrong verifier sent by hand is refused...
        m_fake->queue(FakeOAuthServer::success());
        startFlow();
        QTRY_VERIFY(m_out.started);
        m_flow->cancel();
        QNetworkRequest req(m_fake->config().tokenEndpoint);
        req.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
        const QByteArray body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
                                "&client_id=" +
                                m_fake->config().clientId.toLatin1() +
                                "&device_code=" + QUrl::toPercentEncoding(m_flow->deviceCode()) +
                                "&code_verifier=" + pkce::generateVerifier();
        std::unique_ptr<QNetworkReply> reply(m_nam.post(req, body));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 400);
        QVERIFY(reply->readAll().contains("PKCE verification failed"));
        QCOMPARE(m_fake->pkceFailures(), 1);

        // ...and a tampered challenge makes the flow's correct verifier fail, with a clear stop.
        m_out = Outcome{};
        DeviceFlow flow(&m_nam, m_fake->config());
        m_out.attach(flow);
        flow.setTiming(fastTiming());
        m_fake->setTamperChallenge(true);
        flow.start();
        QTRY_VERIFY_WITH_TIMEOUT(m_out.ended(), 5000);
        QVERIFY(m_out.error);
        QCOMPARE(m_out.error->code, QStringLiteral("invalid_grant"));
        QVERIFY(m_out.error->message.contains(QStringLiteral("PKCE verification failed")));
        QCOMPARE(m_fake->pkceFailures(), 2);
    }

    void cancelMidFlight_data()
    {
        QTest::addColumn<QString>("when");
        QTest::newRow("during the device-code request") << "device";
        QTest::newRow("during a token request") << "token";
        QTest::newRow("between two polls") << "waiting";
    }
    void cancelMidFlight()
    {
        QFETCH(QString, when);
        m_fake->queuePending(2);
        m_fake->queue(FakeOAuthServer::success()); // would arrive if cancel leaked
        if (when == QLatin1String("device"))
            connect(m_fake.get(), &FakeOAuthServer::deviceCodeRequested, m_flow.get(),
                    &DeviceFlow::cancel);
        else if (when == QLatin1String("token"))
            connect(m_fake.get(), &FakeOAuthServer::tokenRequested, m_flow.get(), [this](int n) {
                if (n == 2)
                    m_flow->cancel();
            });
        DeviceFlow::Timing t = fastTiming();
        if (when == QLatin1String("waiting"))
            t.initialPollMs = t.maxPollMs = 200;
        startFlow(t);
        if (when == QLatin1String("waiting")) {
            QTRY_COMPARE_WITH_TIMEOUT(m_fake->tokenRequests(), 1, 5000);
            QTRY_VERIFY_WITH_TIMEOUT(m_flow->isWaitingToPoll(), 5000); // first answer handled
            m_flow->cancel();
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_out.cancelled, 1, 5000);
        const int requests = m_fake->tokenRequests();
        QCOMPARE(m_flow->state(), DeviceFlow::State::Cancelled);
        QVERIFY(!m_flow->isActive());
        m_flow->cancel(); // idempotent: no second signal
        // Several poll intervals later nothing more happened.
        QTest::qWait(300);
        QCOMPARE(m_fake->tokenRequests(), requests);
        QCOMPARE(m_out.cancelled, 1);
        QVERIFY(!m_out.creds && !m_out.error);
        QCOMPARE(m_out.started, when != QLatin1String("device"));
    }

    void countdownEndsAtExpiresIn()
    {
        m_fake->setExpiresIn(3);
        DeviceFlow::Timing t = fastTiming();
        t.msPerSecond = 40; // a 3 "second" code lives 120 ms
        startFlow(t);
        QTRY_VERIFY_WITH_TIMEOUT(m_out.ended(), 5000);
        QVERIFY(m_out.error);
        QCOMPARE(m_out.error->code, QStringLiteral("timeout"));
        QCOMPARE(m_out.error->kind, Error::Kind::UpstreamTimeout);
        QVERIFY(m_out.error->message.contains(QStringLiteral("restart")));
        // 3 first, 0 last, strictly decreasing (a loaded machine may skip a tick, never repeat
        // one).
        QCOMPARE(m_out.secondsLeft.first(), 3);
        QCOMPARE(m_out.secondsLeft.last(), 0);
        QVERIFY(std::is_sorted(m_out.secondsLeft.rbegin(), m_out.secondsLeft.rend()));
        QCOMPARE(QSet<int>(m_out.secondsLeft.begin(), m_out.secondsLeft.end()).size(),
                 m_out.secondsLeft.size());
        QVERIFY(m_fake->tokenRequests() >= 1);
        // A poll already on the wire when the code expired may still reach the server (QNAM
        // writes from its own thread): let it land, then no new poll may follow. Polls are at
        // most 40 ms apart here, so 150 ms would show several.
        QTest::qWait(60);
        const int requests = m_fake->tokenRequests();
        QTest::qWait(150);
        QCOMPARE(m_fake->tokenRequests(), requests);
    }

    void deviceCodeFailures_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::addColumn<qp::Error::Kind>("kind");
        QTest::newRow("500")
            << 500 << QByteArray("boom")
            << "Device authorization failed: 500 Internal Server Error. Response: boom"
            << Error::Kind::UpstreamError;
        QTest::newRow("200 with an error object")
            << 200 << QByteArray(R"({"error":"invalid_client","error_description":"bad id"})")
            << "Device authorization failed: invalid_client - bad id" << Error::Kind::UpstreamError;
        QTest::newRow("free tier ended")
            << 403 << QByteArray("Qwen OAuth free tier has been discontinued")
            << "Qwen's free OAuth tier has ended" << Error::Kind::Discontinued;
    }
    void deviceCodeFailures()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        QFETCH(qp::Error::Kind, kind);
        m_fake->setDeviceCodeAnswer(FakeOAuthServer::Answer{status, {}, body});
        startFlow();
        QTRY_VERIFY_WITH_TIMEOUT(m_out.ended(), 5000);
        QVERIFY(m_out.error);
        QVERIFY2(m_out.error->message.startsWith(message), qPrintable(m_out.error->message));
        QCOMPARE(m_out.error->kind, kind);
        QVERIFY(!m_out.started);
        QCOMPARE(m_fake->tokenRequests(), 0);
    }

    void discontinuedOnTheTokenEndpoint()
    {
        m_fake->queue(
            FakeOAuthServer::Answer{403, {}, "Qwen free usage has ended. Please use an API key."});
        startFlow();
        QTRY_VERIFY_WITH_TIMEOUT(m_out.ended(), 5000);
        QVERIFY(m_out.error);
        QCOMPARE(m_out.error->kind, Error::Kind::Discontinued);
        QCOMPARE(m_fake->tokenRequests(), 1);
    }

    void unreachableServer()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close(); // nothing listens there now
        DeviceFlow flow(
            &m_nam, OAuthConfig::fromBase(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port))));
        Outcome out;
        out.attach(flow);
        flow.start();
        QTRY_VERIFY_WITH_TIMEOUT(out.ended(), 5000);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Error::Kind::UpstreamUnavailable);
        QVERIFY(out.error->message.startsWith(QStringLiteral("Device authorization failed: ")));
    }

    void restartAfterAnEnd()
    {
        m_fake->queue(FakeOAuthServer::oauthError(400, QStringLiteral("access_denied")));
        startFlow();
        QTRY_VERIFY(m_out.error);
        m_out = Outcome{}; // the lambdas attached in init() fill it again
        m_fake->queue(FakeOAuthServer::success());
        m_flow->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_out.ended(), 5000);
        QVERIFY(m_out.creds);
        QCOMPARE(m_fake->deviceCodeRequests(), 2);
    }
};

QTEST_GUILESS_MAIN(TestDeviceFlow)
#include "tst_deviceflow.moc"
