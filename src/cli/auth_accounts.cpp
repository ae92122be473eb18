// `qwen-proxy auth list | remove <id> | default <id> | counts | plan <id> <plan>`.
#include "accounts/accountstore.h"
#include "auth/sharedfilesource.h"
#include "auth/tokenmanager.h"
#include "authcommands.h"
#include "cliargs.h"
#include "cliruntime.h"
#include "console.h"
#include "pool/accountpool.h"
#include "pool/quotaplan.h"
#include "report.h"
#include "routing/upstreamrouter.h"
#include "runtime.h"
#include "usage/usagestore.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace qp::cli {

namespace {

// One account as the commands show it: a stored one, or qwen-code's own login that the server
// uses as "default" (QWEN_CODE_AUTH_USE) without it being in our store.
struct Row {
    QString id;
    QString label;
    bool isDefault = false;
    bool sharedQwenCodeFile = false;
    std::optional<AccountStatus> stored; // nullopt for the qwen-code file
    QString quotaPlan;                   // the stored plan spec
};

// Stored accounts oldest first, then qwen-code's file if the server would use it. The default
// follows Runtime::reloadAccounts(): the stored default, else "default", else the first.
Result<QList<Row>> collectRows(Runtime &rt)
{
    auto listed = rt.accounts().list();
    if (!listed)
        return listed.error();
    QList<Row> rows;
    bool haveDefault = false;
    for (const Account &a : listed.value()) {
        rows.append(Row{a.id, a.label, a.isDefault, false, a.status, a.quotaPlan});
        haveDefault = haveDefault || a.isDefault;
    }
    for (const QString &id : rt.router().qwenAccounts()) {
        if (rt.accounts().store()->contains(id))
            continue;
        rows.append(Row{id,
                        u"qwen-code login (%1)"_s.arg(
                            SharedFileSource::defaultQwenHome(rt.settings().string(u"qwen_home"))),
                        false,
                        true,
                        std::nullopt,
                        {}});
    }
    if (!haveDefault && !rows.isEmpty()) {
        auto it =
            std::find_if(rows.begin(), rows.end(), [](const Row &r) { return r.id == u"default"; });
        (it != rows.end() ? *it : rows.first()).isDefault = true;
    }
    return rows;
}

// The state a server would give the account, the token manager's verdict first (as /health
// does): secrets that cannot be read or a dead refresh token mean a new login either way.
QString stateText(Runtime &rt, const Row &r)
{
    // A provider's API key has no token to expire: the pool's state is the whole story.
    if (auto snap = rt.pool().snapshot(r.id);
        snap && snap->provider != QLatin1String(Account::kProviderQwenOAuth))
        return accountStateName(snap->state);
    const QString stored = r.stored ? poolStateOf(*r.stored) : u"healthy"_s;
    if (stored != u"healthy")
        return stored;
    if (!rt.tokens().hasAccount(r.id) || rt.tokens().status(r.id).state == u"needs_login")
        return u"needs_login"_s;
    return stored;
}

// When the access token expires; an expired one is refreshed by the next request.
QString tokenText(Runtime &rt, const Row &r)
{
    if (auto snap = rt.pool().snapshot(r.id);
        snap && snap->provider != QLatin1String(Account::kProviderQwenOAuth))
        return u"api key"_s;
    if (!rt.tokens().hasAccount(r.id))
        return u"-"_s;
    const TokenManager::Status s = rt.tokens().status(r.id);
    if (s.state == u"expired")
        return u"expired"_s;
    return s.expiryMs > 0 ? utcMinute(s.expiryMs) : u"-"_s;
}

void printNoAccounts()
{
    console::out(u"No accounts. Add one with 'qwen-proxy auth add <id>' or copy existing logins "
                 u"with 'qwen-proxy auth import'."_s);
}

} // namespace

int authList(Runtime &rt)
{
    auto rows = collectRows(rt);
    if (!rows) {
        console::err(u"qwen-proxy auth: "_s + rows.error().message);
        return Failure;
    }
    if (rows->isEmpty()) {
        printNoAccounts();
        return Ok;
    }
    const qint64 now = rt.clock().nowMs();
    QList<QStringList> table{
        {u" "_s, u"ID"_s, u"STATE"_s, u"TOKEN (UTC)"_s, u"TODAY"_s, u"WINDOWS"_s, u"LABEL"_s}};
    for (const Row &r : rows.value()) {
        const auto today = rt.usage().requestsToday(r.id);
        QString windows = u"-"_s;
        if (auto plan = QuotaPlan::fromSpec(r.quotaPlan); !plan) {
            windows = u"bad plan"_s; // the server logs the same and runs the account unmetered
        } else if (auto use = storedWindows(rt.usage(), r.id, plan.value(), now)) {
            windows = windowSummary(use.value());
        } else {
            windows = u"?"_s;
        }
        table.append({r.isDefault ? u"*"_s : u" "_s, r.id, stateText(rt, r), tokenText(rt, r),
                      today ? QString::number(today.value()) : u"?"_s, windows, r.label});
    }
    printTable(table, {4});
    console::out(
        u"(* = default; TODAY: successful requests since 00:00 UTC; WINDOWS: used/limit)"_s);
    return Ok;
}

