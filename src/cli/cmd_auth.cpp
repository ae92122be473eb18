// qwen-proxy auth ...: account management (device login with QR, list, remove, default, counts,
// import). This file parses the command line and builds the Runtime; the verbs live in auth_*.cpp.
#include "accounts/account.h"
#include "auth/sharedfilesource.h"
#include "authcommands.h"
#include "cliargs.h"
#include "cliruntime.h"
#include "commands.h"
#include "console.h"
#include "logging/logging.h"
#include "pool/quotaplan.h"
#include "runtime.h"

using namespace Qt::StringLiterals;

namespace qp::cli {

namespace {

struct Verb {
    QString name;
    int positional;           // exact number of positional arguments
    QSet<QString> valueFlags; // besides --data-dir and --config
    QSet<QString> switches;
    QString usage;
};

const QList<Verb> &verbs()
{
    static const QList<Verb> v{
        {QString(),
         0,
         {},
         {u"no-qr"_s, u"no-browser"_s, u"light-terminal"_s},
         u"qwen-proxy auth [--no-qr] [--no-browser] [--light-terminal]"_s},
        {u"add"_s,
         1,
         {u"label"_s},
         {u"no-qr"_s, u"no-browser"_s, u"light-terminal"_s, u"replace"_s, u"default"_s},
         u"qwen-proxy auth add <id> [--label TEXT] [--default] [--replace] [--no-qr] "
         u"[--no-browser] [--light-terminal]"_s},
        {u"list"_s, 0, {}, {}, u"qwen-proxy auth list"_s},
        {u"remove"_s, 1, {}, {}, u"qwen-proxy auth remove <id>"_s},
        {u"default"_s, 1, {}, {}, u"qwen-proxy auth default <id>"_s},
        {u"disable"_s, 1, {u"reason"_s}, {}, u"qwen-proxy auth disable <id> [--reason TEXT]"_s},
        {u"enable"_s, 1, {}, {}, u"qwen-proxy auth enable <id>"_s},
        {u"counts"_s, 0, {}, {}, u"qwen-proxy auth counts"_s},
        {u"plan"_s,
         2,
         {u"concurrency"_s, u"rpm"_s},
         {},
         u"qwen-proxy auth plan <id> <preset|spec|none> [--concurrency N] [--rpm N]"_s},
        {u"import"_s,
         0,
         {u"from"_s},
         {u"replace"_s},
         u"qwen-proxy auth import [--from DIR] [--replace]"_s},
    };
    return v;
}

int usageError(const QString &message, const QString &usage)
{
    console::err(u"qwen-proxy auth: "_s + message);
    if (!usage.isEmpty())
        console::err(u"Usage: "_s + usage);
    console::err(u"Try 'qwen-proxy help'."_s);
    return Usage;
}

// A value the command line got wrong: one line that names it, nothing else to read.
int badValue(const QString &message)
{
    console::err(u"qwen-proxy auth: "_s + message);
    return Usage;
}

// Tests (and impatient developers against a local fake) shorten the 2 s device-flow poll.
// Deliberately undocumented in `help`: the real server asks for 2 s and answers slow_down below.

} // namespace

int runAuth(const QStringList &argsIn)
{
    QStringList args = argsIn;
    // `qwen-proxy auth` and `qwen-proxy auth --no-qr` have no verb; "login" reads as "add".
    QString verbName;
    if (!args.isEmpty() && !args.first().startsWith(u"--"))
        verbName = args.takeFirst();
    if (verbName == u"login")
        verbName = u"add"_s;
    const auto it = std::find_if(verbs().begin(), verbs().end(),
                                 [&](const Verb &v) { return v.name == verbName; });
    if (it == verbs().end())
        return usageError(u"unknown verb '%1'"_s.arg(verbName),
                          u"qwen-proxy auth [add <id> | list | remove <id> | default <id> | "
                          u"disable <id> | enable <id> | counts | plan <id> <plan> | import]"_s);
    const Verb &verb = *it;

    ParsedArgs parsed;
    QSet<QString> valueFlags = verb.valueFlags;
    valueFlags.unite({u"data-dir"_s, u"config"_s});
    if (auto err = parseArgs(args, valueFlags, verb.switches, parsed))
        return usageError(*err, verb.usage);
    if (parsed.positional.size() < verb.positional)
        return usageError(parsed.positional.isEmpty() ? u"missing account id"_s
                                                      : u"missing quota plan"_s,
                          verb.usage);
    if (parsed.positional.size() > verb.positional)
        return usageError(u"unexpected argument '%1'"_s.arg(parsed.positional.at(verb.positional)),
                          verb.usage);
    const QString id = parsed.positional.value(0);
    if (verb.positional >= 1 && !Account::isValidId(id))
        return usageError(
            u"invalid account id '%1': use 1-64 letters, digits, '.', '_' or '-'"_s.arg(id),
            verb.usage);

    // A bad plan or cap is the command line's fault: said before anything is opened.
    PlanOptions plan;
    if (verb.name == u"plan") {
        plan.accountId = id;
        plan.plan = parsed.positional.at(1);
        if (auto parsedPlan = QuotaPlan::fromSpec(
                plan.plan.trimmed().compare(u"none"_s, Qt::CaseInsensitive) == 0 ? QString()
                                                                                 : plan.plan);
            !parsedPlan)
            return badValue(parsedPlan.error().message);
        for (const auto &[flag, into] : {std::pair{u"concurrency"_s, &plan.maxConcurrent},
                                         std::pair{u"rpm"_s, &plan.maxPerMinute}}) {
            if (!parsed.values.contains(flag))
                continue;
            int v = 0;
            if (auto e = parseIntFlag(flag, parsed.values.value(flag), 0, 1'000'000, &v))
                return badValue(*e);
            *into = v;
        }
    }

    // Until the settings say otherwise: warnings only (opening the store logs at info level).
    LogHub::instance().install(LogHub::Level::Warn);
    std::unique_ptr<Runtime> rt = openRuntime(parsed);
    if (!rt)
        return Failure;
    LogHub::Level level = LogHub::parseLevel(rt->settings().string(u"log_level"),
                                             rt->settings().boolean(u"debug_log"));
    // At the default level even the library's warnings would only repeat the CLI's own error
    // line ("login failed: ..."); an explicit LOG_LEVEL=warn or debug still shows them.
    if (level == LogHub::Level::Info)
        level = LogHub::Level::Error;
    if (level == LogHub::Level::Debug) // debug also writes the rotating files, as serve does
        LogHub::instance().install(level, rt->dataDir() + u"/logs"_s,
                                   int(rt->settings().integer(u"log_file_limit")));
    else
        LogHub::instance().setConsoleLevel(level);
    for (const QString &w : rt->warnings())
        console::err(u"warning: "_s + w);

    LoginUi ui;
    ui.showQr = !parsed.switches.contains(u"no-qr"_s);
    ui.openBrowser = !parsed.switches.contains(u"no-browser"_s);
    ui.lightTerminal = parsed.switches.contains(u"light-terminal"_s);

    if (verb.name.isEmpty())
        return authDefaultLogin(*rt, ui);
    if (verb.name == u"add") {
        AddAccountOptions add;
        add.accountId = id;
        add.label = parsed.values.value(u"label"_s);
        add.replaceExisting = parsed.switches.contains(u"replace"_s);
        add.makeDefault = parsed.switches.contains(u"default"_s);
        return authAdd(*rt, add, ui);
    }
    if (verb.name == u"list")
        return authList(*rt);
    if (verb.name == u"remove")
        return authRemove(*rt, id);
    if (verb.name == u"default")
        return authSetDefault(*rt, id);
    if (verb.name == u"counts")
        return authCounts(*rt);
    if (verb.name == u"plan")
        return authPlan(*rt, plan);
    if (verb.name == u"disable" || verb.name == u"enable")
        return authSetEnabled(*rt, id, verb.name == u"enable", parsed.values.value(u"reason"_s));
    // import
    const QString from = parsed.values.value(u"from"_s);
    return authImport(*rt,
                      from.isEmpty()
                          ? SharedFileSource::defaultQwenHome(rt->settings().string(u"qwen_home"))
                          : from,
                      parsed.switches.contains(u"replace"_s));
}

} // namespace qp::cli
