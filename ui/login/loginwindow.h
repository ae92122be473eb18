#pragma once
// The device login window: a QR code of the verification page, the user code in large type with a
// copy button, "open in browser", a countdown to expiry, cancel; then success, or what went wrong
// in words a person can act on. It only shows what it is given (setters) and says what the user
// wants (signals): the owner runs the LoginSession on the engine and feeds its progress in.

#include "common/clock.h"
#include "common/error.h"
#include "login/loginmessages.h"

#include <QTimer>
#include <QWidget>
#include <optional>

class QLabel;
class QPushButton;
class QStackedWidget;

namespace qp {

class QrCodeWidget;

struct LoginCode {
    QString verificationUrl; // the page to open; the QR code carries it (with the code inside)
    QString userCode;
    qint64 expiresAtMs = 0; // on the Clock given to the window
};

class LoginWindow : public QWidget
{
    Q_OBJECT
public:
    enum class Stage { Requesting, Waiting, Succeeded, Failed };

    explicit LoginWindow(Clock &clock, QWidget *parent = nullptr);

    Stage stage() const { return m_stage; }
    const LoginProblem &problem() const { return m_problem; }
    QrCodeWidget *qrCode() const { return m_qr; }
    // What the countdown shows now ("Expires in 9:42").
    QString countdownText() const;
    QString titleText() const;
    QString messageText() const;

public slots:
    // Asking Qwen for a code.
    void showRequesting();
    void showCode(const qp::LoginCode &code);
    void showSucceeded(const QString &accountId);
    void showFailed(const qp::Error &error);
    void showProblem(const qp::LoginProblem &problem);
    // Re-reads the clock; a one-second timer calls it while a code is shown. At zero the window
    // says the code expired (the flow's own timeout follows and changes nothing).
    void tick();

signals:
    void cancelRequested();
    void retryRequested();
    void copyRequested(const QString &text);
    void openUrlRequested(const QString &url);
    void addProviderRequested();
    void doneRequested(); // success seen, or a failure acknowledged: close the window

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void buildRequestingPage();
    void buildCodePage();
    void buildResultPage();
    void retranslate();
    void setStage(Stage stage);

    Clock &m_clock;
    Stage m_stage = Stage::Requesting;
    LoginCode m_code;
    LoginProblem m_problem;
    std::optional<Error> m_error; // what showFailed() got, to word it again in a new language
    QString m_accountId;
    QTimer m_ticker;

    QStackedWidget *m_pages;
    // Requesting
    QLabel *m_requestingTitle;
    QLabel *m_requestingLabel;
    QPushButton *m_requestingCancel;
    // Waiting
    QLabel *m_codeTitle;
    QLabel *m_codeIntro;
    QrCodeWidget *m_qr;
    QLabel *m_codeCaption;
    QLabel *m_userCode;
    QPushButton *m_copy;
    QPushButton *m_open;
    QLabel *m_countdown;
    QLabel *m_url;
    QPushButton *m_cancel;
    // Result
    QLabel *m_resultIcon;
    QLabel *m_resultTitle;
    QLabel *m_resultBody;
    QLabel *m_resultDetail;
    QPushButton *m_retry;
    QPushButton *m_addProvider;
    QPushButton *m_done;
};

} // namespace qp
