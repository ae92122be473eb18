// qwen-proxy: the CLI and headless server. Never links Qt Widgets (checked in CI with ldd).
#include "cliargs.h"
#include "commands.h"
#include "commandtable.h"
#include "common/processhardening.h"

#include <QCoreApplication>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace qp::cli {

void printHelp()
{
    std::printf("Qwen Proxy %s: OpenAI- and Anthropic-compatible local proxy for Qwen models\n\n",
                QP_VERSION);
    // One command per line, name first: tests/packaging/check-commands.sh reads this block.
    std::printf("Commands:\n");
    for (const Command &c : commands())
        std::printf("  %-10s %s\n", c.name, c.summary);
    std::printf(
        "\nUsage:\n"
        "  qwen-proxy serve [--host H] [--port P] [--data-dir D] [--log-level L]\n"
        "                   [--upstream-url URL] [--api-key-stdin] [--config FILE]\n"
        "                   [--require-key auto|always]\n"
        "  qwen-proxy auth [--no-qr] [--no-browser] [--light-terminal]\n"
        "  qwen-proxy auth add <id> [--label TEXT] [--default] [--replace]\n"
        "                  [--no-qr] [--no-browser] [--light-terminal]\n"
        "  qwen-proxy auth list | counts | remove <id> | default <id>\n"
        "  qwen-proxy auth disable <id> [--reason TEXT] | enable <id>\n"
        "  qwen-proxy auth import [--from DIR] [--replace]\n"
        "  qwen-proxy auth plan <id> <preset|spec|none> [--concurrency N] [--rpm N]\n"
        "  qwen-proxy provider add <id> --preset P [--base-url U] [--model M ...]\n"
        "                      [--proxy URL] [--header 'Name: value' | --header Name]\n"
        "                      [--plan SPEC]\n"
        "  qwen-proxy provider list | presets | remove <id> | models <id>\n"
        "  qwen-proxy provider test <id> [--model M]\n"
        "  qwen-proxy keys create [--name N] [--scopes S] [--rpm N] [--json] | list | set <id>\n"
        "      | revoke <id> | usage [--days N]\n"
        "  qwen-proxy usage [--days N] [--account ID] [--by-model] [--json]   (alias: tokens)\n"
        "  qwen-proxy connect [<client>] [--dry-run] [--restore]\n"
        "  qwen-proxy purge --yes\n"
        "  qwen-proxy version\n"
        "  qwen-proxy help\n\n"
        "serve listens on 127.0.0.1:8765 by default (HOST and PORT are honoured; flags win).\n"
        "With OPENAI_BASE_URL and OPENAI_API_KEY set, requests go to that OpenAI-compatible\n"
        "upstream instead of Qwen OAuth. --api-key-stdin reads the key from standard input.\n"
        "Log levels: off, error, warn, info, debug.\n\n"
        "auth add logs a Qwen account in with the device flow (URL, code, QR code, browser)\n"
        "and stores it under <id>; Ctrl-C cancels and stores nothing. auth with no verb\n"
        "refreshes the default account, or logs it in again when that is needed. list shows\n"
        "state, token expiry, today's requests and quota window use (* marks the default);\n"
        "counts shows the requests per account today and when they reset (midnight UTC).\n"
        "import copies ~/.qwen/oauth_creds.json and oauth_creds_<id>.json (QWEN_HOME or\n"
        "--from DIR).\n"
        "--light-terminal draws the QR code for dark text on a light background.\n"
        "plan sets an account's quota windows: a preset (coding-plan-lite, coding-plan-pro,\n"
        "token-plan, none) or a spec like 5h:1200,week:9000,month:18000 (5h:tokens=5m for\n"
        "tokens), and optionally its concurrent-request and per-minute caps (0 = no cap); a\n"
        "running server applies it within seconds.\n\n"
        "provider add stores an API-key provider (Coding Plan, Token Plan, Model Studio,\n"
        "ModelScope, OpenRouter, Ollama, LM Studio, vLLM, llama.cpp, any OpenAI- or\n"
        "Anthropic-compatible server; 'provider presets' lists them). The key is read from\n"
        "standard input, or asked for without echo on a terminal; never give it as an\n"
        "argument; --header Name reads that header's value the same way, after the key.\n"
        "--proxy sends its traffic through an http:// (CONNECT) or socks5:// proxy\n"
        "('direct' for none; default: the system's). test sends one tiny request and shows\n"
        "the answer or the upstream's error; models lists what the upstream serves.\n"
        "ROUTES maps client models to providers with fallback (docs/providers.md).\n\n"
        "usage shows requests, errors and tokens per account and UTC day for the last N days\n"
        "(default 7), totals, lifetime, and each quota window: used, left and when it resets.\n"
        "--json prints the same as one JSON document.\n\n"
        "keys manages client keys, what callers from beyond this machine present as their\n"
        "API key (callers on this machine need none). create shows the key once and keeps\n"
        "only its digest; --scopes inference,read,admin (default inference), --model GLOB\n"
        "limits the models, --rpm --tpm --concurrency --daily-requests --daily-tokens limit\n"
        "use (0 = none), --expires-days N; --print-only makes a key for QWEN_PROXY_API_KEYS\n"
        "without storing it. A running server applies changes within seconds.\n"
        "serve refuses to listen beyond loopback (--host 0.0.0.0) while no key exists.\n\n"
        "connect shows the settings that point Claude Code, Codex, Qwen Code, opencode and\n"
        "the OpenAI/Anthropic SDKs at this proxy; with a client (claude-code, codex,\n"
        "qwen-code, opencode, openai-sdk, anthropic-sdk) it writes them into that client's\n"
        "config file after a timestamped backup next to it (--dry-run: only show; --restore:\n"
        "put the newest backup back). docs/clients.md has the details.\n"
        "purge --yes deletes every stored account's and provider's secrets (keychain\n"
        "included), the data and config directories and the start-at-login entry: what\n"
        "an uninstall leaves behind when you want nothing left.\n"
        "Every auth verb, keys, usage and connect accept --data-dir D and --config FILE like\n"
        "serve.\n"
        "Exit codes: 0 success, 1 failure, 2 usage error.\n");
}

} // namespace qp::cli

int main(int argc, char *argv[])
{
    qp::hardenProcess(); // before any file exists (common/processhardening.h)
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"qwen-proxy"_s);
    QCoreApplication::setOrganizationName(u"qwen-proxy"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(QP_VERSION));

    QStringList args = app.arguments().mid(1);
    const QString command = args.isEmpty() ? u"help"_s : args.takeFirst();
    if (const qp::cli::Command *c = qp::cli::findCommand(command))
        return c->run(args);
    std::fprintf(stderr, "qwen-proxy: unknown command '%s'\nTry 'qwen-proxy help'.\n",
                 qPrintable(command));
    return qp::cli::Usage;
}
