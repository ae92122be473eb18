// qwen-proxy usage (alias tokens, like the original proxy's `npm run tokens`): usage per account
// and UTC day, totals, lifetime, and each account's quota windows with what is left and when they
// reset. Reads the usage store a running server writes (it flushes every second), never writes.
#include "accounts/accountservice.h"
#include "cliargs.h"
#include "cliruntime.h"
#include "commands.h"
#include "console.h"
#include "logging/logging.h"
#include "pool/accountpool.h"
#include "pool/quotaplan.h"
#include "report.h"
#include "routing/upstreamrouter.h"
#include "runtime.h"
#include "usage/usagestore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace qp::cli {

namespace {

constexpr int kMaxDays = 3660; // ten years: more is a typo, and the store keeps days for good

const QString kUsageLine =
    u"qwen-proxy usage [--days N] [--account ID] [--by-model] [--json] [--data-dir D] "
    u"[--config FILE]"_s;

int usageError(const QString &message, bool showUsage)
{
    console::err(u"qwen-proxy usage: "_s + message);
    if (showUsage)
        console::err(u"Usage: "_s + kUsageLine);
    return Usage;
}

// One account as the report shows it.
struct Subject {
    QString id;
    QString label;
    QString state; // the pool's name; "-" for usage of an account that is no longer configured
    QString planSpec;
    QuotaPlan plan;
    bool isDefault = false;
    bool badPlan = false; // the server logs it and runs the account unmetered
};

// Stored accounts (oldest first), then the pool's accounts the store does not hold (the API-key
// upstream, qwen-code's own login), then ids that only the usage remembers ("" is usage no
// account served).
Result<QList<Subject>> collectSubjects(Runtime &rt, const QHash<QString, UsageTotals> &lifetime)
{
    auto listed = rt.accounts().list();
    if (!listed)
        return listed.error();
    QList<Subject> out;
    QSet<QString> seen;
    for (const Account &a : listed.value()) {
        Subject s{a.id, a.label, poolStateOf(a.status), a.quotaPlan, {}, a.isDefault, false};
        if (auto plan = QuotaPlan::fromSpec(a.quotaPlan))
            s.plan = plan.value();
        else
            s.badPlan = true;
        out.append(s);
        seen.insert(a.id);
    }
    for (const AccountSnapshot &p : rt.pool().snapshot()) {
        if (seen.contains(p.id))
            continue;
        Subject s{p.id, {}, accountStateName(p.state), {}, {}, false, false};
        if (p.provider == QLatin1String(UpstreamRouter::kApiKeyAccountId)) {
            s.label = rt.upstreamDescription();
            s.planSpec = rt.settings().string(u"quota_plan");
            if (auto plan = QuotaPlan::fromSpec(s.planSpec))
                s.plan = plan.value();
        }
        out.append(s);
        seen.insert(p.id);
    }
    QStringList rest;
    for (auto it = lifetime.cbegin(); it != lifetime.cend(); ++it)
        if (!seen.contains(it.key()))
            rest.append(it.key());
    rest.sort();
    for (const QString &id : std::as_const(rest))
        out.append(Subject{id,
                           id.isEmpty() ? u"requests no account served"_s : QString(),
                           u"-"_s,
                           {},
                           {},
                           false,
                           false});
    return out;
}

QString displayId(const QString &id)
{
    return id.isEmpty() ? u"(none)"_s : id;
}

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toUTC().toString(Qt::ISODate); // "...Z"
}

QJsonObject totalsJson(const UsageTotals &t)
{
    return QJsonObject{{u"requests"_s, t.requests},
                       {u"successes"_s, t.successes},
                       {u"errors"_s, t.errors},
                       {u"input_tokens"_s, t.inputTokens},
                       {u"output_tokens"_s, t.outputTokens},
                       {u"cached_tokens"_s, t.cachedTokens}};
}

