#include "engine.h"

#include "logging/logging.h"
#include "secrets/deferredsecretstore.h"
#include "secrets/filesecretstore.h"
#include "secrets/keychainsecretstore.h"
#include "secrets/secretstoreprobe.h"

#include <QDir>

using namespace Qt::StringLiterals;

namespace qp {

Engine::Engine(Options options, QObject *parent) : QObject(parent), m_options(std::move(options)) {}

Engine::~Engine()
{
    if (!m_thread)
        return;
    // No grace here (shutdown() is the graceful path): the runtime goes on its own thread, then
    // the thread is joined, so nothing of it outlives this object.
    disconnect(m_thread.get(), nullptr, this, nullptr);
    if (m_anchor) {
        QMetaObject::invokeMethod(
            m_anchor, [this] { teardownRuntime(); }, Qt::QueuedConnection);
        m_anchor = nullptr;
    }
    m_thread->wait(); // the teardown quits the loop
    m_thread.reset();
    m_anchorObject.reset();
}

std::optional<Error> Engine::prepare()
{
    auto setup = RuntimeSetup::load(m_options.runtime);
    if (!setup)
        return setup.error();
    m_setup = std::move(setup.value());
    m_prepared = true;
    return std::nullopt;
}

void Engine::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

void Engine::fail(const QString &message)
{
    m_error = message;
    setState(State::Failed);
    if (!m_thread)
        return;
    // A failed start leaves nothing running: the thread ends; the state stays Failed.
    QMetaObject::invokeMethod(
        m_anchor, [this] { teardownRuntime(); }, Qt::QueuedConnection);
    m_anchor = nullptr;
}

void Engine::start()
{
    if (m_state != State::Idle)
        return;
    if (!m_prepared) {
        if (auto e = prepare()) {
            fail(e->message);
            return;
        }
    }
    // "memory" and "file" stores need no GLib: the runtime makes them on its own thread.
    const QString mode = m_setup.settings.string(u"secret_store");
    if (mode == u"memory" || mode == u"file") {
        startThread();
        return;
    }
    SecretStoreChooser choose = m_options.chooseSecretStore;
    if (!choose) {
        choose = [](const RuntimeSetup &setup, std::function<void(SecretStoreChoice)> done) {
            SecretStoreProbe::chooseDefault(
                KeychainSecretStore::defaultService(),
                QDir(setup.dataDir).filePath(FileSecretStore::defaultFileName()), false,
                std::move(done));
        };
    }
    // The keychain is opened when a secret is first needed (deferredsecretstore.h): with no
    // account yet, or only an environment key, D-Bus is never touched.
    auto *secrets = new DeferredSecretStore(
        [choose, setup = m_setup](std::function<void(SecretStoreChoice)> done) {
            choose(setup, std::move(done));
        },
        QDir(m_setup.dataDir).filePath(FileSecretStore::defaultFileName()), this);
    connect(secrets, &DeferredSecretStore::choosing, this, [this] {
        if (m_state == State::Starting)
            setState(State::UnlockingSecrets);
    });
    connect(secrets, &DeferredSecretStore::chosen, this, [this](const QString &warning) {
        if (m_state == State::UnlockingSecrets)
            setState(State::Starting);
        if (!warning.isEmpty()) {
            m_endpoints.warnings.append(warning);
            post([warning](Runtime &rt) { rt.addWarning(warning); });
        }
    });
    m_secrets = secrets;
    startThread();
}

void Engine::startThread()
{
    setState(State::Starting);
    // The engine thread runs our epoll dispatcher (WorkerThread, docs/engine-thread.md). Where it
    // keeps Qt's (other platforms, QP_EVENT_DISPATCHER=qt), that should be the UNIX one, not
    // GLib's; the GUI thread keeps GLib for the keychain and the platform. Qt reads this when each
    // thread makes its dispatcher; every Qt worker thread of this process is fine without GLib.
    qputenv("QT_NO_THREADED_GLIB", "1");
    m_thread = std::make_unique<WorkerThread>(u"qp-engine"_s);
    connect(m_thread.get(), &WorkerThread::finished, this, [this] {
        m_anchorObject.reset();            // its thread is gone: deleting it here is safe
        m_thread.release()->deleteLater(); // this runs inside its signal
        if (m_state != State::Failed)
            setState(State::Stopped);
        if (auto done = std::exchange(m_onStopped, {}))
            done();
    });
    m_anchorObject = std::make_unique<QObject>();
    m_anchorObject->moveToThread(m_thread->start());
    m_anchor = m_anchorObject.get();
    QMetaObject::invokeMethod(
        m_anchor, [this] { buildRuntime(); }, Qt::QueuedConnection);
}

void Engine::buildRuntime()
{
    RuntimeOptions options = m_options.runtime;
    options.secretStore = m_secrets;
    options.waitForAccounts = false;
    auto failHere = [this](const QString &message) {
        QMetaObject::invokeMethod(
            this,
            [this, message] {
                if (m_state == State::Starting)
                    fail(message);
            },
            Qt::QueuedConnection);
    };
    auto created = Runtime::create(options, m_setup);
    if (!created) {
        failHere(created.error().message);
        return;
    }
    m_runtime = std::move(created.value());
    // Listen once the first account list is in place, so no request finds an empty pool.
    m_runtime->reloadAccounts([this, failHere] {
        if (auto e = m_runtime->start()) {
            failHere(e->message);
            return;
        }
        Endpoints ep;
        ep.port = m_runtime->port();
        ep.openAIBaseUrl = m_runtime->openAIBaseUrl();
        ep.anthropicBaseUrl = m_runtime->anthropicBaseUrl();
        ep.upstream = m_runtime->upstreamDescription();
        ep.warnings = m_runtime->warnings();
        QMetaObject::invokeMethod(
            this,
            [this, ep] {
                if (m_state != State::Starting)
                    return;
                m_endpoints = ep;
                setState(State::Serving);
            },
            Qt::QueuedConnection);
    });
}

void Engine::teardownRuntime()
{
    m_runtime.reset();
    QThread::currentThread()->quit();
}

void Engine::shutdown(int graceMs, std::function<void()> done)
{
    if (m_state == State::Stopping) {
        // Already on its way: the newest `done` is called (the first caller's is replaced only
        // if it had none).
        if (done && !m_onStopped)
            m_onStopped = std::move(done);
        return;
    }
    if (!m_thread) { // never started, failed before the thread, or already stopped
        if (done)
            QMetaObject::invokeMethod(this, std::move(done), Qt::QueuedConnection);
        return;
    }
    m_onStopped = std::move(done);
    if (m_state != State::Failed)
        setState(State::Stopping);
    if (!m_anchor) // failed: teardown already queued
        return;
    QMetaObject::invokeMethod(
        m_anchor,
        [this, graceMs] {
            if (!m_runtime) {
                teardownRuntime();
                return;
            }
            // Later, not inside the callback: it may run from a signal of the server that the
            // teardown deletes.
            m_runtime->shutdown(graceMs, [this] {
                QMetaObject::invokeMethod(
                    m_anchorObject.get(), [this] { teardownRuntime(); }, Qt::QueuedConnection);
            });
        },
        Qt::QueuedConnection);
    m_anchor = nullptr;
}

void Engine::postToRuntime(std::function<void(Runtime &)> work)
{
    if (!m_anchor)
        return;
    QMetaObject::invokeMethod(
        m_anchor,
        [this, work = std::move(work)] {
            if (m_runtime)
                work(*m_runtime);
        },
        Qt::QueuedConnection);
}

} // namespace qp
