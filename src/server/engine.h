#pragma once
// The engine: the whole Runtime (listener, relays, upstream client, token manager, pool, stores) on
// a worker thread of its own, driven from the thread that made the Engine (the GUI thread in the
// tray app, the main thread of `qwen-proxy serve`: both programs run this same code).
//
// Why (docs/engine-thread.md): the GUI thread draws charts and dialogs and runs GLib's event
// dispatcher, whose per-socket bookkeeping grows with every open stream; nothing there may delay a
// streamed token. The engine thread runs Qt's plain UNIX dispatcher. The OS keychain is the one
// service that needs GLib, so the secret store stays on this thread and the runtime reaches it
// through a CrossThreadSecretStore.
//
// Start-up never blocks this thread: start() returns at once and reports through stateChanged()
// (UnlockingSecrets while the keychain is probed, which can take seconds on a locked desktop; it
// is probed only once a secret is needed).

#include "common/workerthread.h"
#include "runtime.h"

#include <QObject>
#include <QPointer>
#include <QThread>
#include <functional>
#include <memory>
#include <type_traits>

namespace qp {

struct SecretStoreChoice;

class Engine : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, UnlockingSecrets, Starting, Serving, Failed, Stopping, Stopped };
    Q_ENUM(State)

    // Chooses the secret store on this thread and answers once (the keychain probe by default).
    using SecretStoreChooser =
        std::function<void(const RuntimeSetup &setup, std::function<void(SecretStoreChoice)>)>;

    struct Options {
        RuntimeOptions runtime;
        SecretStoreChooser chooseSecretStore; // empty: SecretStoreProbe::chooseDefault
    };

    // What clients need to know once serving; read on this thread, no call needed.
    struct Endpoints {
        quint16 port = 0;
        QString openAIBaseUrl;
        QString anthropicBaseUrl;
        QString upstream;
        QStringList warnings;
    };

    explicit Engine(Options options, QObject *parent = nullptr);
    // Stops a running engine without a grace period and joins its thread.
    ~Engine() override;

    // Loads the settings and resolves the data dir, here and synchronously (a file read), so the
    // caller can set up logging before anything else happens. start() calls it when not done.
    std::optional<Error> prepare();
    const Settings &settings() const { return m_setup.settings; }
    QString dataDir() const { return m_setup.dataDir; }

    // Start the thread, build the runtime there, load accounts (unlocking the keychain if they
    // have secrets), then listen.
    // Reports Serving or Failed (errorMessage()) through stateChanged().
    void start();
    // Stops accepting, lets open responses finish for up to `graceMs`, deletes the runtime on its
    // thread, joins it, then calls `done` here (state Stopped).
    void shutdown(int graceMs, std::function<void()> done = {});

    State state() const { return m_state; }
    QString errorMessage() const { return m_error; }
    Endpoints endpoints() const { return m_endpoints; }
    QThread *engineThread() const { return m_thread ? m_thread->thread() : nullptr; }

    // Runs `work(Runtime &)` on the engine thread and hands its result to `done` on this thread,
    // unless `context` (an object of this thread) is gone by then. Dropped when not serving.
    template <typename Work, typename Done> void call(Work work, QObject *context, Done done)
    {
        using R = std::invoke_result_t<Work, Runtime &>;
        postToRuntime([this, work = std::move(work), ctx = QPointer<QObject>(context),
                       done = std::move(done)](Runtime &rt) mutable {
            if constexpr (std::is_void_v<R>) {
                work(rt);
                QMetaObject::invokeMethod(
                    this,
                    [ctx, done = std::move(done)]() mutable {
                        if (ctx)
                            done();
                    },
                    Qt::QueuedConnection);
            } else {
                R result = work(rt);
                QMetaObject::invokeMethod(
                    this,
                    [ctx, done = std::move(done), result = std::move(result)]() mutable {
                        if (ctx)
                            done(std::move(result));
                    },
                    Qt::QueuedConnection);
            }
        });
    }
    // Fire and forget: `work` runs on the engine thread.
    void post(std::function<void(Runtime &)> work) { postToRuntime(std::move(work)); }

Q_SIGNALS:
    void stateChanged(qp::Engine::State state);

private:
    void setState(State s);
    void fail(const QString &message);
    void startThread();
    void postToRuntime(std::function<void(Runtime &)> work);
    // On the engine thread.
    void buildRuntime();
    void teardownRuntime();

    Options m_options;
    RuntimeSetup m_setup;
    bool m_prepared = false;
    State m_state = State::Idle;
    QString m_error;
    Endpoints m_endpoints;
    SecretStore *m_secrets = nullptr; // this thread's; deleted after the engine thread is joined
    // Joined completely, thread-local destructors included (workerthread.h: OpenSSL's per-thread
    // state must be gone before the process's exit-time cleanup).
    std::unique_ptr<WorkerThread> m_thread;
    // Lives on the engine thread as the target of queued work; deleted here after the join.
    std::unique_ptr<QObject> m_anchorObject;
    QObject *m_anchor = nullptr; // the same while work may still be queued; null once it may not
    std::unique_ptr<Runtime> m_runtime; // touched only on the engine thread
    std::function<void()> m_onStopped;
};

} // namespace qp