QJsonObject windowJson(const QuotaMeter::WindowUse &w)
{
    QJsonObject o{{u"window"_s, w.limit.windowName()},
                  {u"used_requests"_s, w.usedRequests},
                  {u"used_tokens"_s, w.usedTokens},
                  {u"used_percent"_s, qRound(w.usedFraction * 1000) / 10.0},
                  {u"resets_at"_s, isoUtc(w.resetsAtMs)},
                  {u"fully_resets_at"_s, isoUtc(w.fullyResetsAtMs)}};
    if (w.limit.maxRequests > 0) {
        o.insert(u"limit_requests"_s, w.limit.maxRequests);
        o.insert(u"remaining_requests"_s, w.remainingRequests);
    }
    if (w.limit.maxTokens > 0) {
        o.insert(u"limit_tokens"_s, w.limit.maxTokens);
        o.insert(u"remaining_tokens"_s, w.remainingTokens);
    }
    return o;
}

QStringList totalsCells(const UsageTotals &t)
{
    return {QString::number(t.requests),  QString::number(t.successes),
            QString::number(t.errors),    compactCount(t.inputTokens),
            compactCount(t.outputTokens), compactCount(t.cachedTokens)};
}

const QStringList kTotalsHeader{u"REQUESTS"_s, u"OK"_s,     u"ERRORS"_s,
                                u"INPUT"_s,    u"OUTPUT"_s, u"CACHED"_s};

