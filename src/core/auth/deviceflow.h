#pragma once
// One Qwen OAuth device login (RFC 8628 + PKCE), exactly as qwen-protocol.md §A.2–§A.3 describes.
// The CLI, the HTTP /auth endpoints and the tray's QR dialog all drive this class; they differ only
// in how they show the verification URL and the countdown.
//
// Polling rules (the seeds got several wrong, see §A.3 "Seed bug to avoid"):
//  - authorization_pending: keep polling at the current interval;
//  - slow_down (on 400 or 429): interval x1.5, capped at Timing::maxPollMs. The increase is kept
//  for
//    the rest of the login (RFC 8628 §3.5); qwen-code's reset to 2 s after the next pending answer
//    would hammer a server that just asked us to slow down;
//  - expired_token, access_denied, 401, a non-slow_down 429 and the RFC 6749 terminal errors
//    (invalid_grant, ...) stop at once with their own message and Error::code;
//  - 5xx, network errors and anything unrecognised: logged, polling continues;
//  - the countdown ends at expires_in: the login then fails with code "timeout".
// cancel() aborts the request in flight and stops every timer; nothing is stored by this class.

#include "auth/oauthendpoints.h"
#include "auth/pkce.h"
#include "auth/qwencredentials.h"
#include "common/error.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkAccessManager;
class QNetworkReply;

namespace qp {

class DeviceFlow : public QObject
{
    Q_OBJECT
public:
    struct Timing {
        int initialPollMs = 2000; // qwen-code's starting interval
        int maxPollMs = 10000;    // slow_down cap
        int msPerSecond = 1000;   // length of one countdown second; tests shrink it
        int requestTimeoutMs = 30000;
    };
    enum class State { Idle, RequestingCode, Polling, Succeeded, Failed, Cancelled };
    Q_ENUM(State)

    DeviceFlow(QNetworkAccessManager *nam, OAuthConfig config, QObject *parent = nullptr);
    ~DeviceFlow() override;

    void setTiming(const Timing &timing) { m_timing = timing; }
    const Timing &timing() const { return m_timing; }
    const OAuthConfig &config() const { return m_config; }

    // Starts (or restarts after an end) a login with a fresh PKCE pair. No-op while active.
    void start();
    // Stops at any time: aborts the request in flight, stops the timers, emits cancelled() once.
    // Does nothing after the flow ended (a success already delivered stays delivered).
    void cancel();

    State state() const { return m_state; }
    bool isActive() const { return m_state == State::RequestingCode || m_state == State::Polling; }
    int secondsLeft() const { return m_secondsLeft; }
    int currentPollIntervalMs() const { return m_intervalMs; }
    // True between two polls (no request in flight); lets tests cancel at that exact point.
    bool isWaitingToPoll() const { return m_pollTimer.isActive(); }
    QString userCode() const { return m_userCode; }
    QString verificationUri() const { return m_verificationUri; }
    QString verificationUriComplete() const { return m_verificationUriComplete; }
    // Identifies this login towards HTTP clients (/auth/poll). Useless without the PKCE verifier,
    // which this class never exposes.
    QString deviceCode() const { return m_deviceCode; }

signals:
    void started(const QString &verificationUri, const QString &verificationUriComplete,
                 const QString &userCode, int expiresInSec);
    void secondsLeftChanged(int secondsLeft);
    void succeeded(const qp::QwenCredentials &credentials);
    void failed(const qp::Error &error);
    void cancelled();

private:
    void onDeviceCodeReply(QNetworkReply *reply);
    void poll();
    void onTokenReply(QNetworkReply *reply);
    void onTick();
    void scheduleNextPoll();
    void finishWithError(Error error);
    void stopEverything();
    // Text from the OAuth server, fit to quote in a message: without the device code and the
    // PKCE verifier (as sent, or form-encoded), which some servers echo back in their errors.
    QString quotable(QString serverText) const;
    QNetworkReply *postForm(const QUrl &url, const QList<QPair<QString, QString>> &fields);

    QNetworkAccessManager *m_nam;
    OAuthConfig m_config;
    Timing m_timing;
    State m_state = State::Idle;
    pkce::Pair m_pkce;
    QPointer<QNetworkReply> m_reply;
    QTimer m_pollTimer;
    QTimer m_tickTimer;
    QElapsedTimer m_elapsed;
    qint64 m_lifetimeMs = 0;
    int m_intervalMs = 0;
    int m_secondsLeft = 0;
    QString m_deviceCode;
    QString m_userCode;
    QString m_verificationUri;
    QString m_verificationUriComplete;
};

} // namespace qp
