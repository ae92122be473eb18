#include "auth/deviceflow.h"

#include "auth/freetierended.h"
#include "logging/redact.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>
#include <QUuid>
#include <algorithm>
#include <cmath>

Q_LOGGING_CATEGORY(lcDeviceFlow, "qp.core.auth.deviceflow")

namespace qp {

namespace {

// RFC 6749 §5.2 errors: the device code is unusable, polling again cannot help.
bool isTerminalOAuthError(const QString &e)
{
    static const QStringList terminal = {
        QStringLiteral("invalid_request"),        QStringLiteral("invalid_client"),
        QStringLiteral("invalid_grant"),          QStringLiteral("unauthorized_client"),
        QStringLiteral("unsupported_grant_type"), QStringLiteral("invalid_scope")};
    return terminal.contains(e);
}

QString snippet(const QByteArray &body)
{
    // Bodies go into user-facing messages; keep them short. Error bodies carry no tokens.
    QString s = QString::fromUtf8(body.left(300)).simplified();
    if (body.size() > 300)
        s += QStringLiteral("…");
    return s;
}

Error makeError(Error::Kind kind, const QString &code, const QString &message, int status)
{
    Error e = Error::make(kind, message);
    e.code = code;
    e.upstreamStatus = status;
    return e;
}

Error discontinuedError(int status)
{
    return makeError(Error::Kind::Discontinued, QStringLiteral("discontinued"),
                     freetier::endedMessage(), status);
}

} // namespace

DeviceFlow::DeviceFlow(QNetworkAccessManager *nam, OAuthConfig config, QObject *parent)
    : QObject(parent), m_nam(nam), m_config(std::move(config))
{
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &DeviceFlow::poll);
    connect(&m_tickTimer, &QTimer::timeout, this, &DeviceFlow::onTick);
}

DeviceFlow::~DeviceFlow()
{
    stopEverything();
}

QNetworkReply *DeviceFlow::postForm(const QUrl &url, const QList<QPair<QString, QString>> &fields)
{
    // Encoded by hand: QUrlQuery leaves '+' alone, which a form decoder reads as a space.
    QByteArray body;
    for (const auto &f : fields) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(f.first) + '=' + QUrl::toPercentEncoding(f.second);
    }
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader,
                  QByteArrayLiteral("application/x-www-form-urlencoded"));
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("x-request-id", QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1());
    req.setTransferTimeout(m_timing.requestTimeoutMs);
    return m_nam->post(req, body);
}

void DeviceFlow::start()
{
    if (isActive())
        return;
    stopEverything();
    m_pkce = pkce::generate();
    m_deviceCode.clear();
    m_userCode.clear();
    m_verificationUri.clear();
    m_verificationUriComplete.clear();
    m_secondsLeft = 0;
    m_intervalMs = m_timing.initialPollMs;
    m_state = State::RequestingCode;

    QNetworkReply *reply =
        postForm(m_config.deviceCodeEndpoint,
                 {{QStringLiteral("client_id"), m_config.clientId},
                  {QStringLiteral("scope"), m_config.scope},
                  {QStringLiteral("code_challenge"), QString::fromLatin1(m_pkce.challenge)},
                  {QStringLiteral("code_challenge_method"), QLatin1String(pkce::kMethod)}});
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onDeviceCodeReply(reply); });
}

