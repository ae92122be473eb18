// The engine on its own thread (docs/engine-thread.md): it serves from a thread with an epoll
// dispatcher (no GLib), start-up never blocks the thread that made it (a slow keychain shows as
// UnlockingSecrets), secrets cross back to that thread, a busy caller thread delays no streamed
// event, and shutdown with open streams is clean (also under ASan).
#include "common/epolldispatcher.h"
#include "engine.h"
#include "offthread.h"
#include "providers/providerservice.h"
#include "secrets/memorysecretstore.h"
#include "secrets/secretstoreprobe.h"

#include <QAbstractEventDispatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace qp;
using namespace qp::test;

namespace {

QByteArray streamBody()
{
    return QJsonDocument(
               QJsonObject{{u"model"_s, u"qwen3-coder-plus"_s},
                           {u"stream"_s, true},
                           {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                  {u"content"_s, u"count"_s}}}}})
        .toJson(QJsonDocument::Compact);
}

// `n` content events `gapMs` apart, then the finish and [DONE].
QList<SseStep> slowSteps(int n, int gapMs)
{
    QList<SseStep> steps;
    for (int i = 0; i < n; ++i)
        steps.append({gapMs, FakeUpstream::chunk(QJsonObject{{u"content"_s, QString::number(i)}})});
    steps.append({0, FakeUpstream::chunk(QJsonObject{}, u"stop"_s)});
    steps.append({0, "[DONE]"});
    return steps;
}

struct EngineFixture {
    QTemporaryDir dir;
    UpstreamThread upstream;
    std::unique_ptr<Engine> engine;

    Engine::Options options(const QString &secretStore = u"file"_s) const
    {
        Engine::Options o;
        o.runtime.dataDir = dir.filePath(u"data"_s);
        o.runtime.env = QProcessEnvironment();
        o.runtime.env.insert(u"PORT"_s, u"0"_s);
        o.runtime.env.insert(u"OPENAI_BASE_URL"_s, upstream.baseUrl());
        o.runtime.env.insert(u"OPENAI_API_KEY"_s, u"sk-test-engine"_s);
        o.runtime.env.insert(u"QP_SECRET_STORE"_s, secretStore);
        return o;
    }
    bool startServing(Engine::Options o)
    {
        engine = std::make_unique<Engine>(std::move(o));
        engine->start();
        return QTest::qWaitFor([&] { return engine->state() == Engine::State::Serving; }, 15000);
    }
};

} // namespace

class TestEngine : public QObject
{
    Q_OBJECT
private slots:
    void servesFromItsOwnThreadWithoutGlib();
    void keychainOpensOnlyWhenASecretIsNeeded();
    void startUpWithSecretsShowsUnlockingAndNeverBlocks();
    void busyCallerThreadDelaysNoEvent();
    void shutdownWithOpenStreamsEndsThemAndJoins();
    void destroyedWhileStreamingIsClean();
    void portInUseFailsWithTheReason();
};

void TestEngine::servesFromItsOwnThreadWithoutGlib()
{
    EngineFixture f;
    f.upstream.configure([](FakeUpstream &u) { u.replySse(slowSteps(3, 0)); });
    QVERIFY(f.startServing(f.options()));
    QVERIFY(f.engine->engineThread());
    QVERIFY(f.engine->engineThread() != QThread::currentThread());

    struct Seen {
        QThread *thread = nullptr;
        QByteArray dispatcher;
    };
    std::optional<Seen> seen;
    f.engine->call(
        [](Runtime &) {
            return Seen{QThread::currentThread(),
                        dispatcherName(QAbstractEventDispatcher::instance())};
        },
        this, [&](Seen s) { seen = s; });
    QTRY_VERIFY(seen.has_value());
    QCOMPARE(seen->thread, f.engine->engineThread());
#if defined(Q_OS_LINUX)
    // The point of the thread: not GLib's per-socket bookkeeping (the caller keeps GLib), and
    // epoll rather than poll() over every socket (docs/engine-thread.md, "The dispatcher").
    QCOMPARE(seen->dispatcher, QByteArray("epoll"));
#endif

    StreamingClient client(f.engine->endpoints().port, "/v1/chat/completions", streamBody());
    client.start();
    QVERIFY(client.wait(10000));
    QVERIFY(client.sawDone());
    QCOMPARE(client.eventsSoFar(), 4); // three contents and the finish
}