int authRemove(Runtime &rt, const QString &id)
{
    if (!rt.accounts().store()->contains(id) && rt.router().qwenAccounts().contains(id)) {
        console::err(u"qwen-proxy auth: \"%1\" is qwen-code's own login, which qwen-proxy uses but "
                     u"does not store; set QWEN_CODE_AUTH_USE=false to stop using it."_s.arg(id));
        return Failure;
    }
    const auto result = awaitAnswer<std::optional<Error>>(
        [&](auto done) { rt.accounts().remove(id, std::move(done)); });
    if (result) {
        console::err(u"qwen-proxy auth: "_s + result->message);
        return Failure;
    }
    console::out(u"Removed account \"%1\" and its tokens."_s.arg(id));
    const QString next = rt.accounts().store()->defaultAccountId();
    if (!next.isEmpty())
        console::out(u"Default account: \"%1\"."_s.arg(next));
    return Ok;
}

int authSetDefault(Runtime &rt, const QString &id)
{
    if (auto e = rt.accounts().setDefault(id)) {
        console::err(u"qwen-proxy auth: "_s + e->message);
        return Failure;
    }
    console::out(u"Default account: \"%1\"."_s.arg(id));
    return Ok;
}

int authSetEnabled(Runtime &rt, const QString &id, bool enabled, const QString &reason)
{
    AccountStore *store = rt.accounts().store();
    const auto e = enabled ? store->setStatus(id, AccountStatus::Active)
                           : store->setStatus(id, AccountStatus::Disabled, reason);
    if (e) {
        console::err(u"qwen-proxy auth: "_s + e->message);
        return Failure;
    }
    console::out(enabled ? u"Account \"%1\" is enabled."_s.arg(id)
                         : u"Account \"%1\" is disabled; the pool will not use it."_s.arg(id));
    return Ok;
}

int authCounts(Runtime &rt)
{
    auto rows = collectRows(rt);
    if (!rows) {
        console::err(u"qwen-proxy auth: "_s + rows.error().message);
        return Failure;
    }
    // Qwen's daily quota and our counters both roll over at midnight UTC.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDate today = now.date();
    QDateTime resetUtc = now;
    resetUtc.setDate(today.addDays(1));
    resetUtc.setTime(QTime(0, 0));
    const qint64 minutes = (now.secsTo(resetUtc) + 59) / 60;
    console::out(u"Requests on %1 (UTC); the counts reset at %2 UTC (in %3h %4m)."_s
                     .arg(today.toString(Qt::ISODate), utcMinute(resetUtc.toMSecsSinceEpoch()))
                     .arg(minutes / 60)
                     .arg(minutes % 60));
    if (rows->isEmpty()) {
        printNoAccounts();
        return Ok;
    }
    QList<QStringList> table{{u" "_s, u"ID"_s, u"REQUESTS"_s, u"ERRORS"_s}};
    for (const Row &r : rows.value()) {
        // REQUESTS are successes: what the daily quota counts.
        const auto usage = rt.usage().totals(r.id, 1);
        table.append({r.isDefault ? u"*"_s : u" "_s, r.id,
                      usage ? QString::number(usage->successes) : u"?"_s,
                      usage ? QString::number(usage->errors) : u"?"_s});
    }
    printTable(table);
    return Ok;
}

int authPlan(Runtime &rt, const PlanOptions &opts)
{
    auto account = rt.accounts().store()->get(opts.accountId);
    if (!account) {
        console::err(u"qwen-proxy auth: "_s + account.error().message);
        return Failure;
    }
    // "none" is stored as no spec at all: the same unmetered plan, and nothing for a reader to
    // parse.
    const QString spec = opts.plan.trimmed().compare(u"none"_s, Qt::CaseInsensitive) == 0
                             ? QString()
                             : opts.plan.trimmed();
    auto plan = QuotaPlan::fromSpec(spec);
    if (!plan) {
        console::err(u"qwen-proxy auth: "_s + plan.error().message);
        return Usage;
    }
    const int concurrency = opts.maxConcurrent.value_or(account->maxConcurrent);
    const int rpm = opts.maxPerMinute.value_or(account->maxPerMinute);
    if (auto e = rt.accounts().store()->setLimits(opts.accountId, spec, concurrency, rpm)) {
        console::err(u"qwen-proxy auth: "_s + e->message);
        return Failure;
    }
    const QString limits = plan->isUnlimited() ? u"no quota windows"_s
                                               : u"quota %1 (%2)"_s.arg(plan->name, plan->toSpec());
    const auto cap = [](int n) { return n > 0 ? QString::number(n) : u"no cap"_s; };
    console::out(u"Account \"%1\": %2; concurrency: %3; requests per minute: %4."_s.arg(
        opts.accountId, limits, cap(concurrency), cap(rpm)));
    console::out(u"A running server applies this within a few seconds."_s);
    return Ok;
}

} // namespace qp::cli
