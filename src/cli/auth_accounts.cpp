// `qwen-proxy auth list | remove <id> | default <id> | counts`.
#include "accounts/accountstore.h"
#include "auth/sharedfilesource.h"
#include "auth/tokenmanager.h"
#include "authcommands.h"
#include "cliargs.h"
#include "console.h"
#include "routing/upstreamrouter.h"
#include "runtime.h"
#include "usage/usagestore.h"

#include <QDateTime>
#include <QEventLoop>

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
        rows.append(Row{a.id, a.label, a.isDefault, false, a.status});
        haveDefault = haveDefault || a.isDefault;
    }
    for (const QString &id : rt.router().qwenAccounts()) {
        if (rt.accounts().store()->contains(id))
            continue;
        rows.append(Row{id,
                        u"qwen-code login (%1)"_s.arg(
                            SharedFileSource::defaultQwenHome(rt.settings().string(u"qwen_home"))),
                        false, true, std::nullopt});
    }
    if (!haveDefault && !rows.isEmpty()) {
        auto it =
            std::find_if(rows.begin(), rows.end(), [](const Row &r) { return r.id == u"default"; });
        (it != rows.end() ? *it : rows.first()).isDefault = true;
    }
    return rows;
}

QString statusText(Runtime &rt, const Row &r, qint64 *expiryMs)
{
    *expiryMs = 0;
    if (r.stored && *r.stored != AccountStatus::Active)
        return accountStatusToString(*r.stored);
    if (!rt.tokens().hasAccount(r.id))
        return u"needs_login"_s; // no readable secrets: reloadAccounts() skipped it
    const TokenManager::Status s = rt.tokens().status(r.id);
    *expiryMs = s.expiryMs;
    if (s.state == u"ok")
        return u"active"_s;
    if (s.state == u"expired")
        return u"expired"_s; // the access token; the next request refreshes it
    return s.state;
}

QString utcMinute(const QDateTime &t)
{
    return t.toUTC().toString(u"yyyy-MM-dd HH:mm"_s);
}

// Left-aligned columns, two spaces apart; the first column is the default marker.
void printTable(const QList<QStringList> &table)
{
    QList<qsizetype> widths;
    for (const QStringList &row : table)
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = std::max(widths[i], row.at(i).size());
        }
    for (const QStringList &row : table) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += i + 1 == row.size() ? row.at(i) : row.at(i).leftJustified(widths.at(i) + 2);
        while (line.endsWith(u' '))
            line.chop(1);
        console::out(line);
    }
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
    QList<QStringList> table{
        {u" "_s, u"ID"_s, u"STATUS"_s, u"TOKEN EXPIRES (UTC)"_s, u"REQUESTS TODAY"_s, u"LABEL"_s}};
    for (const Row &r : rows.value()) {
        qint64 expiryMs = 0;
        const QString status = statusText(rt, r, &expiryMs);
        const auto today = rt.usage().requestsToday(r.id);
        table.append({r.isDefault ? u"*"_s : u" "_s, r.id, status,
                      expiryMs > 0 ? utcMinute(QDateTime::fromMSecsSinceEpoch(expiryMs)) : u"-"_s,
                      today ? QString::number(today.value()) : u"?"_s, r.label});
    }
    printTable(table);
    console::out(u"(* = default account)"_s);
    return Ok;
}

int authRemove(Runtime &rt, const QString &id)
{
    if (!rt.accounts().store()->contains(id) && rt.router().qwenAccounts().contains(id)) {
        console::err(u"qwen-proxy auth: \"%1\" is qwen-code's own login, which qwen-proxy uses but "
                     u"does not store; set QWEN_CODE_AUTH_USE=false to stop using it."_s.arg(id));
        return Failure;
    }
    std::optional<std::optional<Error>> result;
    QEventLoop loop;
    rt.accounts().remove(id, [&](std::optional<Error> e) {
        result = e;
        loop.quit();
    });
    if (!result)
        loop.exec();
    if (*result) {
        console::err(u"qwen-proxy auth: "_s + (*result)->message);
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
                     .arg(today.toString(Qt::ISODate), utcMinute(resetUtc))
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

} // namespace qp::cli