namespace {
// Adds a provider through the engine (the tray's providers page does the same); `outcome` gets
// "ok" or the error, on the test's thread.
void addProvider(Engine &engine, QObject *context, std::optional<QString> &outcome)
{
    engine.call(
        [&outcome, context](Runtime &rt) {
            AddProviderRequest req;
            req.id = u"cp"_s;
            req.preset = u"custom"_s;
            req.baseUrl = u"http://127.0.0.1:9/v1"_s;
            req.models = {u"m1"_s};
            req.apiKey = u"sk-engine-secret"_s;
            rt.providers().add(req, [&outcome, context](Result<ProviderConfig> r) {
                const QString text = r ? u"ok"_s : r.error().message;
                QMetaObject::invokeMethod(
                    context, [&outcome, text] { outcome = text; }, Qt::QueuedConnection);
            });
            return true;
        },
        context, [](bool) {});
}
} // namespace

void TestEngine::keychainOpensOnlyWhenASecretIsNeeded()
{
    EngineFixture f;
    // A keychain that answers only when the test says so (a locked desktop keyring).
    int asked = 0;
    std::function<void(SecretStoreChoice)> answer;
    Engine::Options o = f.options(u"auto"_s);
    o.chooseSecretStore = [&](const RuntimeSetup &, std::function<void(SecretStoreChoice)> done) {
        ++asked;
        answer = std::move(done);
    };
    f.engine = std::make_unique<Engine>(std::move(o));
    f.engine->start(); // returns at once
    QCOMPARE(f.engine->state(), Engine::State::Starting);
    // No account has a secret: serving without touching the keychain (D-Bus never loaded).
    QTRY_COMPARE_WITH_TIMEOUT(f.engine->state(), Engine::State::Serving, 15000);
    QCOMPARE(asked, 0);

    // The first secret opens it; the operation waits for the answer, here on this thread.
    std::optional<QString> added;
    addProvider(*f.engine, this, added);
    QTRY_COMPARE_WITH_TIMEOUT(asked, 1, 5000);
    QVERIFY(!added.has_value());
    auto *keychain = new MemorySecretStore; // this thread's, as QtKeychain must be
    answer(SecretStoreChoice{keychain, false, {}});
    QTRY_VERIFY_WITH_TIMEOUT(added.has_value(), 10000);
    QCOMPARE(*added, u"ok"_s);
    QCOMPARE(f.engine->state(), Engine::State::Serving);
    QVERIFY(keychain->thread() == QThread::currentThread());
    QVERIFY(keychain->contents().value(u"account/cp"_s).contains("sk-engine-secret"));
    QCOMPARE(asked, 1);
}

void TestEngine::startUpWithSecretsShowsUnlockingAndNeverBlocks()
{
    EngineFixture f;
    // A first run stores a provider's key in a keychain the test keeps the contents of.
    QHash<QString, QByteArray> saved;
    {
        MemorySecretStore *first = nullptr; // the first engine's; it goes with that engine
        Engine::Options o = f.options(u"auto"_s);
        o.chooseSecretStore = [&first](const RuntimeSetup &,
                                       std::function<void(SecretStoreChoice)> done) {
            first = new MemorySecretStore;
            done(SecretStoreChoice{first, false, {}});
        };
        QVERIFY(f.startServing(std::move(o)));
        std::optional<QString> added;
        addProvider(*f.engine, this, added);
        QTRY_VERIFY_WITH_TIMEOUT(added.has_value(), 10000);
        QCOMPARE(*added, u"ok"_s);
        QVERIFY(first);
        saved = first->contents();
        QVERIFY(saved.contains(u"account/cp"_s));
        f.engine.reset();
    }
    // A second run on the same data dir, with a keychain that answers when the test says so.
    std::function<void(SecretStoreChoice)> answer;
    Engine::Options o = f.options(u"auto"_s);
    o.chooseSecretStore = [&](const RuntimeSetup &, std::function<void(SecretStoreChoice)> done) {
        answer = std::move(done);
    };
    f.engine = std::make_unique<Engine>(std::move(o));
    QSignalSpy states(f.engine.get(), &Engine::stateChanged);
    f.engine->start();
    // Loading the stored provider needs its key: the keychain is asked, and while it thinks the
    // state says so and this thread keeps running its loop.
    QTRY_COMPARE_WITH_TIMEOUT(f.engine->state(), Engine::State::UnlockingSecrets, 10000);
    QVERIFY(answer);
    QElapsedTimer loop;
    loop.start();
    bool ticked = false;
    QTimer::singleShot(0, this, [&] { ticked = true; });
    QTRY_VERIFY(ticked);
    QVERIFY(loop.elapsed() < 1000);
    auto *keychain = new MemorySecretStore;
    keychain->write(u"account/cp"_s, saved.value(u"account/cp"_s), [](std::optional<Error>) {});
    answer(SecretStoreChoice{keychain, true, u"the keychain is locked; keys are in a file"_s});
    QTRY_COMPARE_WITH_TIMEOUT(f.engine->state(), Engine::State::Serving, 15000);
    QVERIFY(
        f.engine->endpoints().warnings.contains(u"the keychain is locked; keys are in a file"_s));
    QList<Engine::State> seen;
    for (const auto &args : states)
        seen << args.first().value<Engine::State>();
    QCOMPARE(seen, (QList<Engine::State>{Engine::State::Starting, Engine::State::UnlockingSecrets,
                                         Engine::State::Starting, Engine::State::Serving}));
}

