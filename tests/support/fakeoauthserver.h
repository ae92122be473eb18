#pragma once
// In-process stand-in for Qwen's OAuth device endpoints (qwen-protocol.md §A.2-§A.3) on a free
// loopback port. Each test scripts the token endpoint's answers in order; the fake checks PKCE
// like a real server (S256(code_verifier) must equal the challenge sent with the device code),
// the client id and the grant type, and records every request for assertions.

#include "auth/oauthendpoints.h"

#include <QHash>
#include <QHttpServer>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QUrl>

namespace qp::test {

class FakeOAuthServer : public QObject
{
    Q_OBJECT
public:
    struct Answer {
        int status = 200;
        QJsonObject json;
        QByteArray raw; // sent instead of json when not empty
    };
    struct Request {
        QString path;
        QMap<QString, QString> form;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray header(const QByteArray &lowerName) const;
    };

    explicit FakeOAuthServer(QObject *parent = nullptr);

    bool start();
    quint16 port() const { return m_port; }
    QUrl baseUrl() const;
    OAuthConfig config() const { return OAuthConfig::fromBase(baseUrl()); }

    // Device-code endpoint. Default: 200 with a fresh device code, user code "ABCD-1234",
    // verification URIs under baseUrl() and expires_in = expiresIn().
    void setDeviceCodeAnswer(const Answer &a) { m_deviceAnswer = a; }
    void setExpiresIn(int s) { m_expiresIn = s; }
    // The device and user codes the next device-code answers carry (tests that look for them in
    // the proxy's output need values that cannot occur by chance). Default: "dc-N-+/=", ABCD-1234.
    void setCodes(const QString &deviceCode, const QString &userCode)
    {
        m_deviceCode = deviceCode;
        m_userCode = userCode;
    }
    int expiresIn() const { return m_expiresIn; }

    // Token endpoint: answers in order; when the queue is empty, `pending()` repeats.
    void queue(const Answer &a) { m_tokenAnswers.append(a); }
    void queuePending(int n);
    // Refresh grants (grant_type=refresh_token), for a proxy whose token endpoint is this fake:
    // answered with `a` when the presented refresh token is `refreshToken` (one answer per
    // token), else invalid_grant.
    void serveRefresh(const QString &refreshToken, const Answer &a)
    {
        m_refreshAnswers.insert(refreshToken, a);
    }
    int refreshRequests() const { return m_refreshes; }
    static Answer pending();
    static Answer slowDown(int status);
    static Answer oauthError(int status, const QString &error, const QString &description = {});
    static Answer success(const QString &accessToken = QStringLiteral("at-1"),
                          const QString &refreshToken = QStringLiteral("rt-1"),
                          int expiresIn = 3600,
                          const QString &resourceUrl = QStringLiteral("portal.qwen.ai"));

    // Makes the stored challenge wrong, as if the challenge had been tampered with in transit: the
    // client's correct verifier must then be rejected.
    void setTamperChallenge(bool on) { m_tamper = on; }

    const QList<Request> &requests() const { return m_requests; }
    int deviceCodeRequests() const;
    int tokenRequests() const;
    int pkceFailures() const { return m_pkceFailures; }
    QString lastVerificationUriComplete() const { return m_lastUriComplete; }

signals:
    // Emitted inside the handler, before the answer is sent: a test can act "mid-flight".
    void deviceCodeRequested();
    void tokenRequested(int count);

private:
    QHttpServerResponse handleDeviceCode(const QHttpServerRequest &req);
    QHttpServerResponse handleToken(const QHttpServerRequest &req);
    Request record(const QString &path, const QHttpServerRequest &req);
    static QHttpServerResponse respond(const Answer &a);

    QHttpServer m_server;
    quint16 m_port = 0;
    Answer m_deviceAnswer;
    int m_expiresIn = 300;
    QList<Answer> m_tokenAnswers;
    QHash<QString, QString> m_challenges; // device_code -> code_challenge
    bool m_tamper = false;
    int m_pkceFailures = 0;
    int m_deviceCounter = 0;
    QString m_lastUriComplete;
    QString m_deviceCode;
    QString m_userCode;
    QHash<QString, Answer> m_refreshAnswers;
    int m_refreshes = 0;
    QList<Request> m_requests;
};

} // namespace qp::test
