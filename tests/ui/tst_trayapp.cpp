// The tray app as wired (ui/app/trayapp.h): a real engine on its own thread serving a fake
// upstream; what the tray shows follows requests made through the running server; pause stops
// accepting and resume listens again on the same port; "Quit" in the menu stops the engine
// gracefully and joins its thread.
#include "addproviderdialog.h"
#include "app/trayapp.h"
#include "mainwindow.h"
#include "offthread.h"
#include "providerspage.h"
#include "tray/traycontroller.h"
#include "tray/traymenu.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace qp;
using namespace qp::test;

namespace {
Engine::Options optionsFor(const QTemporaryDir &dir, const UpstreamThread &upstream)
{
    Engine::Options o;
    o.runtime.dataDir = dir.filePath(u"data"_s);
    o.runtime.env = QProcessEnvironment();
    o.runtime.env.insert(u"PORT"_s, u"0"_s);
    o.runtime.env.insert(u"OPENAI_BASE_URL"_s, upstream.baseUrl());
    o.runtime.env.insert(u"OPENAI_API_KEY"_s, u"sk-test-trayapp"_s);
    o.runtime.env.insert(u"QP_SECRET_STORE"_s, u"file"_s);
    return o;
}

QByteArray streamBody()
{
    return QJsonDocument(
               QJsonObject{{u"model"_s, u"qwen3-coder-plus"_s},
                           {u"stream"_s, true},
                           {u"stream_options"_s, QJsonObject{{u"include_usage"_s, true}}},
                           {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                  {u"content"_s, u"hi"_s}}}}})
        .toJson(QJsonDocument::Compact);
}

bool accepts(quint16 port)
{
    QTcpSocket s;
    s.connectToHost(u"127.0.0.1"_s, port);
    return s.waitForConnected(2000);
}
} // namespace

class TestTrayApp : public QObject
{
    Q_OBJECT
private slots:
    void trayFollowsRequestsThroughTheServer();
    void pauseAndResumeKeepThePort();
    void quitFromTheMenuStopsTheEngine();
    void addProviderFromTheMenuOpensTheDialog();
};

void TestTrayApp::trayFollowsRequestsThroughTheServer()
{
    QTemporaryDir dir;
    UpstreamThread upstream;
    upstream.configure([](FakeUpstream &u) {
        u.replySse({{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"hello"_s}})},
                    {0, FakeUpstream::chunk(QJsonObject{}, u"stop"_s)},
                    {0, FakeUpstream::usageChunk(12, 30)},
                    {0, "[DONE]"}});
    });
    TrayApp app(optionsFor(dir, upstream));
    QVERIFY(app.start());
    QTRY_COMPARE_WITH_TIMEOUT(app.engine().state(), Engine::State::Serving, 15000);
    // The environment's provider is the pool's one account, usable.
    QTRY_COMPARE_WITH_TIMEOUT(app.tray()->view().total, 1, 5000);
    QCOMPARE(app.tray()->view().usable, 1);
    QCOMPARE(app.tray()->view().icon, TrayIconState::Serving);
    QVERIFY(app.tray()->view().openAIBaseUrl.endsWith(u"/v1"_s));

    StreamingClient client(app.engine().endpoints().port, "/v1/chat/completions", streamBody());
    client.start();
    QVERIFY(client.wait(10000));
    QVERIFY(client.sawDone());
    // Within one refresh: today's line counts the request and its 42 tokens.
    QTRY_VERIFY_WITH_TIMEOUT(app.tray()->view().usageLine.contains(u"1 request"_s),
                             TrayApp::kRefreshMs * 3);
    QVERIFY2(app.tray()->view().usageLine.contains(u"42"_s),
             qPrintable(app.tray()->view().usageLine));
}

void TestTrayApp::pauseAndResumeKeepThePort()
{
    QTemporaryDir dir;
    UpstreamThread upstream;
    TrayApp app(optionsFor(dir, upstream));
    QVERIFY(app.start());
    QTRY_COMPARE_WITH_TIMEOUT(app.engine().state(), Engine::State::Serving, 15000);
    const quint16 port = app.engine().endpoints().port;
    QVERIFY(accepts(port));

    Q_EMIT app.tray()->menu()->pauseRequested();
    QTRY_VERIFY_WITH_TIMEOUT(!accepts(port), 5000);
    QCOMPARE(app.tray()->view().icon, TrayIconState::Stopped);
    QVERIFY(app.tray()->view().paused);

    Q_EMIT app.tray()->menu()->resumeRequested();
    QTRY_VERIFY_WITH_TIMEOUT(accepts(port), 5000);
    QVERIFY(!app.tray()->view().paused);
}

void TestTrayApp::quitFromTheMenuStopsTheEngine()
{
    QTemporaryDir dir;
    UpstreamThread upstream;
    upstream.configure([](FakeUpstream &u) {
        QList<SseStep> steps;
        for (int i = 0; i < 1000; ++i) // 50 s: far longer than the grace
            steps.append({50, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"x"_s}})});
        u.replySse(steps);
    });
    Engine::Options o = optionsFor(dir, upstream);
    o.runtime.env.insert(u"SHUTDOWN_GRACE_MS"_s, u"500"_s);
    TrayApp app(std::move(o));
    QVERIFY(app.start());
    QTRY_COMPARE_WITH_TIMEOUT(app.engine().state(), Engine::State::Serving, 15000);
    StreamingClient client(app.engine().endpoints().port, "/v1/chat/completions", streamBody());
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(client.eventsSoFar() >= 1, 5000);

    // The stream is cut after the 500 ms grace, the runtime deleted on its thread, the thread
    // joined.
    Q_EMIT app.tray()->menu()->quitRequested();
    QTRY_COMPARE_WITH_TIMEOUT(app.engine().state(), Engine::State::Stopped, 10000);
    QVERIFY(!app.engine().engineThread());
    QVERIFY(client.wait(5000));
    QVERIFY(client.closedByServer());
}

void TestTrayApp::addProviderFromTheMenuOpensTheDialog()
{
    QTemporaryDir dir;
    UpstreamThread upstream;
    TrayApp app(optionsFor(dir, upstream));
    QVERIFY(app.start());
    QTRY_COMPARE_WITH_TIMEOUT(app.engine().state(), Engine::State::Serving, 15000);
    app.window()->showPage(MainWindow::Accounts);
    QVERIFY(!app.window()->providersPage()->addDialog());
    Q_EMIT app.tray()->menu()->addProviderRequested();
    QCOMPARE(app.window()->currentPage(), MainWindow::Providers);
    QVERIFY(app.window()->isVisible());
    QVERIFY(app.window()->providersPage()->addDialog());
    QVERIFY(app.window()->providersPage()->addDialog()->isVisible());
}

QTEST_MAIN(TestTrayApp)
#include "tst_trayapp.moc"