void TestEngine::busyCallerThreadDelaysNoEvent()
{
    EngineFixture f;
    // 30 events 100 ms apart: a 3 s stream.
    f.upstream.configure([](FakeUpstream &u) { u.replySse(slowSteps(30, 100)); });
    QVERIFY(f.startServing(f.options()));

    StreamingClient client(f.engine->endpoints().port, "/v1/chat/completions", streamBody());
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(client.eventsSoFar() >= 2, 5000);
    // The caller's thread (the GUI thread in the tray app) is busy for 2 s.
    QThread::msleep(2000);
    QVERIFY(client.wait(10000));
    QVERIFY(client.sawDone());
    const QList<qint64> t = client.eventTimesMs();
    QCOMPARE(t.size(), 31);
    qint64 worstGap = 0;
    for (qsizetype i = 1; i < t.size() - 1; ++i)
        worstGap = std::max(worstGap, t.at(i) - t.at(i - 1));
    // With the relay on the busy thread, one gap would be about 2000 ms.
    QVERIFY2(worstGap < 600, qPrintable(u"worst gap between events: %1 ms"_s.arg(worstGap)));
}

void TestEngine::shutdownWithOpenStreamsEndsThemAndJoins()
{
    EngineFixture f;
    f.upstream.configure([](FakeUpstream &u) { u.replySse(slowSteps(200, 50)); }); // 10 s
    QVERIFY(f.startServing(f.options()));
    std::vector<std::unique_ptr<StreamingClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<StreamingClient>(f.engine->endpoints().port,
                                                            "/v1/chat/completions", streamBody()));
        clients.back()->start();
    }
    for (auto &c : clients)
        QTRY_VERIFY_WITH_TIMEOUT(c->eventsSoFar() >= 1, 5000);

    bool done = false;
    QElapsedTimer took;
    took.start();
    f.engine->shutdown(300, [&] { done = true; });
    QCOMPARE(f.engine->state(), Engine::State::Stopping);
    QTRY_VERIFY_WITH_TIMEOUT(done, 8000);
    QCOMPARE(f.engine->state(), Engine::State::Stopped);
    QVERIFY(!f.engine->engineThread()); // joined
    // The grace was 300 ms; the streams had 10 s to go: they were ended, not waited for.
    QVERIFY2(took.elapsed() < 5000, qPrintable(QString::number(took.elapsed())));
    for (auto &c : clients) {
        QVERIFY(c->wait(5000));
        QVERIFY(!c->sawDone());
        QVERIFY(c->closedByServer());
    }
    // Calls after the stop are dropped, never run on a gone runtime.
    bool ran = false;
    f.engine->call([](Runtime &) { return 1; }, this, [&](int) { ran = true; });
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    QVERIFY(!ran);
}

void TestEngine::destroyedWhileStreamingIsClean()
{
    EngineFixture f;
    f.upstream.configure([](FakeUpstream &u) { u.replySse(slowSteps(200, 50)); });
    QVERIFY(f.startServing(f.options()));
    StreamingClient client(f.engine->endpoints().port, "/v1/chat/completions", streamBody());
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(client.eventsSoFar() >= 1, 5000);
    QThread *thread = f.engine->engineThread();
    QVERIFY(thread);
    f.engine.reset(); // no grace: the runtime goes on its thread, which is joined
    QVERIFY(client.wait(5000));
    QVERIFY(client.closedByServer());
}

void TestEngine::portInUseFailsWithTheReason()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost));
    EngineFixture f;
    Engine::Options o = f.options();
    o.runtime.env.insert(u"PORT"_s, QString::number(taken.serverPort()));
    f.engine = std::make_unique<Engine>(std::move(o));
    f.engine->start();
    QTRY_COMPARE_WITH_TIMEOUT(f.engine->state(), Engine::State::Failed, 15000);
    QVERIFY2(f.engine->errorMessage().contains(QString::number(taken.serverPort())),
             qPrintable(f.engine->errorMessage()));
    QTRY_VERIFY(!f.engine->engineThread()); // nothing keeps running after a failed start
    bool done = false;
    f.engine->shutdown(0, [&] { done = true; });
    QTRY_VERIFY(done);
}

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
