// The QR login window, driven by data: the QR code decodes (zbar) to the verification URL, the
// countdown follows a fake clock, cancel and close say so, and every failure gets its own words.
#include "login/loginmessages.h"
#include "login/loginwindow.h"
#include "login/qrcodewidget.h"
#include "qrdecode.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTranslator>
#include <QtTest>

Q_DECLARE_METATYPE(qp::Error)

using namespace qp;
using namespace Qt::StringLiterals;
using qp::test::decodeQr;

namespace {

constexpr qint64 kNow = 1796637600000;
const QString kUrl = u"https://chat.qwen.ai/authorize?user_code=QP7K-2M9X&client=qwen-code"_s;
const QString kCode = u"QP7K-2M9X"_s;

QPushButton *button(QWidget *w, const QString &text)
{
    for (QPushButton *b : w->findChildren<QPushButton *>())
        if (b->text() == text && b->isVisibleTo(w))
            return b;
    return nullptr;
}

Error loginError(Error::Kind kind, const QString &code, int status = 0)
{
    Error e = Error::make(kind, u"technical: "_s + code);
    e.code = code;
    e.upstreamStatus = status;
    return e;
}

} // namespace

class TestLoginWindow : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeClock> m_clock;
    std::unique_ptr<LoginWindow> m_window;

    void showCode(qint64 expiresInMs = 600'000)
    {
        m_window->showCode({kUrl, kCode, kNow + expiresInMs});
        m_window->resize(640, 380);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

private slots:
    void init()
    {
        m_clock = std::make_unique<FakeClock>(kNow);
        m_window = std::make_unique<LoginWindow>(*m_clock);
    }
    void cleanup() { m_window.reset(); }

    void qrCodeDecodesToTheVerificationUrl()
    {
        if (!test::haveZbar())
            QSKIP(test::kNoZbar);
        showCode();
        QCOMPARE(m_window->stage(), LoginWindow::Stage::Waiting);
        QVERIFY(m_window->qrCode()->moduleCount() > 20);
        // What is on screen: the widget, then the whole window the way a phone camera sees it.
        QCOMPARE(decodeQr(m_window->qrCode()->grab().toImage()), QStringList{kUrl});
        QCOMPARE(decodeQr(m_window->grab().toImage()), QStringList{kUrl});
        // The same at 2x device pixels (HiDPI screens).
        QCOMPARE(decodeQr(m_window->qrCode()->toImage(8)), QStringList{kUrl});
        // A dark palette must not invert the code.
        QPalette dark = m_window->palette();
        dark.setColor(QPalette::Window, Qt::black);
        dark.setColor(QPalette::WindowText, Qt::white);
        m_window->setPalette(dark);
        QCOMPARE(decodeQr(m_window->grab().toImage()), QStringList{kUrl});
    }

    void showsTheUserCodeAndTheUrl()
    {
        showCode();
        QVERIFY(!m_window->findChildren<QLabel *>().isEmpty());
        bool codeShown = false;
        for (QLabel *l : m_window->findChildren<QLabel *>())
            codeShown = codeShown || (l->text() == kCode && l->isVisibleTo(m_window.get()));
        QVERIFY(codeShown);
        QCOMPARE(m_window->qrCode()->text(), kUrl);
    }

    void countdownFollowsTheClock()
    {
        showCode(600'000);
        QCOMPARE(m_window->countdownText(), u"Expires in 10:00"_s);
        m_clock->advanceMs(78'500);
        m_window->tick();
        QCOMPARE(m_window->countdownText(), u"Expires in 8:42"_s); // 521.5 s, rounded up
        m_clock->advanceMs(520'000);
        m_window->tick();
        QCOMPARE(m_window->countdownText(), u"Expires in 0:02"_s);
        QCOMPARE(m_window->stage(), LoginWindow::Stage::Waiting);
        m_clock->advanceMs(1'500);
        m_window->tick();
        QCOMPARE(m_window->stage(), LoginWindow::Stage::Failed);
        QCOMPARE(m_window->problem().kind, LoginProblem::Kind::Expired);
        QCOMPARE(m_window->titleText(), u"The code expired"_s);
        QVERIFY(button(m_window.get(), u"Try again"_s));
    }

    void cancelButtonAndClosingCancel()
    {
        QSignalSpy cancel(m_window.get(), &LoginWindow::cancelRequested);
        QSignalSpy done(m_window.get(), &LoginWindow::doneRequested);
        m_window->show();
        // While asking for a code...
        QPushButton *b = button(m_window.get(), u"Cancel"_s);
        QVERIFY(b);
        QTest::mouseClick(b, Qt::LeftButton);
        QCOMPARE(cancel.size(), 1);
        // ...and while the code is shown.
        showCode();
        b = button(m_window.get(), u"Cancel"_s);
        QVERIFY(b);
        QTest::mouseClick(b, Qt::LeftButton);
        QCOMPARE(cancel.size(), 2);
        m_window->close();
        QCOMPARE(cancel.size(), 3);
        QCOMPARE(done.size(), 0);
        // Escape closes like a dialog, and so cancels.
        showCode();
        QTest::keyClick(m_window.get(), Qt::Key_Escape);
        QCOMPARE(cancel.size(), 4);
        QVERIFY(!m_window->isVisible());
        // After the end, closing is only "done".
        m_window->showSucceeded(u"account-2"_s);
        m_window->show();
        m_window->close();
        QCOMPARE(cancel.size(), 4);
        QCOMPARE(done.size(), 1);
    }

    void copyAndOpenAreIntents()
    {
        showCode();
        QSignalSpy copy(m_window.get(), &LoginWindow::copyRequested);
        QSignalSpy open(m_window.get(), &LoginWindow::openUrlRequested);
        QTest::mouseClick(button(m_window.get(), u"Copy code"_s), Qt::LeftButton);
        QCOMPARE(copy.size(), 1);
        QCOMPARE(copy[0][0].toString(), kCode);
        QVERIFY(button(m_window.get(), u"Copied"_s)); // the click is acknowledged
        QTest::mouseClick(button(m_window.get(), u"Open in browser"_s), Qt::LeftButton);
        QCOMPARE(open.size(), 1);
        QCOMPARE(open[0][0].toString(), kUrl);
    }

    void success()
    {
        showCode();
        m_window->showSucceeded(u"account-2"_s);
        QCOMPARE(m_window->stage(), LoginWindow::Stage::Succeeded);
        QCOMPARE(m_window->titleText(), u"You are logged in"_s);
        QVERIFY(m_window->messageText().contains(u"account-2"_s));
        QSignalSpy done(m_window.get(), &LoginWindow::doneRequested);
        QTest::mouseClick(button(m_window.get(), u"Done"_s), Qt::LeftButton);
        QCOMPARE(done.size(), 1);
        QVERIFY(!button(m_window.get(), u"Try again"_s));
    }

    void failures_data()
    {
        QTest::addColumn<Error>("error");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("title");
        QTest::addColumn<bool>("canRetry");
        using K = LoginProblem::Kind;
        QTest::newRow("expired_token")
            << loginError(Error::Kind::NeedsLogin, u"expired_token"_s, 400) << int(K::Expired)
            << u"The code expired"_s << true;
        QTest::newRow("timeout") << loginError(Error::Kind::UpstreamTimeout, u"timeout"_s)
                                 << int(K::Expired) << u"The code expired"_s << true;
        QTest::newRow("401") << loginError(Error::Kind::UpstreamAuth, u"unauthorized"_s, 401)
                             << int(K::Expired) << u"The code expired"_s << true;
        QTest::newRow("denied") << loginError(Error::Kind::Forbidden, u"access_denied"_s, 400)
                                << int(K::Denied) << u"The login was denied"_s << true;
        QTest::newRow("network") << loginError(Error::Kind::UpstreamUnavailable, u"network"_s)
                                 << int(K::Network) << u"Cannot reach Qwen"_s << true;
        QTest::newRow("discontinued")
            << loginError(Error::Kind::Discontinued, u"discontinued"_s, 401) << int(K::Discontinued)
            << u"Qwen's free OAuth tier has ended"_s << false;
        QTest::newRow("rate limited")
            << loginError(Error::Kind::RateLimited, u"rate_limited"_s, 429) << int(K::RateLimited)
            << u"Too many login attempts"_s << true;
        QTest::newRow("other") << loginError(Error::Kind::UpstreamError,
                                             u"device_authorization_failed"_s, 500)
                               << int(K::Other) << u"The login failed"_s << true;
    }

    void failures()
    {
        QFETCH(Error, error);
        QFETCH(int, kind);
        QFETCH(QString, title);
        QFETCH(bool, canRetry);
        showCode();
        m_window->showFailed(error);
        QCOMPARE(m_window->stage(), LoginWindow::Stage::Failed);
        QCOMPARE(int(m_window->problem().kind), kind);
        QCOMPARE(m_window->titleText(), title);
        QVERIFY(!m_window->messageText().isEmpty());
        QVERIFY(m_window->messageText() != title);
        // The technical message stays visible for bug reports.
        QCOMPARE(m_window->problem().detail, error.message);
        QPushButton *retry = button(m_window.get(), u"Try again"_s);
        QCOMPARE(retry != nullptr, canRetry);
        if (retry) {
            QSignalSpy spy(m_window.get(), &LoginWindow::retryRequested);
            QTest::mouseClick(retry, Qt::LeftButton);
            QCOMPARE(spy.size(), 1);
        }
        // With the free tier gone, the way forward is an API key.
        QPushButton *addKey = button(m_window.get(), u"Add an API key…"_s);
        QCOMPARE(addKey != nullptr, kind == int(LoginProblem::Kind::Discontinued));
        if (addKey) {
            QSignalSpy spy(m_window.get(), &LoginWindow::addProviderRequested);
            QTest::mouseClick(addKey, Qt::LeftButton);
            QCOMPARE(spy.size(), 1);
        }
        // The countdown stopped with the login: a later tick changes nothing.
        m_clock->advanceMs(3'600'000);
        m_window->tick();
        QCOMPARE(int(m_window->problem().kind), kind);
    }

    void followsTheLanguage()
    {
        QTranslator zh;
        QVERIFY(zh.load(u":/i18n/qwen-proxy_zh_CN.qm"_s));
        showCode();
        m_window->showFailed(loginError(Error::Kind::Forbidden, u"access_denied"_s));
        const QString english = m_window->titleText();
        QCoreApplication::installTranslator(&zh);
        QCoreApplication::processEvents(); // LanguageChange
        const QString chinese = m_window->titleText();
        QCoreApplication::removeTranslator(&zh);
        QCoreApplication::processEvents();
        QVERIFY(chinese != english);
        QVERIFY(!chinese.isEmpty());
        QCOMPARE(m_window->titleText(), english);
    }
};

QTEST_MAIN(TestLoginWindow)
#include "tst_loginwindow.moc"