void DeviceFlow::onDeviceCodeReply(QNetworkReply *reply)
{
    reply->deleteLater();
    if (m_reply == reply)
        m_reply = nullptr;
    if (m_state != State::RequestingCode)
        return;

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (freetier::bodySaysEnded(body))
        return finishWithError(discontinuedError(status));
    if (status == 0) {
        return finishWithError(makeError(
            Error::Kind::UpstreamUnavailable, QStringLiteral("network"),
            QStringLiteral("Device authorization failed: %1").arg(reply->errorString()), 0));
    }
    if (status < 200 || status > 299) {
        const QString reason =
            reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        return finishWithError(
            makeError(Error::Kind::UpstreamError, QStringLiteral("device_authorization_failed"),
                      QStringLiteral("Device authorization failed: %1 %2. Response: %3")
                          .arg(status)
                          .arg(reason, snippet(body)),
                      status));
    }

    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QString deviceCode = o.value(QLatin1String("device_code")).toString();
    if (deviceCode.isEmpty()) {
        const QString err = o.value(QLatin1String("error")).toString();
        return finishWithError(makeError(
            Error::Kind::UpstreamError,
            err.isEmpty() ? QStringLiteral("device_authorization_failed") : err,
            err.isEmpty() ? QStringLiteral("Device authorization failed: unexpected answer: %1")
                                .arg(snippet(body))
                          : QStringLiteral("Device authorization failed: %1 - %2")
                                .arg(err, o.value(QLatin1String("error_description")).toString()),
            status));
    }
    const QString userCode = o.value(QLatin1String("user_code")).toString();
    const QString uri = o.value(QLatin1String("verification_uri")).toString();
    QString uriComplete = o.value(QLatin1String("verification_uri_complete")).toString();
    if (userCode.isEmpty() || (uri.isEmpty() && uriComplete.isEmpty())) {
        return finishWithError(
            makeError(Error::Kind::UpstreamError, QStringLiteral("device_authorization_failed"),
                      QStringLiteral("Device authorization failed: the answer lacks user_code or "
                                     "verification_uri"),
                      status));
    }
    if (uriComplete.isEmpty())
        uriComplete = uri;
    // RFC 8628 makes expires_in required; 600 s is a conservative guess when a server omits it.
    int expiresIn = o.value(QLatin1String("expires_in")).toInt(0);
    if (expiresIn <= 0)
        expiresIn = 600;

    m_deviceCode = deviceCode;
    m_userCode = userCode;
    m_verificationUri = uri.isEmpty() ? uriComplete : uri;
    m_verificationUriComplete = uriComplete;
    m_lifetimeMs = qint64(expiresIn) * m_timing.msPerSecond;
    m_secondsLeft = expiresIn;
    m_elapsed.start();
    m_state = State::Polling;
    m_tickTimer.start(std::max(1, m_timing.msPerSecond / 4)); // sub-second so no second is skipped
    qCInfo(lcDeviceFlow) << "device code issued, expires in" << expiresIn << "s";

    emit started(m_verificationUri, m_verificationUriComplete, m_userCode, expiresIn);
    if (m_state != State::Polling) // a slot may have cancelled
        return;
    emit secondsLeftChanged(m_secondsLeft);
    if (m_state == State::Polling)
        scheduleNextPoll();
}

void DeviceFlow::scheduleNextPoll()
{
    m_pollTimer.start(m_intervalMs);
}

void DeviceFlow::poll()
{
    if (m_state != State::Polling)
        return;
    QNetworkReply *reply =
        postForm(m_config.tokenEndpoint,
                 {{QStringLiteral("grant_type"), QLatin1String(OAuthConfig::kDeviceGrantType)},
                  {QStringLiteral("client_id"), m_config.clientId},
                  {QStringLiteral("device_code"), m_deviceCode},
                  {QStringLiteral("code_verifier"), QString::fromLatin1(m_pkce.verifier)}});
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onTokenReply(reply); });
}