// "in 58m", "in 3h 05m", "in 2d 4h": how far a reset is, next to its time.
QString inText(qint64 fromMs, qint64 toMs)
{
    const qint64 minutes = std::max<qint64>(0, (toMs - fromMs + 59'999) / 60'000);
    if (minutes < 60)
        return u"in %1m"_s.arg(minutes);
    if (minutes < 24 * 60)
        return u"in %1h %2m"_s.arg(minutes / 60).arg(minutes % 60, 2, 10, QChar(u'0'));
    return u"in %1d %2h"_s.arg(minutes / (24 * 60)).arg(minutes / 60 % 24);
}

struct Report {
    int days = 7;
    QString accountFilter;
    bool byModel = false;
    qint64 nowMs = 0;
    QDate firstDay, lastDay;
    QList<DailyUsage> daily;        // per account and day
    QList<DailyUsage> dailyByModel; // per account, model and day (--by-model)
    UsageTotals periodAll, lifetimeAll;
    struct Row {
        Subject subject;
        UsageTotals period;
        UsageTotals lifetime;
        QList<QuotaMeter::WindowUse> windows;
    };
    QList<Row> accounts;
};

std::optional<Error> build(Runtime &rt, Report &r)
{
    r.nowMs = rt.clock().nowMs();
    r.lastDay = QDateTime::fromMSecsSinceEpoch(r.nowMs, QTimeZone::utc()).date();
    r.firstDay = r.lastDay.addDays(1 - r.days);
    auto lifetime = rt.usage().totalsByAccount(UsageStore::kLifetime);
    if (!lifetime)
        return lifetime.error();
    auto period = rt.usage().totalsByAccount(r.days);
    if (!period)
        return period.error();
    auto subjects = collectSubjects(rt, lifetime.value());
    if (!subjects)
        return subjects.error();
    for (const Subject &s : subjects.value()) {
        if (!r.accountFilter.isNull() && s.id != r.accountFilter)
            continue;
        auto windows = storedWindows(rt.usage(), s.id, s.plan, r.nowMs);
        if (!windows)
            return windows.error();
        r.accounts.append(
            {s, period->value(s.id), lifetime->value(s.id), std::move(windows.value())});
        r.periodAll += period->value(s.id);
        r.lifetimeAll += lifetime->value(s.id);
    }
    if (!r.accountFilter.isNull() && r.accounts.isEmpty())
        return Error::make(Error::Kind::NotFound,
                           u"no account '%1' (see 'qwen-proxy auth list')"_s.arg(r.accountFilter));
    // dailyUsage() reads every account for an empty id, so "" (usage no account served) is
    // filtered here.
    const auto keep = [&](const DailyUsage &d) {
        return r.accountFilter.isNull() || d.accountId == r.accountFilter;
    };
    for (const bool perModel : {false, true}) {
        if (perModel && !r.byModel)
            break;
        auto rows = rt.usage().dailyUsage(r.days, r.accountFilter, perModel);
        if (!rows)
            return rows.error();
        for (const DailyUsage &d : rows.value())
            if (keep(d))
                (perModel ? r.dailyByModel : r.daily).append(d);
    }
    return std::nullopt;
}

QJsonObject toJson(const Report &r)
{
    QJsonArray daily;
    for (const DailyUsage &d : r.byModel ? r.dailyByModel : r.daily) {
        QJsonObject o = totalsJson(d.totals);
        o.insert(u"day"_s, d.day.toString(Qt::ISODate));
        o.insert(u"account"_s, d.accountId);
        if (r.byModel)
            o.insert(u"model"_s, d.model);
        daily.append(o);
    }
    QJsonArray accounts;
    for (const auto &a : r.accounts) {
        QJsonArray windows;
        for (const auto &w : a.windows)
            windows.append(windowJson(w));
        QJsonObject o{{u"id"_s, a.subject.id},
                      {u"state"_s, a.subject.state},
                      {u"default"_s, a.subject.isDefault},
                      {u"plan"_s, a.subject.planSpec},
                      {u"period"_s, totalsJson(a.period)},
                      {u"lifetime"_s, totalsJson(a.lifetime)},
                      {u"windows"_s, windows}};
        if (!a.subject.label.isEmpty())
            o.insert(u"label"_s, a.subject.label);
        accounts.append(o);
    }
    QJsonObject out{{u"generated_at"_s, isoUtc(r.nowMs)},
                    {u"time_zone"_s, u"UTC"_s},
                    {u"days"_s, r.days},
                    {u"from"_s, r.firstDay.toString(Qt::ISODate)},
                    {u"to"_s, r.lastDay.toString(Qt::ISODate)},
                    {u"by_model"_s, r.byModel},
                    {u"daily"_s, daily},
                    {u"totals"_s, totalsJson(r.periodAll)},
                    {u"lifetime"_s, totalsJson(r.lifetimeAll)},
                    {u"accounts"_s, accounts}};
    if (!r.accountFilter.isNull())
        out.insert(u"account"_s, r.accountFilter);
    return out;
}

void printText(const Report &r)
{
    const QSet<int> numbers{2, 3, 4, 5, 6, 7};
    console::out(u"Usage per UTC day, last %1 day%2 (%3 to %4); times are UTC."_s.arg(r.days)
                     .arg(r.days == 1 ? QString() : u"s"_s)
                     .arg(r.firstDay.toString(Qt::ISODate), r.lastDay.toString(Qt::ISODate)));
    console::out(QString());
    if (r.daily.isEmpty()) {
        console::out(u"No requests in these days."_s);
    } else {
        QList<QStringList> table{
            QStringList{u"DAY"_s, r.byModel ? u"ACCOUNT / MODEL"_s : u"ACCOUNT"_s} + kTotalsHeader};
        QDate previous;
        for (const DailyUsage &d : r.daily) {
            table.append(QStringList{d.day == previous ? QString() : d.day.toString(Qt::ISODate),
                                     displayId(d.accountId)} +
                         totalsCells(d.totals));
            previous = d.day;
            if (!r.byModel)
                continue;
            for (const DailyUsage &m : r.dailyByModel)
                if (m.day == d.day && m.accountId == d.accountId)
                    table.append(
                        QStringList{QString(),
                                    u"  "_s + (m.model.isEmpty() ? u"(unknown)"_s : m.model)} +
                        totalsCells(m.totals));
        }
        printTable(table, numbers);
    }

    for (const bool lifetime : {false, true}) {
        console::out(QString());
        console::out(lifetime ? u"Lifetime (every day kept):"_s
                              : u"Totals, last %1 day%2:"_s.arg(r.days).arg(r.days == 1 ? QString()
                                                                                        : u"s"_s));
        // The period's table names each account's state as a server starting now would see it.
        const auto row = [&](const QString &id, const QString &state, const UsageTotals &t) {
            return (lifetime ? QStringList{id} : QStringList{id, state}) + totalsCells(t);
        };
        QList<QStringList> table{
            (lifetime ? QStringList{u"ACCOUNT"_s} : QStringList{u"ACCOUNT"_s, u"STATE"_s}) +
            kTotalsHeader};
        for (const auto &a : r.accounts)
            table.append(
                row(displayId(a.subject.id), a.subject.state, lifetime ? a.lifetime : a.period));
        if (r.accounts.size() > 1)
            table.append(row(u"all"_s, QString(), lifetime ? r.lifetimeAll : r.periodAll));
        QSet<int> numbers;
        for (int i = lifetime ? 1 : 2; i < table.first().size(); ++i)
            numbers.insert(i);
        printTable(table, numbers);
    }

    console::out(QString());
    console::out(u"Quota windows at %1 UTC (RESETS: when a rolling window's oldest"_s.arg(
        utcMinute(r.nowMs)));
    console::out(u"counted minute leaves it, or when a calendar window starts over):"_s);
    QList<QStringList> table{{u"ACCOUNT"_s, u"WINDOW"_s, u"USED"_s, u"LEFT"_s, u"RESETS (UTC)"_s}};
    for (const auto &a : r.accounts) {
        if (a.subject.id.isEmpty())
            continue; // usage no account served has no windows
        if (a.windows.isEmpty()) {
            table.append(
                {a.subject.id, a.subject.badPlan ? u"(unreadable plan)"_s : u"(no plan)"_s});
            continue;
        }
        bool first = true;
        for (const auto &w : a.windows) {
            QStringList used, left;
            if (w.limit.maxRequests > 0) {
                used << u"%1/%2"_s.arg(w.usedRequests).arg(w.limit.maxRequests);
                left << QString::number(w.remainingRequests);
            }
            if (w.limit.maxTokens > 0) {
                used << compactCount(w.usedTokens) + u'/' + compactCount(w.limit.maxTokens) +
                            u" tok"_s;
                left << compactCount(w.remainingTokens) + u" tok"_s;
            }
            // A rolling window with nothing counted has nothing to reset.
            const bool idle = w.resetsAtMs <= r.nowMs;
            table.append(
                {first ? a.subject.id : QString(), w.limit.windowName(), used.join(u", "_s),
                 left.join(u", "_s),
                 idle ? u"-"_s
                      : utcMinute(w.resetsAtMs) + u" ("_s + inText(r.nowMs, w.resetsAtMs) + u')'});
            first = false;
        }
    }
    printTable(table);
}

} // namespace

