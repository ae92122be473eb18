// qwen-proxy serve: the headless server.
#include "cliargs.h"
#include "commands.h"
#include "logging/logging.h"
#include "runtime.h"
#include "settings/settings.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace qp::cli {

namespace {
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_signalPipe[1], &c, 1);
}

void printErr(const QString &s)
{
    const QByteArray b = s.toLocal8Bit() + '\n';
    std::fwrite(b.constData(), 1, size_t(b.size()), stderr);
}
} // namespace

int runServe(const QStringList &args)
{
    ParsedArgs parsed;
    if (auto err = parseArgs(
            args,
            {u"host"_s, u"port"_s, u"data-dir"_s, u"log-level"_s, u"upstream-url"_s, u"config"_s},
            {u"api-key-stdin"_s}, parsed)) {
        printErr(u"qwen-proxy serve: "_s + *err + u"\nTry 'qwen-proxy help'."_s);
        return Usage;
    }
    RuntimeOptions opts;
    opts.dataDir = parsed.values.value(u"data-dir"_s);
    opts.configFile = parsed.values.value(u"config"_s);
    for (const QString &k : {u"host"_s, u"port"_s, u"log-level"_s, u"upstream-url"_s})
        if (parsed.values.contains(k))
            opts.cli.insert(k, parsed.values.value(k));
    if (parsed.switches.contains(u"api-key-stdin"_s)) {
        // Keys never come from argv (visible in ps): read one line from standard input.
        QTextStream in(stdin);
        const QString key = in.readLine().trimmed();
        opts.env.insert(u"OPENAI_API_KEY"_s, key);
    }

    // Log early, at the level asked for, so start-up messages obey LOG_LEVEL too.
    LogHub::instance().install(LogHub::parseLevel(
        opts.cli.value(u"log-level"_s, opts.env.value(u"LOG_LEVEL"_s, u"info"_s)),
        Settings::parse(*Settings::spec(u"debug_log"), opts.env.value(u"DEBUG_LOG"_s))
            .value_or(false)
            .toBool()));
    auto created = Runtime::create(opts);
    if (!created) {
        printErr(u"qwen-proxy: "_s + created.error().message);
        return Failure;
    }
    std::unique_ptr<Runtime> rt = std::move(created.value());
    const Settings &s = rt->settings();
    LogHub::instance().install(LogHub::parseLevel(s.string(u"log_level"), s.boolean(u"debug_log")),
                               rt->dataDir() + u"/logs"_s, int(s.integer(u"log_file_limit")));
    if (auto e = rt->start()) {
        printErr(u"qwen-proxy: "_s + e->message);
        return Failure;
    }

    // SIGINT/SIGTERM: a self-pipe turns the signal into an event-loop event (no work in the
    // handler itself), then a graceful shutdown.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, rt.get());
        QObject::connect(notifier, &QSocketNotifier::activated, rt.get(), [&rt, notifier] {
            char c;
            [[maybe_unused]] auto n = ::read(g_signalPipe[0], &c, 1);
            notifier->setEnabled(false);
            qCInfo(lcServer) << "shutting down";
            rt->shutdown(int(rt->settings().integer(u"shutdown_grace_ms")),
                         [] { QCoreApplication::exit(0); });
        });
        struct sigaction sa {
        };
        sa.sa_handler = onSignal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
    }
    std::signal(SIGPIPE, SIG_IGN);

    // One line, on stdout, that scripts and humans can both use.
    std::printf(
        "Qwen Proxy %s listening: OpenAI base URL %s  Anthropic base URL %s  upstream: %s\n",
        QP_VERSION, qPrintable(rt->openAIBaseUrl()), qPrintable(rt->anthropicBaseUrl()),
        qPrintable(rt->upstreamDescription()));
    std::fflush(stdout);
    for (const QString &w : rt->warnings())
        printErr(u"warning: "_s + w);
    const int rc = QCoreApplication::exec();
    rt.reset();
    return rc;
}

} // namespace qp::cli
