#pragma once
// The tray app's GUI-side composition: the engine (on its own thread), the tray icon with its
// menu and notifications, the main window and the login window, wired together. It only wires:
// what to show is decided by TrayStatus/Notifier, what to do by the core's services, reached on
// the engine thread through Engine::call (docs/engine-thread.md, docs/tray.md).

#include "engine.h"
#include "login/loginwindow.h"

#include <QObject>
#include <QPointer>
#include <memory>

class QTimer;
class QTranslator;

namespace qp {

class MainWindow;
class TrayController;

class TrayApp : public QObject
{
    Q_OBJECT
public:
    explicit TrayApp(Engine::Options options, QObject *parent = nullptr);
    ~TrayApp() override;

    // Settings, logging, then the engine's asynchronous start. False (and a message box) only
    // when the settings cannot be read: everything later shows in the window and the tray.
    bool start();

    Engine &engine() { return m_engine; }
    MainWindow *window() const { return m_window.get(); }
    TrayController *tray() const { return m_tray.get(); }
    LoginWindow *loginWindow() const { return m_login; }

    // How often the tray re-reads the pool while serving (a pool event re-reads at once).
    static constexpr int kRefreshMs = 2000;

public slots:
    void refresh();
    void showWindow();
    void addProvider();
    void startLogin(const QString &accountId = {});
    void quit();

private:
    void onEngineState(Engine::State state);
    void connectPoolEvents();
    void setPaused(bool paused);

    Engine m_engine;
    std::unique_ptr<TrayController> m_tray;
    std::unique_ptr<MainWindow> m_window;
    QPointer<LoginWindow> m_login;
    std::unique_ptr<QTranslator> m_translator;
    QTimer *m_refresh = nullptr;
    bool m_paused = false;
    bool m_refreshing = false;
};

} // namespace qp
