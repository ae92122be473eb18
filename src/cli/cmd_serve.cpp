// qwen-proxy serve: the headless server.
#include "cliargs.h"
#include "commands.h"
#include "engine.h"
#include "interruptwatcher.h"
#include "logging/logging.h"
#include "settings/settings.h"

#include <QCoreApplication>
#include <QTextStream>
#include <csignal>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace qp::cli {

namespace {
void printErr(const QString &s)
{
    const QByteArray b = s.toLocal8Bit() + '\n';
    std::fwrite(b.constData(), 1, size_t(b.size()), stderr);
}
} // namespace

int runServe(const QStringList &args)
{
    ParsedArgs parsed;
    if (auto err = parseArgs(args,
                             {u"host"_s, u"port"_s, u"data-dir"_s, u"log-level"_s,
                              u"upstream-url"_s, u"config"_s, u"require-key"_s},
                             {u"api-key-stdin"_s}, parsed)) {
        printErr(u"qwen-proxy serve: "_s + *err + u"\nTry 'qwen-proxy help'."_s);
        return Usage;
    }
    RuntimeOptions opts;
    opts.dataDir = parsed.values.value(u"data-dir"_s);
    opts.configFile = parsed.values.value(u"config"_s);
    for (const QString &k :
         {u"host"_s, u"port"_s, u"log-level"_s, u"upstream-url"_s, u"require-key"_s})
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
    // The same engine as the tray app: the runtime on its own thread (docs/engine-thread.md).
    Engine engine(Engine::Options{opts, {}});
    if (auto e = engine.prepare()) {
        printErr(u"qwen-proxy: "_s + e->message);
        return Failure;
    }
    const Settings &s = engine.settings();
    LogHub::instance().install(LogHub::parseLevel(s.string(u"log_level"), s.boolean(u"debug_log")),
                               engine.dataDir() + u"/logs"_s, int(s.integer(u"log_file_limit")));

    int rc = Ok;
    QObject::connect(&engine, &Engine::stateChanged, &engine, [&](Engine::State state) {
        if (state == Engine::State::Failed) {
            printErr(u"qwen-proxy: "_s + engine.errorMessage());
            rc = Failure;
            engine.shutdown(0, [] { QCoreApplication::exit(Failure); });
        } else if (state == Engine::State::Serving) {
            // One line, on stdout, that scripts and humans can both use.
            const Engine::Endpoints ep = engine.endpoints();
            std::printf("Qwen Proxy %s listening: OpenAI base URL %s  Anthropic base URL %s  "
                        "upstream: %s\n",
                        QP_VERSION, qPrintable(ep.openAIBaseUrl), qPrintable(ep.anthropicBaseUrl),
                        qPrintable(ep.upstream));
            std::fflush(stdout);
            for (const QString &w : ep.warnings)
                printErr(u"warning: "_s + w);
        }
    });
    // SIGINT/SIGTERM/SIGHUP (Ctrl-C on Windows): a graceful shutdown from the event loop.
    InterruptWatcher interrupts([&engine] {
        if (engine.state() == Engine::State::Stopping)
            return;
        qCInfo(lcServer) << "shutting down";
        engine.shutdown(int(engine.settings().integer(u"shutdown_grace_ms")),
                        [] { QCoreApplication::exit(0); });
    });
#ifdef SIGPIPE
    std::signal(SIGPIPE, SIG_IGN);
#endif
    engine.start();
    const int exitCode = QCoreApplication::exec();
    return rc == Failure ? Failure : exitCode;
}

} // namespace qp::cli
