// qwen-proxy-tray: the desktop app. The same Runtime as the headless server, plus a window and a
// tray icon. Without a system tray (plain Xvfb, some desktops) the window is the app: closing it
// quits (qt64-notes.md §6).
#include "engine.h"
#include "logging/logging.h"
#include "mainwindow.h"
#include "screenshots.h"

#include <QApplication>
#include <QIcon>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTranslator>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    // Pictures of the UI with demo data, before anything of the engine exists (screenshots.h).
    if (const auto dir = qp::screenshots::requestedDir(argc, argv))
        return qp::screenshots::run(argc, argv, *dir);

    QApplication app(argc, argv);
    QApplication::setApplicationName(u"qwen-proxy"_s);
    QApplication::setOrganizationName(u"qwen-proxy"_s);
    QApplication::setApplicationDisplayName(u"Qwen Proxy"_s);

    QTranslator translator;
    if (translator.load(QLocale(), u"qwen-proxy"_s, u"_"_s, u":/i18n"_s))
        QApplication::installTranslator(&translator);

    // The engine (server, relays, accounts) runs on its own thread; this thread only draws.
    // Start-up returns at once: the window shows "unlocking…" while the keychain is probed.
    qp::Engine engine(qp::Engine::Options{});
    if (auto e = engine.prepare()) {
        QMessageBox::critical(nullptr, u"Qwen Proxy"_s, e->message);
        return 1;
    }
    const auto &s = engine.settings();
    qp::LogHub::instance().install(
        qp::LogHub::parseLevel(s.string(u"log_level"), s.boolean(u"debug_log")),
        engine.dataDir() + u"/logs"_s, int(s.integer(u"log_file_limit")));
    engine.start();

    qp::MainWindow window(engine);
    const bool trayAvailable = QSystemTrayIcon::isSystemTrayAvailable();
    QApplication::setQuitOnLastWindowClosed(!trayAvailable);
    QSystemTrayIcon tray{app.style()->standardIcon(QStyle::SP_ComputerIcon)};
    QMenu menu;
    if (trayAvailable) {
        menu.addAction(QObject::tr("Show window"), &window, &QWidget::show);
        menu.addAction(QObject::tr("Quit"), &app, [&engine] {
            // Open responses get the configured grace, as with SIGTERM for `serve`.
            engine.shutdown(int(engine.settings().integer(u"shutdown_grace_ms")),
                            [] { QApplication::quit(); });
        });
        tray.setContextMenu(&menu);
        tray.setToolTip(u"Qwen Proxy"_s);
        QObject::connect(&engine, &qp::Engine::stateChanged, &tray, [&] {
            if (engine.state() == qp::Engine::State::Serving)
                tray.setToolTip(u"Qwen Proxy: "_s + engine.endpoints().openAIBaseUrl);
        });
        tray.show();
    }
    window.show();
    return QApplication::exec();
}
