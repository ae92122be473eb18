// qwen-proxy-tray: the desktop app. The same Runtime as the headless server, plus a window and a
// tray icon. Without a system tray (plain Xvfb, some desktops) the window is the app: closing it
// quits (docs/qt-notes.md, "Tray").
#include "app/autostartcommand.h"
#include "app/singleinstance.h"
#include "app/trayapp.h"
#include "common/processhardening.h"
#include "screenshots.h"

#include <QApplication>
#include <cstdio>
#include <cstring>

using namespace Qt::StringLiterals;

namespace {

// --version and --help answer before QApplication exists, so they need no display and do not
// start or raise an instance (the package check runs them in a root without a desktop).
int answerInfoFlag(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("qwen-proxy-tray %s (Qt %s)\n", QP_VERSION, qVersion());
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::printf(
                "Usage: qwen-proxy-tray [--minimized | --quit | --autostart on|off|status |\n"
                "                        --version | --help]\n\n"
                "Qwen Proxy's desktop app: the proxy server with a tray icon and a window.\n"
                "A second launch raises the running instance's window.\n"
                "  --minimized  start in the tray without opening the window\n"
                "  --quit       ask the running instance to quit\n"
                "  --autostart on|off|status\n"
                "               start at login or not (the setting of that name), or show it\n"
                "  --version    print the version\n"
                "  --help       show this help\n"
                "The headless server and the command line are qwen-proxy (qwen-proxy help).\n");
            return 0;
        }
    }
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    qp::hardenProcess(); // before any file exists (common/processhardening.h)
    if (const int rc = answerInfoFlag(argc, argv); rc >= 0)
        return rc;
    if (const int rc = qp::runAutostartCommand(argc, argv); rc >= 0)
        return rc;
    // Pictures of the UI with demo data, before anything of the engine exists (screenshots.h).
    if (const auto dir = qp::screenshots::requestedDir(argc, argv))
        return qp::screenshots::run(argc, argv, *dir);

    QApplication app(argc, argv);
    QApplication::setApplicationName(u"qwen-proxy"_s);
    QApplication::setOrganizationName(u"qwen-proxy"_s);
    QApplication::setApplicationDisplayName(u"Qwen Proxy"_s);

    // One instance per user: a second launch raises the first one's window and exits;
    // `qwen-proxy-tray --quit` asks the running one to quit (its open responses get their grace).
    const bool quitRunning = QCoreApplication::arguments().contains(u"--quit"_s);
    qp::SingleInstance instance;
    if (instance.sendToRunning(quitRunning ? u"quit"_s : u"raise"_s))
        return 0;
    if (quitRunning) {
        std::fputs("qwen-proxy-tray is not running\n", stderr);
        return 0;
    }
    instance.becomeInstance();

    // The engine runs on its own thread; this thread only draws (docs/engine-thread.md).
    qp::TrayApp trayApp(qp::Engine::Options{});
    QObject::connect(&instance, &qp::SingleInstance::commandReceived, &trayApp,
                     [&trayApp](const QString &command) {
                         if (command == u"quit")
                             trayApp.quit();
                         else
                             trayApp.showWindow();
                     });
    if (!trayApp.start())
        return 1;
    return QApplication::exec();
}
