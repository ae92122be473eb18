#include "pool/quotaplan.h"

#include <QDate>
#include <QJsonArray>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace qp {

namespace {

constexpr qint64 kHourMs = 3'600'000;
constexpr qint64 kDayMs = 24 * kHourMs;
// QDate's Julian day of 1970-01-01: converts epoch days to dates without QDateTime time specs,
// whose API differs between Qt 6.4 and 6.8.
constexpr qint64 kEpochJulianDay = 2'440'588;

struct WindowNameEntry {
    QuotaLimit::Kind kind;
    const char16_t *name;
};

constexpr WindowNameEntry kWindowNames[] = {
    {QuotaLimit::Kind::Rolling5h, u"5h"},
    {QuotaLimit::Kind::RollingDay, u"day"},
    {QuotaLimit::Kind::Week, u"week"},
    {QuotaLimit::Kind::Month, u"month"},
    {QuotaLimit::Kind::UtcDay, u"utc-day"},
    {QuotaLimit::Kind::CalendarWeek, u"utc-week"},
    {QuotaLimit::Kind::CalendarMonth, u"utc-month"},
};

qint64 floorDiv(qint64 a, qint64 b)
{
    qint64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

qint64 dayStartMs(qint64 epochDay)
{
    return epochDay * kDayMs;
}

qint64 monthStartDay(qint64 epochDay)
{
    const QDate date = QDate::fromJulianDay(epochDay + kEpochJulianDay);
    return QDate(date.year(), date.month(), 1).toJulianDay() - kEpochJulianDay;
}

qint64 nextMonthStartDay(qint64 epochDay)
{
    const QDate date = QDate::fromJulianDay(epochDay + kEpochJulianDay);
    return QDate(date.year(), date.month(), 1).addMonths(1).toJulianDay() - kEpochJulianDay;
}

QString windowList()
{
    return QuotaLimit::windowNames().join(u", "_s);
}

Error invalid(const QString &message)
{
    return Error::make(Error::Kind::InvalidRequest, message);
}

// A JSON amount: a whole, non-negative number no larger than kMaxQuotaAmount.
std::optional<QString> readJsonAmount(const QJsonValue &value, const QString &what, qint64 *out)
{
    if (!value.isDouble())
        return what + u" must be a number"_s;
    const double d = value.toDouble();
    if (d < 0)
        return what + u" must not be negative (got "_s + QString::number(d, 'g', 17) + u')';
    if (d != std::floor(d))
        return what + u" must be a whole number (got "_s + QString::number(d, 'g', 17) + u')';
    if (d > double(kMaxQuotaAmount))
        return what + u" is larger than "_s + QString::number(kMaxQuotaAmount);
    *out = qint64(d);
    return std::nullopt;
}

// A spec amount: digits with an optional k (thousand) or m (million) suffix.
std::optional<QString> readSpecAmount(QStringView text, qint64 *out)
{
    text = text.trimmed();
    if (text.isEmpty())
        return u"the amount is missing"_s;
    if (text.startsWith(u'-'))
        return u"the amount '"_s + text.toString() + u"' is negative"_s;
    qint64 multiplier = 1;
    const QChar last = text.back().toLower();
    if (last == u'k' || last == u'm') {
        multiplier = last == u'k' ? 1'000 : 1'000'000;
        text.chop(1);
    }
    if (text.isEmpty())
        return u"the amount has no digits"_s;
    qint64 value = 0;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return u"the amount '"_s + text.toString() + u"' is not a whole number"_s;
        value = value * 10 + (c.unicode() - u'0');
        if (value > kMaxQuotaAmount)
            return u"the amount is larger than "_s + QString::number(kMaxQuotaAmount);
    }
    if (value > kMaxQuotaAmount / multiplier)
        return u"the amount is larger than "_s + QString::number(kMaxQuotaAmount);
    *out = value * multiplier;
    return std::nullopt;
}

QuotaPlan dropEmptyLimits(QuotaPlan plan)
{
    plan.limits.removeIf([](const QuotaLimit &l) { return l.limitsNothing(); });
    return plan;
}

} // namespace

bool QuotaLimit::isRolling() const
{
    switch (kind) {
    case Kind::Rolling5h:
    case Kind::RollingDay:
    case Kind::Week:
    case Kind::Month:
        return true;
    case Kind::UtcDay:
    case Kind::CalendarWeek:
    case Kind::CalendarMonth:
        return false;
    }
    return true;
}

qint64 QuotaLimit::lengthMs() const
{
    switch (kind) {
    case Kind::Rolling5h:
        return 5 * kHourMs;
    case Kind::RollingDay:
    case Kind::UtcDay:
        return kDayMs;
    case Kind::Week:
    case Kind::CalendarWeek:
        return 7 * kDayMs;
    case Kind::Month:
        return 30 * kDayMs;
    case Kind::CalendarMonth:
        return 31 * kDayMs;
    }
    return 0;
}

