// qwen-proxy connect [<client>]: shows, writes and restores the settings that point a coding agent
// or SDK at this proxy (issue 17 §4). The rules are the core's (clients/clientconfigwriter.h);
// this file parses and prints.
#include "cliargs.h"
#include "clients/clientconfigwriter.h"
#include "commands.h"
#include "console.h"
#include "runtime.h"

#include <QDir>

using namespace Qt::StringLiterals;
using namespace qp::clients;

namespace qp::cli {

namespace {

const QString kUsage = u"qwen-proxy connect [<client>] [--dry-run] [--restore] [--data-dir D] "
                       u"[--config FILE]"_s;

int usageError(const QString &message)
{
    console::err(u"qwen-proxy connect: "_s + message);
    console::err(u"Usage: "_s + kUsage);
    QStringList ids;
    for (const ClientProfile &p : clientProfiles())
        ids << p.id;
    console::err(u"Clients: "_s + ids.join(u", "_s));
    return Usage;
}

void printSnippet(const QString &text)
{
    console::outRaw(text.endsWith(u'\n') ? text : text + u'\n');
}

void showClient(const ClientConfigWriter &w, const ClientProfile &p, const ClientEndpoints &e)
{
    console::out(u"== %1 (qwen-proxy connect %2) =="_s.arg(p.displayName, p.id));
    const QString path = w.configPath(p);
    if (path.isEmpty())
        console::out(u"Environment variables (nothing to write):"_s);
    else if (const QString var = w.variableInEffect(p); !var.isEmpty())
        console::out(u"In %1 (the folder $%2 names):"_s.arg(QDir::toNativeSeparators(path), var));
    else
        console::out(u"In %1:"_s.arg(QDir::toNativeSeparators(path)));
    printSnippet(ClientConfigWriter::snippet(p, e));
    const QString shell = ClientConfigWriter::environmentSnippet(p, e);
    if (!path.isEmpty() && !shell.isEmpty()) {
        console::out(u"Or, for one shell session:"_s);
        printSnippet(shell);
    }
    console::out(QString());
}

} // namespace

int runConnect(const QStringList &args)
{
    ParsedArgs parsed;
    if (auto e =
            parseArgs(args, {u"data-dir"_s, u"config"_s}, {u"dry-run"_s, u"restore"_s}, parsed))
        return usageError(*e);
    if (parsed.positional.size() > 1)
        return usageError(u"one client at a time"_s);
    const ClientProfile *client = nullptr;
    if (!parsed.positional.isEmpty()) {
        client = findClient(parsed.positional.first());
        if (!client)
            return usageError(u"unknown client '%1'"_s.arg(parsed.positional.first()));
    } else if (parsed.switches.contains(u"restore"_s)) {
        return usageError(u"--restore needs a client"_s);
    }

    // The settings `serve` would run with (config file, environment): nothing is opened or bound.
    RuntimeOptions opts;
    opts.dataDir = parsed.values.value(u"data-dir"_s);
    opts.configFile = parsed.values.value(u"config"_s);
    auto setup = RuntimeSetup::load(opts);
    if (!setup) {
        console::err(u"qwen-proxy: "_s + setup.error().message);
        return Failure;
    }
    const Settings &s = setup->settings;
    const ClientEndpoints e =
        endpointsFor(s.string(u"host"), int(s.integer(u"port")), s.string(u"default_model"),
                     s.string(u"haiku_model_name"));
    const ClientConfigWriter writer = ClientConfigWriter::forCurrentUser();

    if (!client) {
        for (const ClientProfile &p : clientProfiles())
            showClient(writer, p, e);
        console::out(u"'qwen-proxy connect <client>' writes these settings into the client's "
                     u"config file, after a backup; --restore puts the backup back."_s);
        return Ok;
    }
    const bool dryRun = parsed.switches.contains(u"dry-run"_s);
    const QString path = writer.configPath(*client);
    if (path.isEmpty()) {
        if (parsed.switches.contains(u"restore"_s)) {
            console::err(u"qwen-proxy connect: %1 has no config file, so nothing to restore"_s.arg(
                client->displayName));
            return Failure;
        }
        showClient(writer, *client, e);
        return Ok;
    }
    const QString nativePath = QDir::toNativeSeparators(path);

    if (parsed.switches.contains(u"restore"_s)) {
        const QStringList backups = writer.backups(*client);
        if (backups.isEmpty()) {
            console::err(
                u"qwen-proxy connect: there is no backup of %1 to restore"_s.arg(nativePath));
            return Failure;
        }
        if (dryRun) {
            console::out(u"Would restore %1 from %2"_s.arg(
                nativePath, QDir::toNativeSeparators(backups.first())));
            return Ok;
        }
        auto r = writer.restore(*client);
        if (!r) {
            console::err(u"qwen-proxy connect: "_s + r.error().message);
            return Failure;
        }
        if (r->removed)
            console::out(
                u"Removed %1: it did not exist before qwen-proxy wrote it."_s.arg(nativePath));
        else
            console::out(
                u"Restored %1 from %2"_s.arg(nativePath, QDir::toNativeSeparators(r->backupPath)));
        return Ok;
    }

    if (dryRun) {
        showClient(writer, *client, e);
        // Read and merge now, so a file we would refuse is reported before anyone relies on it.
        QFile f(path);
        QByteArray existing;
        if (f.exists() && f.open(QIODevice::ReadOnly))
            existing = f.readAll();
        auto merged = ClientConfigWriter::merge(*client, existing, e);
        if (!merged) {
            console::err(u"qwen-proxy connect: %1: %2; it would be left as it is"_s.arg(
                nativePath, merged.error().message));
            return Failure;
        }
        if (f.exists() && merged.value() == existing)
            console::out(
                u"%1 already points at this proxy: nothing would change."_s.arg(nativePath));
        else
            console::out(u"Would %1 %2 (after a backup next to it); nothing was written."_s.arg(
                f.exists() ? u"change"_s : u"create"_s, nativePath));
        return Ok;
    }

    auto w = writer.write(*client, e);
    if (!w) {
        console::err(u"qwen-proxy connect: "_s + w.error().message);
        // What a refused file would have received, for the user to merge by hand.
        if (QFile::exists(path)) {
            console::out(u"The settings to merge into %1:"_s.arg(nativePath));
            printSnippet(ClientConfigWriter::snippet(*client, e));
        }
        return Failure;
    }
    if (!w->changed) {
        console::out(u"%1 already points at this proxy: nothing changed."_s.arg(nativePath));
        return Ok;
    }
    console::out(
        u"Wrote %1 (backup: %2)."_s.arg(nativePath, QDir::toNativeSeparators(w->backupPath)));
    console::out(u"Undo with: qwen-proxy connect %1 --restore"_s.arg(client->id));
    return Ok;
}

} // namespace qp::cli
