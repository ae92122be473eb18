// `qwen-proxy purge --yes`: removes everything Qwen Proxy keeps for this user, for an uninstall
// that the user asked to take their data too. Secrets first, through the same services as
// `auth remove` and `provider remove`, so a keychain that refuses leaves every file in place and
// the purge can be run again; then the data and config directories and the start-at-login entry.
// Only the default locations: a --data-dir elsewhere is the user's to delete.
#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "cliargs.h"
#include "cliruntime.h"
#include "commands.h"
#include "console.h"
#include "platform/autostart.h"
#include "platform/portable.h"
#include "platform/userdirs.h"
#include "providers/providerservice.h"
#include "runtime.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace qp::cli {

namespace {

// Removes `dir` and then its parent when that is left empty (Qt puts ours under an
// organisation folder: ~/.local/share/qwen-proxy/qwen-proxy).
bool removeTree(const QString &dir, QStringList *removed)
{
    if (dir.isEmpty() || !QFileInfo(dir).isDir())
        return true;
    if (!QDir(dir).removeRecursively())
        return false;
    removed->append(dir);
    const QString parent = QFileInfo(dir).absolutePath();
    if (QFileInfo(parent).fileName() == u"qwen-proxy" && QDir(parent).isEmpty())
        QDir().rmdir(parent);
    return true;
}

// Every stored provider's and account's secret, through the services `provider remove` and
// `auth remove` use (secret first, then the row). False, with the reason printed, at the first
// that cannot be deleted.
bool removeSecrets(const ParsedArgs &parsed)
{
    std::unique_ptr<Runtime> rt = openRuntime(parsed);
    if (!rt)
        return false;
    // Providers first (their rows are accounts too), then the Qwen accounts left.
    auto providers = rt->providers().list();
    if (!providers) {
        console::err(u"qwen-proxy purge: "_s + providers.error().message);
        return false;
    }
    for (const ProviderConfig &p : providers.value()) {
        if (p.fromEnvironment())
            continue;
        auto e = awaitAnswer<std::optional<Error>>(
            [&](auto done) { rt->providers().remove(p.id, std::move(done)); });
        if (e) {
            console::err(u"qwen-proxy purge: provider %1: %2 (nothing else removed; run it "
                         u"again)"_s.arg(p.id, e->message));
            return false;
        }
        console::out(u"Removed provider %1 and its key."_s.arg(p.id));
    }
    auto accounts = rt->accounts().store()->list();
    if (!accounts) {
        console::err(u"qwen-proxy purge: "_s + accounts.error().message);
        return false;
    }
    for (const Account &a : accounts.value()) {
        auto e = awaitAnswer<std::optional<Error>>(
            [&](auto done) { rt->accounts().remove(a.id, std::move(done)); });
        if (e) {
            console::err(u"qwen-proxy purge: account %1: %2 (nothing else removed; run it "
                         u"again)"_s.arg(a.id, e->message));
            return false;
        }
        console::out(u"Removed account %1 and its tokens."_s.arg(a.id));
    }
    return true; // the runtime closes its databases here, before their files go
}

} // namespace

int runPurge(const QStringList &args)
{
    ParsedArgs parsed;
    if (auto e = parseArgs(args, {}, {u"yes"_s}, parsed); e || !parsed.positional.isEmpty()) {
        console::err(e ? u"qwen-proxy purge: "_s + *e : u"qwen-proxy purge: no arguments"_s);
        console::err(u"Usage: qwen-proxy purge --yes"_s);
        return Usage;
    }
    if (!parsed.switches.contains(u"yes"_s)) {
        console::err(u"qwen-proxy purge deletes every account's and provider's secrets, the usage "
                     u"history, the settings and the start-at-login entry, for good. Run "
                     u"'qwen-proxy purge --yes' to do it."_s);
        return Usage;
    }

    // Where the runtime keeps its files by default (server/runtime.cpp). Looked at before
    // opening it, which would create them: a second purge finds nothing and says so.
    // Portable mode keeps both in <exe folder>/data (platform/portable.h).
    const QString portableDir = portable::dataDir();
    const QString dataDir = portableDir.isEmpty() ? userdirs::dataDir() : portableDir;
    const QString configDir = portableDir.isEmpty() ? userdirs::configDir() : QString();
    const bool hadData = QFileInfo::exists(dataDir);
    const bool hadConfig = QFileInfo::exists(configDir);
    // Without a data dir no account is known, so there is no secret to find.
    if (hadData && !removeSecrets(parsed))
        return Failure;

    QStringList removed;
    for (const auto &[dir, had] : {std::pair{dataDir, hadData}, std::pair{configDir, hadConfig}}) {
        if (had && !removeTree(dir, &removed)) {
            console::err(u"qwen-proxy purge: cannot remove %1"_s.arg(dir));
            return Failure;
        }
    }
    // A portable copy has no entry; the one there may belong to an installed copy.
    const bool hadEntry = portableDir.isEmpty() && Autostart::isEnabled();
    QString error;
    if (portableDir.isEmpty() && !Autostart::apply(false, {}, &error)) {
        console::err(u"qwen-proxy purge: "_s + error);
        return Failure;
    }
    if (hadEntry)
        removed.append(Autostart::location());
    for (const QString &r : std::as_const(removed))
        console::out(u"Removed %1"_s.arg(r));
    console::out(removed.isEmpty() && !hadData ? u"Nothing of Qwen Proxy's was left."_s
                                               : u"Qwen Proxy's data is gone."_s);
    return Ok;
}

} // namespace qp::cli
