// qwen-proxy-tray: the desktop app. The same Runtime as the headless server, plus a window and a
// tray icon. Without a system tray (plain Xvfb, some desktops) the window is the app: closing it
// quits (qt64-notes.md §6).
#include "app/trayapp.h"
#include "screenshots.h"

#include <QApplication>
#include <QLocale>
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

    // The engine runs on its own thread; this thread only draws (docs/engine-thread.md).
    qp::TrayApp trayApp(qp::Engine::Options{});
    if (!trayApp.start())
        return 1;
    return QApplication::exec();
}
