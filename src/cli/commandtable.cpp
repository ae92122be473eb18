#include "commandtable.h"

#include "commands.h"

#include <array>
#include <cstdio>

namespace qp::cli {

namespace {

int runVersion(const QStringList &)
{
    std::printf("qwen-proxy %s (Qt %s)\n", QP_VERSION, qVersion());
    return 0;
}

int runHelp(const QStringList &)
{
    printHelp();
    return 0;
}

// Order is the order of `qwen-proxy help`: what people run most first.
const std::array kCommands{
    Command{"serve", nullptr, "Run the proxy server in the foreground (headless)", runServe},
    Command{"auth", nullptr, "Log Qwen accounts in, list, disable or remove them", runAuth},
    Command{"provider", "providers", "Add, list, test or remove API-key providers", runProvider},
    Command{"keys", nullptr, "Client keys for callers from other machines: create, list, revoke",
            runKeys},
    Command{"usage", "tokens", "Requests, errors, tokens and quota windows per account", runUsage},
    Command{"connect", nullptr, "Point Claude Code, Codex and other clients at this proxy",
            runConnect},
    Command{"purge", nullptr, "Delete all accounts, secrets, usage history and settings", runPurge},
    Command{"version", "--version", "Print the version", runVersion},
    Command{"help", "--help", "Show this help", runHelp},
};

} // namespace

std::span<const Command> commands()
{
    return kCommands;
}

const Command *findCommand(const QString &name)
{
    for (const Command &c : kCommands) {
        if (name == QLatin1StringView(c.name) || (c.alias && name == QLatin1StringView(c.alias)))
            return &c;
    }
    if (name == QLatin1StringView("-h"))
        return findCommand(QStringLiteral("help"));
    return nullptr;
}

} // namespace qp::cli
