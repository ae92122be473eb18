// The login window driven end to end by a real LoginSession against the fake OAuth server: the QR
// code on screen decodes to the verification URL the server handed out, success stores the
// account, cancel stops the session and stores nothing, and each way a login fails upstream ends
// in its own message.
#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "accounts/loginsession.h"
#include "login/loginbinding.h"
#include "login/loginwindow.h"
#include "login/qrcodewidget.h"
#include "qrdecode.h"
#include "secrets/memorysecretstore.h"
#include "support/accountbackend.h"

#include <QJsonObject>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

using namespace qp;
using namespace Qt::StringLiterals;
using qp::test::AccountBackend;
using qp::test::FakeOAuthServer;

class TestLoginWindowE2E : public QObject
{
    Q_OBJECT
    std::unique_ptr<AccountBackend> m_b; // fake server, store, secrets, service
    std::unique_ptr<FakeClock> m_clock;
    std::unique_ptr<LoginWindow> m_window;

    LoginSession *start(const QString &id = u"work"_s)
    {
        auto session = m_b->service->startLogin({id, QString()}, this);
        if (!session)
            return nullptr;
        bindLoginSession(*session, m_window.get(), *m_clock);
        return *session;
    }

    QPushButton *button(const QString &text)
    {
        for (QPushButton *b : m_window->findChildren<QPushButton *>())
            if (b->text() == text && b->isVisibleTo(m_window.get()))
                return b;
        return nullptr;
    }

    bool stored(const QString &id)
    {
        const auto accounts = m_b->service->list();
        if (!accounts)
            return false;
        for (const Account &a : accounts.value())
            if (a.id == id)
                return true;
        return false;
    }

private slots:
    void init()
    {
        m_b = std::make_unique<AccountBackend>();
        DeviceFlow::Timing t = AccountBackend::fastTiming();
        t.msPerSecond = 20; // a 2 s code expires after 40 ms
        QVERIFY(m_b->start(t));
        m_clock = std::make_unique<FakeClock>(1796637600000);
        m_window = std::make_unique<LoginWindow>(*m_clock);
        m_window->resize(640, 400);
        m_window->show();
    }
    void cleanup()
    {
        m_window.reset();
        m_b.reset();
    }

    void scanAndSucceed()
    {
        // The token endpoint answers "pending" until the test queues the success, so the code
        // is on screen for as long as the checks take.
        m_b->fake->setExpiresIn(600);
        LoginSession *session = start();
        QVERIFY(session);
        QCOMPARE(m_window->stage(), LoginWindow::Stage::Requesting);
        QTRY_COMPARE(m_window->stage(), LoginWindow::Stage::Waiting);
        // What the phone scans is what the server handed out, user code included.
        QCOMPARE(m_window->qrCode()->text(), m_b->fake->lastVerificationUriComplete());
        QVERIFY(m_window->qrCode()->text().contains(u"ABCD-1234"_s));
        if (test::haveZbar())
            QCOMPARE(test::decodeQr(m_window->grab().toImage()),
                     QStringList{m_b->fake->lastVerificationUriComplete()});
        else
            qWarning("%s", test::kNoZbar);
        QCOMPARE(m_window->countdownText(), u"Expires in 10:00"_s);
        m_clock->advanceMs(61'000);
        m_window->tick();
        QCOMPARE(m_window->countdownText(), u"Expires in 8:59"_s);

        m_b->fake->queue(FakeOAuthServer::success(u"at-w"_s, u"rt-w"_s));
        QTRY_COMPARE(m_window->stage(), LoginWindow::Stage::Succeeded);
        QVERIFY(m_window->messageText().contains(u"work"_s));
        QVERIFY(stored(u"work"_s));
    }

    void cancelStopsTheSessionAndStoresNothing()
    {
        m_b->fake->setExpiresIn(600); // "pending" until cancelled
        LoginSession *session = start();
        QVERIFY(session);
        QSignalSpy cancelled(session, &LoginSession::cancelled);
        QTRY_COMPARE(m_window->stage(), LoginWindow::Stage::Waiting);
        QTest::mouseClick(button(u"Cancel"_s), Qt::LeftButton);
        QTRY_COMPARE(cancelled.size(), 1);
        QVERIFY(!session->isActive());
        // Nothing left that could poll again: no timer armed, no request in flight.
        QCOMPARE(session->flow()->state(), DeviceFlow::State::Cancelled);
        QVERIFY(!session->flow()->isWaitingToPoll());
        QVERIFY(!stored(u"work"_s));
    }

    void failures_data()
    {
        QTest::addColumn<int>("case_");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("title");
        using K = LoginProblem::Kind;
        QTest::newRow("denied") << 0 << int(K::Denied) << u"The login was denied"_s;
        QTest::newRow("expired_token") << 1 << int(K::Expired) << u"The code expired"_s;
        QTest::newRow("countdown ran out") << 2 << int(K::Expired) << u"The code expired"_s;
        QTest::newRow("unreachable") << 3 << int(K::Network) << u"Cannot reach Qwen"_s;
        QTest::newRow("free tier ended")
            << 4 << int(K::Discontinued) << u"Qwen's free OAuth tier has ended"_s;
    }

    void failures()
    {
        QFETCH(int, case_);
        QFETCH(int, kind);
        QFETCH(QString, title);
        m_b->fake->setExpiresIn(600);
        switch (case_) {
        case 0:
            m_b->fake->queuePending(1);
            m_b->fake->queue(FakeOAuthServer::oauthError(400, u"access_denied"_s));
            break;
        case 1:
            m_b->fake->queue(FakeOAuthServer::oauthError(400, u"expired_token"_s));
            break;
        case 2:
            m_b->fake->setExpiresIn(2); // 40 ms with the test timing; the server stays pending
            break;
        case 3: {
            // Nothing listens there.
            FakeOAuthServer closed;
            QVERIFY(closed.start());
            const OAuthConfig gone = closed.config();
            m_b->makeService(gone);
            break; // `closed` stops listening here
        }
        case 4:
            m_b->fake->setDeviceCodeAnswer(
                {400,
                 QJsonObject{{u"error"_s, u"invalid_request"_s},
                             {u"error_description"_s,
                              u"The Qwen OAuth free tier has been discontinued."_s}},
                 {}});
            break;
        }
        LoginSession *session = start();
        QVERIFY(session);
        QTRY_COMPARE(m_window->stage(), LoginWindow::Stage::Failed);
        QCOMPARE(int(m_window->problem().kind), kind);
        QCOMPARE(m_window->titleText(), title);
        QVERIFY(!stored(u"work"_s));
    }
};

QTEST_MAIN(TestLoginWindowE2E)
#include "tst_loginwindow_e2e.moc"
