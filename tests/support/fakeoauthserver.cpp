#include "support/fakeoauthserver.h"

#include "auth/pkce.h"
#include "httpcompat.h"

#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>

namespace qp::test {

namespace {

QMap<QString, QString> parseForm(const QByteArray &body)
{
    QMap<QString, QString> out;
    for (const QByteArray &pair : body.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        auto decode = [](QByteArray s) {
            s.replace('+', ' ');
            return QUrl::fromPercentEncoding(s);
        };
        out.insert(decode(pair.left(eq)), eq < 0 ? QString() : decode(pair.mid(eq + 1)));
    }
    return out;
}

} // namespace

QByteArray FakeOAuthServer::Request::header(const QByteArray &lowerName) const
{
    for (const auto &h : headers)
        if (h.first == lowerName)
            return h.second;
    return {};
}

FakeOAuthServer::FakeOAuthServer(QObject *parent) : QObject(parent)
{
    m_server.route(QString::fromLatin1(OAuthConfig::kDeviceCodePath),
                   [this](const QHttpServerRequest &req) { return handleDeviceCode(req); });
    m_server.route(QString::fromLatin1(OAuthConfig::kTokenPath),
                   [this](const QHttpServerRequest &req) { return handleToken(req); });
}

bool FakeOAuthServer::start()
{
    m_port = httpcompat::listenLocal(m_server);
    return m_port != 0;
}

QUrl FakeOAuthServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

void FakeOAuthServer::queuePending(int n)
{
    for (int i = 0; i < n; ++i)
        queue(pending());
}

FakeOAuthServer::Answer FakeOAuthServer::pending()
{
    return oauthError(400, QStringLiteral("authorization_pending"),
                      QStringLiteral("The authorization request is still pending"));
}

FakeOAuthServer::Answer FakeOAuthServer::slowDown(int status)
{
    return oauthError(status, QStringLiteral("slow_down"), QStringLiteral("Polling too fast"));
}

FakeOAuthServer::Answer FakeOAuthServer::oauthError(int status, const QString &error,
                                                    const QString &description)
{
    QJsonObject o{{QStringLiteral("error"), error}};
    if (!description.isEmpty())
        o.insert(QStringLiteral("error_description"), description);
    return Answer{status, o, {}};
}

FakeOAuthServer::Answer FakeOAuthServer::success(const QString &accessToken,
                                                 const QString &refreshToken, int expiresIn,
                                                 const QString &resourceUrl)
{
    QJsonObject o{{QStringLiteral("access_token"), accessToken},
                  {QStringLiteral("refresh_token"), refreshToken},
                  {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                  {QStringLiteral("expires_in"), expiresIn}};
    if (!resourceUrl.isEmpty())
        o.insert(QStringLiteral("resource_url"), resourceUrl);
    return Answer{200, o, {}};
}

int FakeOAuthServer::deviceCodeRequests() const
{
    return int(std::count_if(m_requests.begin(), m_requests.end(), [](const Request &r) {
        return r.path == QLatin1String(OAuthConfig::kDeviceCodePath);
    }));
}

int FakeOAuthServer::tokenRequests() const
{
    return int(std::count_if(m_requests.begin(), m_requests.end(), [](const Request &r) {
        return r.path == QLatin1String(OAuthConfig::kTokenPath);
    }));
}

FakeOAuthServer::Request FakeOAuthServer::record(const QString &path, const QHttpServerRequest &req)
{
    Request r;
    r.path = path;
    r.form = parseForm(req.body());
    r.headers = httpcompat::requestHeaders(req);
    m_requests.append(r);
    return r;
}

QHttpServerResponse FakeOAuthServer::respond(const Answer &a)
{
    const auto status = QHttpServerResponse::StatusCode(a.status);
    if (!a.raw.isEmpty())
        return QHttpServerResponse(QByteArrayLiteral("text/plain"), a.raw, status);
    return QHttpServerResponse(a.json, status);
}

QHttpServerResponse FakeOAuthServer::handleDeviceCode(const QHttpServerRequest &req)
{
    const Request r = record(QString::fromLatin1(OAuthConfig::kDeviceCodePath), req);
    emit deviceCodeRequested();
    if (req.method() != QHttpServerRequest::Method::Post)
        return QHttpServerResponse(QHttpServerResponse::StatusCode::MethodNotAllowed);
    if (m_deviceAnswer.status != 200 || !m_deviceAnswer.json.isEmpty() ||
        !m_deviceAnswer.raw.isEmpty())
        return respond(m_deviceAnswer);
    if (r.form.value(QStringLiteral("code_challenge_method")) != QLatin1String("S256") ||
        r.form.value(QStringLiteral("code_challenge")).isEmpty())
        return respond(oauthError(400, QStringLiteral("invalid_request"),
                                  QStringLiteral("PKCE S256 challenge required")));
    ++m_deviceCounter;
    const QString deviceCode =
        m_deviceCode.isEmpty() ? QStringLiteral("dc-%1-+/=").arg(m_deviceCounter) // form-hostile
                               : m_deviceCode;
    QString challenge = r.form.value(QStringLiteral("code_challenge"));
    if (m_tamper)
        challenge[0] = challenge.at(0) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    m_challenges.insert(deviceCode, challenge);
    const QString userCode = m_userCode.isEmpty() ? QStringLiteral("ABCD-1234") : m_userCode;
    m_lastUriComplete = baseUrl().toString() +
                        QStringLiteral("/authorize?user_code=%1&client=qwen-code").arg(userCode);
    return QHttpServerResponse(
        QJsonObject{{QStringLiteral("device_code"), deviceCode},
                    {QStringLiteral("user_code"), userCode},
                    {QStringLiteral("verification_uri"),
                     QString(baseUrl().toString() + QStringLiteral("/authorize"))},
                    {QStringLiteral("verification_uri_complete"), m_lastUriComplete},
                    {QStringLiteral("expires_in"), m_expiresIn}});
}

QHttpServerResponse FakeOAuthServer::handleToken(const QHttpServerRequest &req)
{
    const Request r = record(QString::fromLatin1(OAuthConfig::kTokenPath), req);
    emit tokenRequested(tokenRequests());
    if (r.form.value(QStringLiteral("grant_type")) == QLatin1String("refresh_token") &&
        !m_refreshAnswers.isEmpty()) {
        ++m_refreshes;
        const auto it = m_refreshAnswers.constFind(r.form.value(QStringLiteral("refresh_token")));
        return respond(it == m_refreshAnswers.constEnd()
                           ? oauthError(400, QStringLiteral("invalid_grant"))
                           : *it);
    }
    if (r.form.value(QStringLiteral("grant_type")) != QLatin1String(OAuthConfig::kDeviceGrantType))
        return respond(oauthError(400, QStringLiteral("unsupported_grant_type")));
    if (r.form.value(QStringLiteral("client_id")) != config().clientId)
        return respond(oauthError(401, QStringLiteral("invalid_client")));
    const QString deviceCode = r.form.value(QStringLiteral("device_code"));
    if (!m_challenges.contains(deviceCode))
        return respond(oauthError(400, QStringLiteral("invalid_grant"),
                                  QStringLiteral("unknown device_code")));
    const QByteArray verifier = r.form.value(QStringLiteral("code_verifier")).toLatin1();
    if (QString::fromLatin1(pkce::challengeFor(verifier)) != m_challenges.value(deviceCode)) {
        ++m_pkceFailures;
        return respond(oauthError(400, QStringLiteral("invalid_grant"),
                                  QStringLiteral("PKCE verification failed")));
    }
    if (m_tokenAnswers.isEmpty())
        return respond(pending());
    return respond(m_tokenAnswers.takeFirst());
}

} // namespace qp::test
