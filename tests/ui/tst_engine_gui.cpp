// The tray app's promise (docs/engine-thread.md): its GUI thread never carries a byte of a
// request. A QApplication with a window, a slot that keeps the GUI thread busy for 2 s while a
// stream runs through the engine, and the client still sees every event on time.
#include "engine.h"
#include "offthread.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace qp;
using namespace qp::test;

class TestEngineGui : public QObject
{
    Q_OBJECT
private slots:
    void busyGuiThreadDelaysNoStreamedEvent();
};

void TestEngineGui::busyGuiThreadDelaysNoStreamedEvent()
{
    QVERIFY(qobject_cast<QApplication *>(QCoreApplication::instance()));
    QTemporaryDir dir;
    UpstreamThread upstream;
    upstream.configure([](FakeUpstream &u) {
        QList<SseStep> steps;
        for (int i = 0; i < 30; ++i) // 3 s of events, 100 ms apart
            steps.append(
                {100, FakeUpstream::chunk(QJsonObject{{u"content"_s, QString::number(i)}})});
        steps.append({0, FakeUpstream::chunk(QJsonObject{}, u"stop"_s)});
        steps.append({0, "[DONE]"});
        u.replySse(steps);
    });

    Engine::Options o;
    o.runtime.dataDir = dir.filePath(u"data"_s);
    o.runtime.env = QProcessEnvironment();
    o.runtime.env.insert(u"PORT"_s, u"0"_s);
    o.runtime.env.insert(u"OPENAI_BASE_URL"_s, upstream.baseUrl());
    o.runtime.env.insert(u"OPENAI_API_KEY"_s, u"sk-test-gui"_s);
    o.runtime.env.insert(u"QP_SECRET_STORE"_s, u"file"_s);
    Engine engine(std::move(o));
    QLabel window(u"Qwen Proxy"_s);
    window.show();
    engine.start();
    QTRY_COMPARE_WITH_TIMEOUT(engine.state(), Engine::State::Serving, 15000);

    const QByteArray body =
        QJsonDocument(
            QJsonObject{{u"model"_s, u"qwen3-coder-plus"_s},
                        {u"stream"_s, true},
                        {u"messages"_s,
                         QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}}}})
            .toJson(QJsonDocument::Compact);
    StreamingClient client(engine.endpoints().port, "/v1/chat/completions", body);
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(client.eventsSoFar() >= 2, 5000);

    // A slot that hogs the GUI thread, as a heavy chart redraw or a modal probe would.
    bool busyRan = false;
    QTimer::singleShot(0, &window, [&] {
        QThread::msleep(2000);
        busyRan = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(busyRan, 5000);
    QVERIFY(client.wait(10000));
    QVERIFY(client.sawDone());
    const QList<qint64> t = client.eventTimesMs();
    QCOMPARE(t.size(), 31);
    qint64 worstGap = 0;
    for (qsizetype i = 1; i < t.size() - 1; ++i)
        worstGap = std::max(worstGap, t.at(i) - t.at(i - 1));
    // Were the relay on the GUI thread, one gap would be about 2000 ms.
    QVERIFY2(worstGap < 600, qPrintable(u"worst gap between events: %1 ms"_s.arg(worstGap)));

    bool stopped = false;
    engine.shutdown(1000, [&] { stopped = true; });
    QTRY_VERIFY_WITH_TIMEOUT(stopped, 5000);
}

QTEST_MAIN(TestEngineGui)
#include "tst_engine_gui.moc"