void DeviceFlow::onTokenReply(QNetworkReply *reply)
{
    reply->deleteLater();
    if (m_reply == reply)
        m_reply = nullptr;
    if (m_state != State::Polling)
        return;

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (status == 0) {
        // qwen-code: log and keep polling; a flaky network must not end a login the user is
        // completing in the browser. The countdown still bounds it.
        qCWarning(lcDeviceFlow) << "token poll failed, retrying:" << reply->errorString();
        return scheduleNextPoll();
    }
    const QJsonObject o = QJsonDocument::fromJson(body).object();

    if (status >= 200 && status <= 299 &&
        !o.value(QLatin1String("access_token")).toString().isEmpty()) {
        // fromTokenResponse also takes the seeds' `endpoint` fallback for resource_url (§A.3).
        auto creds = QwenCredentials::fromTokenResponse(o, QDateTime::currentMSecsSinceEpoch());
        if (!creds) {
            return finishWithError(makeError(
                Error::Kind::UpstreamError, QStringLiteral("invalid_token_response"),
                QStringLiteral("Token answer unusable: %1").arg(creds.error().message), status));
        }
        stopEverything();
        m_state = State::Succeeded;
        qCInfo(lcDeviceFlow) << "login approved";
        emit succeeded(creds.value());
        return;
    }

    if (freetier::bodySaysEnded(body))
        return finishWithError(discontinuedError(status));

    const QString err = o.value(QLatin1String("error")).toString();
    const QString desc = quotable(o.value(QLatin1String("error_description")).toString());
    if (err == QLatin1String("authorization_pending"))
        return scheduleNextPoll();
    if (err == QLatin1String("slow_down")) {
        m_intervalMs = std::min(int(std::lround(m_intervalMs * 1.5)), m_timing.maxPollMs);
        qCInfo(lcDeviceFlow) << "server asked to slow down; interval now" << m_intervalMs << "ms";
        return scheduleNextPoll();
    }
    if (err == QLatin1String("expired_token")) {
        return finishWithError(makeError(
            Error::Kind::NeedsLogin, err,
            QStringLiteral("Device code expired. Please restart the authentication process."),
            status));
    }
    if (err == QLatin1String("access_denied")) {
        return finishWithError(makeError(
            Error::Kind::Forbidden, err,
            QStringLiteral(
                "Authorization denied by user. Please restart the authentication process."),
            status));
    }
    if (status == 401) {
        return finishWithError(makeError(
            Error::Kind::UpstreamAuth, err.isEmpty() ? QStringLiteral("unauthorized") : err,
            QStringLiteral(
                "Device code expired or invalid, please restart the authorization process."),
            status));
    }
    if (status == 429) {
        return finishWithError(makeError(
            Error::Kind::RateLimited, err.isEmpty() ? QStringLiteral("rate_limited") : err,
            QStringLiteral("Too many requests. The server is rate limiting our requests. Please "
                           "select a different authentication method or try again later."),
            status));
    }
    if (isTerminalOAuthError(err)) {
        return finishWithError(
            makeError(Error::Kind::UpstreamAuth, err,
                      QStringLiteral("Login rejected by the server: %1%2. Please restart the "
                                     "authentication process.")
                          .arg(err, desc.isEmpty() ? QString() : QStringLiteral(" - ") + desc),
                      status));
    }
    qCWarning(lcDeviceFlow) << "unexpected token answer, polling continues: HTTP" << status
                            << quotable(err.isEmpty() ? snippet(body) : err);
    scheduleNextPoll();
}

void DeviceFlow::onTick()
{
    if (m_state != State::Polling)
        return;
    const qint64 remainingMs = m_lifetimeMs - m_elapsed.elapsed();
    const int left =
        remainingMs <= 0 ? 0 : int((remainingMs + m_timing.msPerSecond - 1) / m_timing.msPerSecond);
    if (left != m_secondsLeft) {
        m_secondsLeft = left;
        emit secondsLeftChanged(left);
        if (m_state != State::Polling)
            return;
    }
    if (left == 0) {
        finishWithError(makeError(
            Error::Kind::UpstreamTimeout, QStringLiteral("timeout"),
            QStringLiteral("Authorization timeout: the code was not approved within %1 s. Please "
                           "restart the authentication process.")
                .arg(m_lifetimeMs / m_timing.msPerSecond),
            0));
    }
}

void DeviceFlow::finishWithError(Error error)
{
    stopEverything();
    m_state = State::Failed;
    qCWarning(lcDeviceFlow) << "login failed:" << error.code << error.message;
    emit failed(error);
}

void DeviceFlow::cancel()
{
    if (!isActive())
        return;
    stopEverything();
    m_state = State::Cancelled;
    qCInfo(lcDeviceFlow) << "login cancelled";
    emit cancelled();
}

QString DeviceFlow::quotable(QString serverText) const
{
    const QString verifier = QString::fromLatin1(m_pkce.verifier);
    for (const QString &secret : {m_deviceCode, verifier}) {
        if (secret.isEmpty())
            continue;
        serverText.replace(secret, QStringLiteral("***"));
        serverText.replace(QString::fromLatin1(QUrl::toPercentEncoding(secret)),
                           QStringLiteral("***"));
    }
    return redact(serverText);
}

void DeviceFlow::stopEverything()
{
    m_pollTimer.stop();
    m_tickTimer.stop();
    if (QNetworkReply *r = m_reply.data()) {
        m_reply = nullptr;
        disconnect(r, nullptr, this, nullptr);
        r->abort();
        r->deleteLater();
    }
    // The verifier is worthless after the end; drop it so it does not linger in memory.
    m_pkce = {};
}

} // namespace qp