qint64 QuotaLimit::periodStartMs(qint64 atMs) const
{
    const qint64 day = floorDiv(atMs, kDayMs);
    switch (kind) {
    case Kind::UtcDay:
        return dayStartMs(day);
    case Kind::CalendarWeek: {
        // Epoch day 0 was a Thursday: three days after a Monday.
        const qint64 sinceMonday = ((day + 3) % 7 + 7) % 7;
        return dayStartMs(day - sinceMonday);
    }
    case Kind::CalendarMonth:
        return dayStartMs(monthStartDay(day));
    default:
        return atMs - lengthMs();
    }
}

qint64 QuotaLimit::periodEndMs(qint64 atMs) const
{
    switch (kind) {
    case Kind::UtcDay:
    case Kind::CalendarWeek:
        return periodStartMs(atMs) + lengthMs();
    case Kind::CalendarMonth:
        return dayStartMs(nextMonthStartDay(floorDiv(atMs, kDayMs)));
    default:
        return atMs;
    }
}

QString QuotaLimit::windowName(Kind kind)
{
    for (const auto &e : kWindowNames)
        if (e.kind == kind)
            return QString::fromUtf16(e.name);
    return {};
}

std::optional<QuotaLimit::Kind> QuotaLimit::kindFromName(QStringView name)
{
    for (const auto &e : kWindowNames)
        if (name.compare(QStringView(e.name), Qt::CaseInsensitive) == 0)
            return e.kind;
    return std::nullopt;
}

QStringList QuotaLimit::windowNames()
{
    QStringList names;
    for (const auto &e : kWindowNames)
        names << QString::fromUtf16(e.name);
    return names;
}

bool QuotaPlan::isUnlimited() const
{
    return std::all_of(limits.begin(), limits.end(),
                       [](const QuotaLimit &l) { return l.limitsNothing(); });
}

qint64 QuotaPlan::longestWindowMs() const
{
    qint64 longest = 0;
    for (const auto &l : limits)
        if (!l.limitsNothing())
            longest = std::max(longest, l.lengthMs());
    return longest;
}

QStringList QuotaPlan::presetNames()
{
    return {u"coding-plan-lite"_s, u"coding-plan-pro"_s, u"token-plan"_s, u"custom"_s, u"none"_s};
}

