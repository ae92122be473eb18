// qwen-proxy-tray: the desktop app. The same Runtime as the headless server, plus a window and a
// tray icon. Without a system tray (plain Xvfb, some desktops) the window is the app: closing it
// quits (qt64-notes.md §6).
#include "logging/logging.h"
#include "mainwindow.h"
#include "runtime.h"
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

    auto created = qp::Runtime::create(qp::RuntimeOptions{});
    if (!created) {
        QMessageBox::critical(nullptr, u"Qwen Proxy"_s, created.error().message);
        return 1;
    }
    std::unique_ptr<qp::Runtime> rt = std::move(created.value());
    const auto &s = rt->settings();
    qp::LogHub::instance().install(
        qp::LogHub::parseLevel(s.string(u"log_level"), s.boolean(u"debug_log")),
        rt->dataDir() + u"/logs"_s, int(s.integer(u"log_file_limit")));
    if (auto e = rt->start()) {
        QMessageBox::critical(nullptr, u"Qwen Proxy"_s, e->message);
        return 1;
    }

    qp::MainWindow window(*rt);
    const bool trayAvailable = QSystemTrayIcon::isSystemTrayAvailable();
    QApplication::setQuitOnLastWindowClosed(!trayAvailable);
    QSystemTrayIcon tray{app.style()->standardIcon(QStyle::SP_ComputerIcon)};
    QMenu menu;
    if (trayAvailable) {
        menu.addAction(QObject::tr("Show window"), &window, &QWidget::show);
        menu.addAction(QObject::tr("Quit"), &app, &QApplication::quit);
        tray.setContextMenu(&menu);
        tray.setToolTip(u"Qwen Proxy: "_s + rt->openAIBaseUrl());
        tray.show();
    }
    window.show();
    const int rc = QApplication::exec();
    rt.reset();
    return rc;
}