int runUsage(const QStringList &args)
{
    ParsedArgs parsed;
    if (auto err = parseArgs(args, {u"days"_s, u"account"_s, u"data-dir"_s, u"config"_s},
                             {u"by-model"_s, u"json"_s}, parsed))
        return usageError(*err, true);
    if (!parsed.positional.isEmpty())
        return usageError(u"unexpected argument '%1'"_s.arg(parsed.positional.first()), true);
    Report report;
    if (parsed.values.contains(u"days"_s)) {
        if (auto e =
                parseIntFlag(u"days"_s, parsed.values.value(u"days"_s), 1, kMaxDays, &report.days))
            return usageError(*e, false);
    }
    if (parsed.values.contains(u"account"_s)) {
        // Never a null string once given: "" names the usage no account served.
        report.accountFilter = parsed.values.value(u"account"_s);
        if (report.accountFilter.isNull())
            report.accountFilter = u""_s;
    }
    report.byModel = parsed.switches.contains(u"by-model"_s);
    const bool json = parsed.switches.contains(u"json"_s);

    // Errors only: a report must not be interleaved with the runtime's start-up lines.
    LogHub::instance().install(LogHub::Level::Error);
    std::unique_ptr<Runtime> rt = openRuntime(parsed);
    if (!rt)
        return Failure;
    if (!json)
        for (const QString &w : rt->warnings())
            console::err(u"warning: "_s + w);

    if (auto e = build(*rt, report)) {
        console::err(u"qwen-proxy usage: "_s + e->message);
        return Failure;
    }
    if (json)
        console::outRaw(QString::fromUtf8(QJsonDocument(toJson(report)).toJson()));
    else
        printText(report);
    return Ok;
}

} // namespace qp::cli
