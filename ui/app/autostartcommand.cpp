#include "app/autostartcommand.h"

#include "platform/autostart.h"
#include "platform/portable.h"
#include "runtime.h"

#include <QCoreApplication>
#include <cstdio>
#include <cstring>
#include <optional>

using namespace Qt::StringLiterals;

namespace qp {

namespace {

// "--autostart VALUE" or "--autostart=VALUE"; nullopt without the flag, "" without a value.
std::optional<QString> requested(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--autostart") == 0)
            return i + 1 < argc ? QString::fromLocal8Bit(argv[i + 1]) : QString();
        if (std::strncmp(argv[i], "--autostart=", 12) == 0)
            return QString::fromLocal8Bit(argv[i] + 12);
    }
    return std::nullopt;
}

int fail(const QString &message)
{
    std::fprintf(stderr, "qwen-proxy-tray: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int runAutostartCommand(int argc, char *argv[])
{
    const std::optional<QString> verb = requested(argc, argv);
    if (!verb)
        return -1;
    if (*verb != u"on" && *verb != u"off" && *verb != u"status") {
        std::fputs("Usage: qwen-proxy-tray --autostart on|off|status\n", stderr);
        return 2;
    }
    QCoreApplication app(argc, argv);
    // The same names as the app, so the same config file (ui/main.cpp).
    QCoreApplication::setApplicationName(u"qwen-proxy"_s);
    QCoreApplication::setOrganizationName(u"qwen-proxy"_s);

    if (portable::enabled()) {
        if (*verb == u"status") {
            std::puts("off (portable: no start at login)");
            return 0;
        }
        return fail(u"portable mode (.portable next to the program) writes nothing outside its "
                    u"folder, so it has no start at login"_s);
    }
    auto setup = RuntimeSetup::load(RuntimeOptions{});
    if (!setup)
        return fail(setup.error().message);
    Settings &settings = setup->settings;

    if (*verb == u"status") {
        const bool stored = settings.boolean(u"start_at_login");
        const bool entry = Autostart::isEnabled();
        std::printf("%s\n", stored ? "on" : "off");
        if (entry)
            std::printf("entry: %s\n", qPrintable(Autostart::location()));
        if (stored != entry)
            std::printf("the entry is %s until qwen-proxy-tray next starts\n",
                        entry ? "still there" : "not written yet");
        return 0;
    }

    const bool on = *verb == u"on";
    if (auto e = settings.set(u"start_at_login"_s, on))
        return fail(e->message);
    if (auto e = settings.save())
        return fail(e->message);
    QString error;
    if (!Autostart::apply(on, QCoreApplication::applicationFilePath(), &error))
        return fail(error);
    std::printf("%s\n", on ? "on" : "off");
    if (on)
        std::printf("entry: %s\n", qPrintable(Autostart::location()));
    return 0;
}

} // namespace qp
