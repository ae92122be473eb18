// `qwen-proxy auth import`: qwen-code's oauth_creds.json and the original proxies'
// oauth_creds_<id>.json into the account store, one report line per file.
#include "authcommands.h"
#include "cliargs.h"
#include "cliruntime.h"
#include "console.h"
#include "runtime.h"

#include <QDir>

using namespace Qt::StringLiterals;

namespace qp::cli {

int authImport(Runtime &rt, const QString &qwenDir, bool replaceExisting)
{
    console::out(u"Importing Qwen logins from %1"_s.arg(QDir::toNativeSeparators(qwenDir)));
    const auto report = awaitAnswer<QList<ImportReportEntry>>(
        [&](auto done) { rt.accounts().importFrom(qwenDir, replaceExisting, std::move(done)); });

    using Outcome = ImportReportEntry::Outcome;
    int imported = 0, skipped = 0, failed = 0;
    for (const ImportReportEntry &e : report) {
        console::out(u"  "_s + e.toLine());
        switch (e.outcome) {
        case Outcome::Imported:
        case Outcome::Replaced:
            ++imported;
            break;
        case Outcome::SkippedExisting:
            ++skipped;
            break;
        case Outcome::Invalid:
        case Outcome::Failed:
            ++failed;
            break;
        }
    }
    if (report.isEmpty()) {
        console::err(u"qwen-proxy auth: no oauth_creds.json or oauth_creds_<id>.json in %1"_s.arg(
            QDir::toNativeSeparators(qwenDir)));
        return Failure;
    }
    console::out(u"%1 imported, %2 skipped (already stored; --replace overwrites), %3 failed."_s
                     .arg(imported)
                     .arg(skipped)
                     .arg(failed));
    // A script must notice a file it could not import; skipping a known id is not an error.
    return failed > 0 ? Failure : Ok;
}

} // namespace qp::cli
