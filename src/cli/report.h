#pragma once
// What `qwen-proxy usage` and `qwen-proxy auth list` share: the account state as the pool will see
// it, quota windows computed from the usage store the way the pool computes them, and tables that
// fit an 80-column terminal.

#include "accounts/account.h"
#include "common/compactcount.h"
#include "common/error.h"
#include "pool/quotameter.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace qp {
class UsageStore;
}

namespace qp::cli {

// The pool's name for a stored status (healthy, needs_login, parked, disabled): a server started
// now puts the account in this state (Runtime::reloadAccounts).
QString poolStateOf(AccountStatus status);

// The windows of `plan` for `accountId` at `nowMs`: a QuotaMeter restored from the store's quota
// minutes, as the server restores it at start-up. Empty for a plan without limits.
Result<QList<QuotaMeter::WindowUse>> storedWindows(UsageStore &usage, const QString &accountId,
                                                   const QuotaPlan &plan, qint64 nowMs);

// "5h 312/1200, week 4k/9000" (tokens: "5h 1.2M/5M tok"); "-" without windows.
QString windowSummary(const QList<QuotaMeter::WindowUse> &windows);
// "2026-12-07 15:01 UTC"-style minute, without the zone (column headers name it).
QString utcMinute(qint64 ms);

// Columns two spaces apart; those in `rightAligned` (numbers) are right-aligned. Trailing blanks
// are trimmed.
void printTable(const QList<QStringList> &table, const QSet<int> &rightAligned = {});

} // namespace qp::cli