Result<QuotaPlan> QuotaPlan::preset(const QString &name)
{
    using K = QuotaLimit::Kind;
    QuotaPlan plan;
    plan.name = name.trimmed().toLower();
    if (plan.name == u"coding-plan-lite") {
        plan.limits = {{K::Rolling5h, 1'200, 0}, {K::Week, 9'000, 0}, {K::Month, 18'000, 0}};
    } else if (plan.name == u"coding-plan-pro") {
        plan.limits = {{K::Rolling5h, 6'000, 0}, {K::Week, 45'000, 0}, {K::Month, 90'000, 0}};
    } else if (!presetNames().contains(plan.name)) {
        return invalid(u"unknown quota plan '"_s + name + u"' (known plans: "_s +
                       presetNames().join(u", "_s) + u')');
    }
    return plan;
}

Result<QuotaPlan> QuotaPlan::fromJson(const QJsonObject &json)
{
    for (auto it = json.begin(); it != json.end(); ++it)
        if (it.key() != u"name" && it.key() != u"limits")
            return invalid(u"quota plan: unknown key '"_s + it.key() +
                           u"' (a plan has \"name\" and \"limits\")"_s);

    QuotaPlan plan;
    plan.name = u"custom"_s;
    const QJsonValue name = json.value(u"name");
    if (!name.isUndefined()) {
        if (!name.isString() || name.toString().trimmed().isEmpty())
            return invalid(u"quota plan: \"name\" must be a non-empty string"_s);
        plan.name = name.toString().trimmed();
    }

    const QJsonValue limits = json.value(u"limits");
    if (limits.isUndefined()) {
        if (presetNames().contains(plan.name.toLower()))
            return preset(plan.name);
        return plan;
    }
    if (!limits.isArray())
        return invalid(u"quota plan: \"limits\" must be an array"_s);

    const QJsonArray array = limits.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString where = u"quota plan limit "_s + QString::number(i + 1);
        if (!array.at(i).isObject())
            return invalid(where + u": must be an object like {\"window\": \"5h\", "
                                   u"\"requests\": 1200}"_s);
        const QJsonObject o = array.at(i).toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            if (it.key() != u"window" && it.key() != u"requests" && it.key() != u"tokens")
                return invalid(where + u": unknown key '"_s + it.key() +
                               u"' (use window, requests, tokens)"_s);
        const QJsonValue window = o.value(u"window");
        if (!window.isString())
            return invalid(where + u": \"window\" is missing or not a string (use "_s +
                           windowList() + u')');
        const auto kind = QuotaLimit::kindFromName(window.toString().trimmed());
        if (!kind)
            return invalid(where + u": unknown window '"_s + window.toString() + u"' (use "_s +
                           windowList() + u')');
        QuotaLimit limit;
        limit.kind = *kind;
        const QString named = where + u" ("_s + limit.windowName() + u')';
        if (o.contains(u"requests"))
            if (auto e = readJsonAmount(o.value(u"requests"), named + u": \"requests\""_s,
                                        &limit.maxRequests))
                return invalid(*e);
        if (o.contains(u"tokens"))
            if (auto e =
                    readJsonAmount(o.value(u"tokens"), named + u": \"tokens\""_s, &limit.maxTokens))
                return invalid(*e);
        for (const auto &earlier : std::as_const(plan.limits))
            if (earlier.kind == limit.kind)
                return invalid(named + u": the window is given twice; put requests and tokens "
                                       u"in one entry"_s);
        plan.limits << limit;
    }
    return dropEmptyLimits(std::move(plan));
}

QJsonObject QuotaPlan::toJson() const
{
    QJsonArray array;
    for (const auto &l : limits) {
        if (l.limitsNothing())
            continue;
        QJsonObject o{{u"window"_s, l.windowName()}};
        if (l.maxRequests > 0)
            o.insert(u"requests"_s, double(l.maxRequests));
        if (l.maxTokens > 0)
            o.insert(u"tokens"_s, double(l.maxTokens));
        array.append(o);
    }
    return QJsonObject{{u"name"_s, name}, {u"limits"_s, array}};
}

Result<QuotaPlan> QuotaPlan::fromSpec(const QString &spec)
{
    const QString trimmed = spec.trimmed();
    if (trimmed.isEmpty())
        return preset(u"none"_s);
    if (!trimmed.contains(u':'))
        return preset(trimmed); // names the known presets when it is none of them

    QuotaPlan plan;
    plan.name = u"custom"_s;
    QStringList given; // "5h requests", "5h tokens": a repeat would silently override
    const QList<QStringView> items = QStringView(trimmed).split(u',');
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QStringView item = items.at(i).trimmed();
        const QString where = u"quota spec item "_s + QString::number(i + 1);
        if (item.isEmpty())
            return invalid(where + u" is empty (items are separated by single commas)"_s);
        const QString quoted = where + u" '"_s + item.toString() + u'\'';
        const qsizetype colon = item.indexOf(u':');
        if (colon < 0)
            return invalid(quoted + u": expected window:amount, like 5h:1200"_s);
        const QStringView windowText = item.left(colon).trimmed();
        const auto kind = QuotaLimit::kindFromName(windowText);
        if (!kind)
            return invalid(quoted + u": unknown window '"_s + windowText.toString() + u"' (use "_s +
                           windowList() + u')');

        QStringView amountText = item.mid(colon + 1).trimmed();
        bool tokens = false;
        const qsizetype equals = amountText.indexOf(u'=');
        if (equals >= 0) {
            const QStringView dimension = amountText.left(equals).trimmed();
            if (dimension.compare(u"tokens", Qt::CaseInsensitive) == 0)
                tokens = true;
            else if (dimension.compare(u"requests", Qt::CaseInsensitive) != 0)
                return invalid(quoted + u": unknown dimension '"_s + dimension.toString() +
                               u"' (use requests or tokens)"_s);
            amountText = amountText.mid(equals + 1);
        }
        qint64 amount = 0;
        if (auto e = readSpecAmount(amountText, &amount))
            return invalid(quoted + u": "_s + *e);

        QuotaLimit *limit = nullptr;
        for (auto &l : plan.limits)
            if (l.kind == *kind)
                limit = &l;
        if (!limit) {
            plan.limits.append(QuotaLimit{*kind, 0, 0});
            limit = &plan.limits.last();
        }
        const QString key = limit->windowName() + (tokens ? u" tokens"_s : u" requests"_s);
        if (given.contains(key))
            return invalid(quoted + u": "_s + key + u" are given twice"_s);
        given << key;
        (tokens ? limit->maxTokens : limit->maxRequests) = amount;
    }
    return dropEmptyLimits(std::move(plan));
}

QString QuotaPlan::toSpec() const
{
    QStringList items;
    for (const auto &l : limits) {
        if (l.maxRequests > 0)
            items << l.windowName() + u':' + QString::number(l.maxRequests);
        if (l.maxTokens > 0)
            items << l.windowName() + u":tokens="_s + QString::number(l.maxTokens);
    }
    return items.join(u',');
}

} // namespace qp
