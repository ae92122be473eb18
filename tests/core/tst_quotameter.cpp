// QuotaPlan (presets, JSON, text spec) and QuotaMeter (windows, reserve, availability, crossings),
// all on explicit times or a FakeClock: nothing here sleeps.
#include "common/clock.h"
#include "pool/quotameter.h"
#include "pool/quotaplan.h"

#include <QDate>
#include <QJsonDocument>
#include <QTimeZone>
#include <QtTest>
#include <functional>

using namespace qp;
using namespace Qt::StringLiterals;
using K = QuotaLimit::Kind;

namespace {

constexpr qint64 kMin = 60'000;
constexpr qint64 kHour = 60 * kMin;
constexpr qint64 kDay = 24 * kHour;

qint64 utc(int y, int m, int d, int h = 0, int mi = 0, int s = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, mi, s), QTimeZone::utc()).toMSecsSinceEpoch();
}

// Monday 2 March 2026, 00:00 UTC.
const qint64 kT0 = utc(2026, 3, 2);

// QVERIFY2 evaluates its message even when the check passes: never touch error() of a value.
template <typename T> QByteArray why(const Result<T> &r)
{
    return r.ok() ? QByteArray() : r.error().message.toUtf8();
}

QuotaPlan specOrFail(const QString &spec)
{
    auto p = QuotaPlan::fromSpec(spec);
    if (!p.ok())
        qFatal("bad spec in test: %s", qPrintable(p.error().message));
    return p.value();
}

// What a window counts, worked out independently of the meter: a request in minute M stays in a
// rolling window until M + 1 min + length; a calendar window counts what happened since the start
// of its period (from QDate, not from QuotaLimit). Later records count too.
qint64 periodStart(K kind, qint64 nowMs)
{
    const QDate date = QDateTime::fromMSecsSinceEpoch(nowMs, QTimeZone::utc()).date();
    QDate start = date;
    if (kind == K::CalendarWeek)
        start = date.addDays(1 - date.dayOfWeek());
    else if (kind == K::CalendarMonth)
        start = QDate(date.year(), date.month(), 1);
    return QDateTime(start, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

struct Rec {
    qint64 at, requests, tokens;
};

std::pair<qint64, qint64> reference(const QuotaLimit &l, const QList<Rec> &recs, qint64 nowMs)
{
    const qint64 start = l.isRolling() ? 0 : periodStart(l.kind, nowMs);
    qint64 r = 0, t = 0;
    for (const Rec &rec : recs) {
        const qint64 minute = rec.at - (rec.at % kMin);
        const bool counted = l.isRolling() ? nowMs < minute + kMin + l.lengthMs() : minute >= start;
        if (counted) {
            r += rec.requests;
            t += rec.tokens;
        }
    }
    return {r, t};
}

// A small deterministic generator, so a failure reproduces.
struct Lcg {
    quint64 s;
    quint64 next()
    {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return s >> 33;
    }
};

} // namespace

class TestQuotaMeter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void presetsHaveThePublishedNumbers();
    void calendarPeriods();
    void rollingFiveHoursFreesMinuteByMinute();
    void utcDayResetsAtMidnight();
    void weekAndMonth();
    void availableAtIsExact();
    void availableAtWaitsForEveryWindow();
    void reservePercent();
    void tokensAndRequestsTogether();
    void streamedTokensAddedLater();
    void restoreGivesIdenticalWindows();
    void runningSumsMatchRecounting();
    void pruning();
    void tightestAndRemaining();
    void crossingsReportedOnce();
    void planJsonRoundTrip();
    void planJsonErrors_data();
    void planJsonErrors();
    void specRoundTrip();
    void specErrors_data();
    void specErrors();
};

void TestQuotaMeter::presetsHaveThePublishedNumbers()
{
    const auto lite = QuotaPlan::preset(u"coding-plan-lite"_s);
    QVERIFY(lite.ok());
    QCOMPARE(lite->name, u"coding-plan-lite"_s);
    const QList<QuotaLimit> liteLimits{
        {K::Rolling5h, 1200, 0}, {K::Week, 9000, 0}, {K::Month, 18000, 0}};
    QCOMPARE(lite->limits, liteLimits);

    const auto pro = QuotaPlan::preset(u"coding-plan-pro"_s);
    QVERIFY(pro.ok());
    const QList<QuotaLimit> proLimits{
        {K::Rolling5h, 6000, 0}, {K::Week, 45000, 0}, {K::Month, 90000, 0}};
    QCOMPARE(pro->limits, proLimits);

    for (const QString &name : {u"token-plan"_s, u"custom"_s, u"none"_s}) {
        const auto p = QuotaPlan::preset(name);
        QVERIFY2(p.ok(), qPrintable(name));
        QCOMPARE(p->name, name);
        QVERIFY(p->limits.isEmpty());
        QVERIFY(p->isUnlimited());
    }
    QCOMPARE(QuotaPlan::presetNames().size(), 5);

    const auto unknown = QuotaPlan::preset(u"coding-plan-max"_s);
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().kind, Error::Kind::InvalidRequest);
    QVERIFY(unknown.error().message.contains(u"coding-plan-max"));
    QVERIFY(unknown.error().message.contains(u"coding-plan-lite"));

    // Rolling lengths: 5 h, 24 h, 7 days, 30 days.
    QCOMPARE((QuotaLimit{K::Rolling5h, 1, 0}.lengthMs()), 5 * kHour);
    QCOMPARE((QuotaLimit{K::RollingDay, 1, 0}.lengthMs()), kDay);
    QCOMPARE((QuotaLimit{K::Week, 1, 0}.lengthMs()), 7 * kDay);
    QCOMPARE((QuotaLimit{K::Month, 1, 0}.lengthMs()), 30 * kDay);
}

void TestQuotaMeter::calendarPeriods()
{
    const QuotaLimit day{K::UtcDay, 1, 0};
    const QuotaLimit week{K::CalendarWeek, 1, 0};
    const QuotaLimit month{K::CalendarMonth, 1, 0};
    const qint64 at = utc(2026, 3, 4, 13, 7, 5); // a Wednesday
    QCOMPARE(day.periodStartMs(at), utc(2026, 3, 4));
    QCOMPARE(day.periodEndMs(at), utc(2026, 3, 5));
    QCOMPARE(week.periodStartMs(at), utc(2026, 3, 2));
    QCOMPARE(week.periodEndMs(at), utc(2026, 3, 9));
    QCOMPARE(week.periodStartMs(utc(2026, 3, 1, 23, 59)), utc(2026, 2, 23)); // Sunday
    QCOMPARE(week.periodStartMs(utc(2026, 3, 2)), utc(2026, 3, 2));          // Monday 00:00
    QCOMPARE(month.periodStartMs(at), utc(2026, 3, 1));
    QCOMPARE(month.periodEndMs(at), utc(2026, 4, 1));
    QCOMPARE(month.periodEndMs(utc(2024, 2, 29, 12)), utc(2024, 3, 1)); // leap year
    QCOMPARE(month.periodEndMs(utc(2026, 12, 31, 23, 59)), utc(2027, 1, 1));
    QCOMPARE(day.periodStartMs(utc(1969, 12, 31, 12)), utc(1969, 12, 31)); // before the epoch
}

void TestQuotaMeter::rollingFiveHoursFreesMinuteByMinute()
{
    FakeClock clock(kT0);
    QuotaMeter meter(specOrFail(u"5h:3"_s));
    meter.record(clock.nowMs(), 1, 0);                 // minute 0
    meter.record(clock.nowMs() + 59'999, 1, 0);        // still minute 0
    meter.record(clock.nowMs() + kMin + 30'000, 1, 0); // minute 1
    QVERIFY(!meter.canServe(clock.nowMs()));

    auto w = meter.windows(clock.nowMs() + 2 * kMin);
    QCOMPARE(w.size(), 1);
    QCOMPARE(w[0].usedRequests, 3);
    QCOMPARE(w[0].remainingRequests, 0);
    QCOMPARE(w[0].remainingTokens, -1);
    QCOMPARE(w[0].usedFraction, 1.0);
    // The request at 00:00:59 may be counted upstream until 05:00:59: minute 0 leaves at 05:01.
    QCOMPARE(w[0].resetsAtMs, kT0 + 5 * kHour + kMin);
    QCOMPARE(w[0].fullyResetsAtMs, kT0 + 5 * kHour + 2 * kMin);

    clock.setMs(kT0 + 5 * kHour + kMin - 1);
    QCOMPARE(meter.windows(clock.nowMs())[0].usedRequests, 3);
    QVERIFY(!meter.canServe(clock.nowMs()));
    clock.advanceMs(1);
    QCOMPARE(meter.windows(clock.nowMs())[0].usedRequests, 1);
    QVERIFY(meter.canServe(clock.nowMs()));
    clock.advanceMs(kMin - 1);
    QCOMPARE(meter.windows(clock.nowMs())[0].usedRequests, 1);
    clock.advanceMs(1);
    w = meter.windows(clock.nowMs());
    QCOMPARE(w[0].usedRequests, 0);
    QCOMPARE(w[0].remainingRequests, 3);
    QCOMPARE(w[0].resetsAtMs, clock.nowMs()); // nothing counted: nothing to wait for
}

void TestQuotaMeter::utcDayResetsAtMidnight()
{
    QuotaMeter meter(specOrFail(u"utc-day:5,day:5"_s));
    meter.record(utc(2026, 3, 2, 23, 59, 30), 5, 0);
    auto w = meter.windows(utc(2026, 3, 2, 23, 59, 59));
    QCOMPARE(w[0].limit.kind, K::UtcDay);
    QCOMPARE(w[0].usedRequests, 5);
    QCOMPARE(w[0].resetsAtMs, utc(2026, 3, 3));
    QCOMPARE(w[0].fullyResetsAtMs, utc(2026, 3, 3));

    w = meter.windows(utc(2026, 3, 3));
    QCOMPARE(w[0].usedRequests, 0); // the calendar day is new
    QCOMPARE(w[1].usedRequests, 5); // the last 24 hours still hold them
    QCOMPARE(w[0].resetsAtMs, utc(2026, 3, 4));
    QCOMPARE(meter.availableAtMs(utc(2026, 3, 2, 23, 59, 59)), utc(2026, 3, 3, 23, 59) + kMin);

    QuotaMeter dayOnly(specOrFail(u"utc-day:5"_s));
    dayOnly.record(utc(2026, 3, 2, 23, 59, 30), 5, 0);
    QVERIFY(!dayOnly.canServe(utc(2026, 3, 3) - 1));
    QCOMPARE(dayOnly.availableAtMs(utc(2026, 3, 2, 12)), utc(2026, 3, 3));
    QVERIFY(dayOnly.canServe(utc(2026, 3, 3)));
}

void TestQuotaMeter::weekAndMonth()
{
    QuotaMeter rolling(specOrFail(u"week:2,month:3"_s));
    rolling.record(kT0 + 10 * kMin, 2, 0);
    QVERIFY(!rolling.canServe(kT0 + kDay));
    QCOMPARE(rolling.availableAtMs(kT0 + kDay), kT0 + 7 * kDay + 11 * kMin);
    auto w = rolling.windows(kT0 + 7 * kDay + 11 * kMin);
    QCOMPARE(w[0].usedRequests, 0);
    QCOMPARE(w[1].usedRequests, 2);
    QCOMPARE(w[1].resetsAtMs, kT0 + 30 * kDay + 11 * kMin);
    QCOMPARE(rolling.windows(kT0 + 30 * kDay + 11 * kMin - 1)[1].usedRequests, 2);
    QCOMPARE(rolling.windows(kT0 + 30 * kDay + 11 * kMin)[1].usedRequests, 0);

    QuotaMeter calendar(specOrFail(u"utc-week:2,utc-month:3"_s));
    calendar.record(utc(2026, 3, 1, 23, 0), 1, 0);  // Sunday: a week's last day, March's first
    calendar.record(utc(2026, 2, 28, 12, 0), 1, 0); // February
    w = calendar.windows(utc(2026, 3, 1, 23, 30));
    QCOMPARE(w[0].usedRequests, 2);
    QCOMPARE(w[0].resetsAtMs, utc(2026, 3, 2));
    QCOMPARE(w[1].usedRequests, 1);
    QCOMPARE(w[1].resetsAtMs, utc(2026, 4, 1));
    QVERIFY(!calendar.canServe(utc(2026, 3, 1, 23, 30)));
    QCOMPARE(calendar.availableAtMs(utc(2026, 3, 1, 23, 30)), utc(2026, 3, 2));
    w = calendar.windows(utc(2026, 3, 2));
    QCOMPARE(w[0].usedRequests, 0);
    QCOMPARE(w[1].usedRequests, 1);
}

void TestQuotaMeter::availableAtIsExact()
{
    // Limit 5 with a 20 % reserve (1 request): serves while at most 3 are counted.
    QuotaMeter meter(specOrFail(u"5h:5"_s), 20);
    meter.record(kT0, 1, 0);
    meter.record(kT0 + 10 * kMin + 5'000, 1, 0);
    meter.record(kT0 + 20 * kMin, 1, 0);
    QVERIFY(meter.canServe(kT0 + 21 * kMin));
    QCOMPARE(meter.availableAtMs(kT0 + 21 * kMin), kT0 + 21 * kMin);
    meter.record(kT0 + 30 * kMin, 2, 0);
    const qint64 now = kT0 + 31 * kMin;
    QVERIFY(!meter.canServe(now));
    // Minute 0 leaving leaves 4 (still blocked); minute 10 leaving leaves 3.
    const qint64 expected = kT0 + 10 * kMin + 5 * kHour + kMin;
    QCOMPARE(meter.availableAtMs(now), expected);
    QVERIFY(!meter.canServe(expected - 1));
    QVERIFY(meter.canServe(expected));
    QCOMPARE(meter.availableAtMs(expected), expected);

    // Asked again later, from a different start, the answer is the same moment.
    QCOMPARE(meter.availableAtMs(kT0 + 4 * kHour), expected);

    // A reserve that takes the whole limit: waiting never helps.
    QuotaMeter never(specOrFail(u"5h:1"_s), 100);
    QVERIFY(!never.canServe(kT0));
    QCOMPARE(never.availableAtMs(kT0), QuotaMeter::kNever);
}

void TestQuotaMeter::availableAtWaitsForEveryWindow()
{
    // Both windows block; the day frees first (minute 0 leaves at 24h01), the 5 h window later
    // (minute 23h00 leaves at 28h01): available when the later of the two frees.
    QuotaMeter meter(specOrFail(u"5h:2,day:3"_s));
    meter.record(kT0, 1, 0);
    meter.record(kT0 + 23 * kHour, 2, 0);
    const qint64 now = kT0 + 23 * kHour + kMin;
    QVERIFY(!meter.canServe(now));
    auto w = meter.windows(now);
    QCOMPARE(w[0].usedRequests, 2);
    QCOMPARE(w[1].usedRequests, 3);
    QCOMPARE(meter.availableAtMs(now), kT0 + 28 * kHour + kMin);
    meter.record(now, 0, 0); // counts nothing
    QCOMPARE(meter.buckets().size(), 2);

    // Only the day blocks: the 5 h window's own state does not delay it.
    QuotaMeter longer(specOrFail(u"5h:2,day:2"_s));
    longer.record(kT0, 1, 0);
    longer.record(kT0 + 6 * kHour, 1, 0);
    QCOMPARE(longer.availableAtMs(kT0 + 7 * kHour), kT0 + kDay + kMin);
    QVERIFY(!longer.canServe(kT0 + kDay + kMin - 1));
    QVERIFY(longer.canServe(kT0 + kDay + kMin));
}

void TestQuotaMeter::reservePercent()
{
    QuotaMeter meter(specOrFail(u"5h:1200"_s));
    meter.record(kT0, 1199, 0);
    QVERIFY(meter.canServe(kT0)); // reserve 0: up to the limit exactly
    meter.record(kT0, 1, 0);
    QVERIFY(!meter.canServe(kT0));

    meter.restore({});
    meter.setReservePercent(10); // 120 kept back
    meter.record(kT0, 1079, 0);
    QVERIFY(meter.canServe(kT0));
    QCOMPARE(meter.remainingInTightest(kT0), 1);
    meter.record(kT0, 1, 0);
    QVERIFY(!meter.canServe(kT0));
    QCOMPARE(meter.remainingInTightest(kT0), 0);

    // Rounded up: 10 % of 5 keeps one back.
    QuotaMeter small(specOrFail(u"5h:5"_s), 10);
    small.record(kT0, 3, 0);
    QVERIFY(small.canServe(kT0));
    small.record(kT0, 1, 0);
    QVERIFY(!small.canServe(kT0));

    meter.setReservePercent(150);
    QCOMPARE(meter.reservePercent(), 100);
    QVERIFY(!meter.canServe(kT0));
    meter.setReservePercent(-5);
    QCOMPARE(meter.reservePercent(), 0);
    QVERIFY(meter.canServe(kT0)); // 1080 of 1200
}

void TestQuotaMeter::tokensAndRequestsTogether()
{
    QuotaMeter meter(specOrFail(u"5h:10,5h:tokens=1000"_s));
    QCOMPARE(meter.plan().limits.size(), 1);
    meter.record(kT0, 1, 0);
    meter.record(kT0 + 30'000, 0, 999);
    QVERIFY(meter.canServe(kT0 + kMin));
    meter.record(kT0 + kMin, 1, 1);
    QVERIFY(!meter.canServe(kT0 + kMin)); // tokens at the limit, requests at 2 of 10
    auto w = meter.windows(kT0 + kMin);
    QCOMPARE(w[0].usedRequests, 2);
    QCOMPARE(w[0].usedTokens, 1000);
    QCOMPARE(w[0].remainingRequests, 8);
    QCOMPARE(w[0].remainingTokens, 0);
    QCOMPARE(w[0].usedFraction, 1.0);

    QuotaMeter requestsBlock(specOrFail(u"5h:2,week:tokens=1m"_s));
    requestsBlock.record(kT0, 2, 10);
    QVERIFY(!requestsBlock.canServe(kT0));
    w = requestsBlock.windows(kT0);
    QCOMPARE(w[1].usedTokens, 10);
    QCOMPARE(w[1].remainingTokens, 999'990);
    QCOMPARE(w[1].remainingRequests, -1);
    QCOMPARE(requestsBlock.availableAtMs(kT0), kT0 + 5 * kHour + kMin);
}

void TestQuotaMeter::streamedTokensAddedLater()
{
    // A stream counted at its start, its tokens at its end three minutes later: the tokens sit in
    // the end minute, so they stay in the window three minutes longer than the request.
    QuotaMeter meter(specOrFail(u"5h:tokens=500"_s));
    meter.record(kT0, 1, 0);
    meter.record(kT0 + 3 * kMin, 0, 500);
    QVERIFY(!meter.canServe(kT0 + 3 * kMin));
    QCOMPARE(meter.buckets().size(), 2);
    QCOMPARE(meter.availableAtMs(kT0 + 3 * kMin), kT0 + 5 * kHour + 4 * kMin);

    // An earlier minute recorded after a later one (out of order) lands in its own minute.
    meter.record(kT0 + kMin, 0, 7);
    const auto b = meter.buckets();
    QCOMPARE(b.size(), 3);
    QCOMPARE(b[1].minuteMs, kT0 + kMin);
    QCOMPARE(b[1].tokens, 7);
    QCOMPARE(meter.windows(kT0 + 3 * kMin)[0].usedTokens, 507);
}

void TestQuotaMeter::restoreGivesIdenticalWindows()
{
    QuotaPlan plan = QuotaPlan::preset(u"coding-plan-pro"_s).value();
    plan.limits << QuotaLimit{K::UtcDay, 3000, 2'000'000}
                << QuotaLimit{K::CalendarMonth, 0, 50'000'000};
    QuotaMeter meter(plan, 5);
    meter.setAccountId(u"acc-1"_s);
    Lcg rng{42};
    qint64 t = kT0;
    for (int i = 0; i < 3000; ++i) {
        t += qint64(rng.next() % (20 * kMin));
        meter.record(t, 1, qint64(rng.next() % 5000));
    }
    const auto stored = meter.buckets();
    QVERIFY(!stored.isEmpty());
    for (const auto &b : stored) {
        QCOMPARE(b.accountId, u"acc-1"_s);
        QCOMPARE(b.minuteMs % kMin, 0);
    }

    // Stored rows come back in any order, some minutes split over two rows.
    QList<QuotaBucket> shuffled;
    for (qsizetype i = stored.size() - 1; i >= 0; --i) {
        QuotaBucket b = stored[i];
        if (i % 7 == 0 && b.requests > 0) {
            QuotaBucket half = b;
            half.requests = 1;
            half.tokens = 0;
            b.requests -= 1;
            shuffled << half;
        }
        shuffled << b;
    }
    QuotaMeter restored(plan, 5);
    restored.restore(shuffled);

    for (qint64 now : {t, t + 3 * kHour, t + 2 * kDay, t + 9 * kDay, t + 29 * kDay}) {
        const auto a = meter.windows(now);
        const auto b = restored.windows(now);
        QCOMPARE(a.size(), b.size());
        for (qsizetype i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].usedRequests, a[i].usedRequests);
            QCOMPARE(b[i].usedTokens, a[i].usedTokens);
            QCOMPARE(b[i].resetsAtMs, a[i].resetsAtMs);
            QCOMPARE(b[i].fullyResetsAtMs, a[i].fullyResetsAtMs);
        }
        QCOMPARE(restored.canServe(now), meter.canServe(now));
        QCOMPARE(restored.availableAtMs(now), meter.availableAtMs(now));
    }
    const auto again = restored.buckets();
    QCOMPARE(again.size(), stored.size());
    for (qsizetype i = 0; i < again.size(); ++i) {
        QCOMPARE(again[i].minuteMs, stored[i].minuteMs);
        QCOMPARE(again[i].requests, stored[i].requests);
        QCOMPARE(again[i].tokens, stored[i].tokens);
    }
}

void TestQuotaMeter::runningSumsMatchRecounting()
{
    // The cached running sums against a recount from scratch, with time moving forward, jumping,
    // stepping back, and records arriving out of order, for every window kind.
    QuotaPlan plan =
        specOrFail(u"5h:100000,day:100000,week:100000,month:100000,utc-day:100000,utc-week:100000,"
                   u"utc-month:tokens=100m"_s);
    QCOMPARE(plan.limits.size(), 7);
    QuotaMeter meter(plan);
    QList<Rec> recs;
    Lcg rng{7};
    qint64 now = kT0 - 3 * kDay;
    for (int step = 0; step < 4000; ++step) {
        const quint64 r = rng.next();
        if (r % 10 == 0)
            now -= qint64(rng.next() % (2 * kHour)); // the clock steps back
        else
            now += qint64(rng.next() % (r % 50 == 1 ? 3 * kDay : 15 * kMin));
        const qint64 at = r % 13 == 0 ? now - qint64(rng.next() % (30 * kMin)) : now;
        const Rec rec{at, qint64(rng.next() % 3), qint64(rng.next() % 1000)};
        meter.record(rec.at, rec.requests, rec.tokens);
        recs << rec;
        if (step % 3 != 0)
            continue;
        const auto w = meter.windows(now);
        for (qsizetype i = 0; i < w.size(); ++i) {
            const auto [requests, tokens] = reference(plan.limits[i], recs, now);
            if (w[i].usedRequests != requests || w[i].usedTokens != tokens)
                QFAIL(qPrintable(u"step %1 window %2: meter %3/%4, recount %5/%6"_s.arg(step)
                                     .arg(plan.limits[i].windowName())
                                     .arg(w[i].usedRequests)
                                     .arg(w[i].usedTokens)
                                     .arg(requests)
                                     .arg(tokens)));
        }
    }
    // Sanity on the cost, not a timing assertion: a month of per-minute buckets, then canServe
    // for every minute of the next day. A rescan per call would be 60 million bucket visits.
    QuotaMeter busy(QuotaPlan::preset(u"coding-plan-pro"_s).value());
    for (qint64 m = 0; m < 30 * 24 * 60; ++m)
        busy.record(kT0 + m * kMin, 1, 0);
    QCOMPARE(busy.buckets().size(), 30 * 24 * 60);
    int serving = 0;
    for (qint64 m = 0; m < 24 * 60; ++m)
        serving += busy.canServe(kT0 + 30 * kDay + m * kMin) ? 1 : 0;
    QCOMPARE(serving, 24 * 60); // 300 per 5 h, 10,080 per week, 43,200 per month: all below
}

void TestQuotaMeter::pruning()
{
    QuotaMeter meter(specOrFail(u"5h:10"_s));
    meter.record(kT0, 1, 0);
    meter.record(kT0 + 4 * kHour, 1, 0);
    QCOMPARE(meter.windows(kT0 + 4 * kHour)[0].usedRequests, 2);
    meter.record(kT0 + 5 * kHour + kMin, 1, 0); // minute 0 can no longer be in any window
    auto b = meter.buckets();
    QCOMPARE(b.size(), 2);
    QCOMPARE(b[0].minuteMs, kT0 + 4 * kHour);
    QCOMPARE(meter.windows(kT0 + 5 * kHour + kMin)[0].usedRequests, 2);

    meter.prune(kT0 + 9 * kHour + kMin);
    b = meter.buckets();
    QCOMPARE(b.size(), 1);
    QCOMPARE(meter.windows(kT0 + 9 * kHour + kMin)[0].usedRequests, 1);

    // Without limits the meter keeps the longest any window can be (31 days).
    QuotaMeter unlimited;
    QVERIFY(unlimited.canServe(kT0));
    QCOMPARE(unlimited.availableAtMs(kT0), kT0);
    QCOMPARE(unlimited.remainingInTightest(kT0), -1);
    unlimited.record(kT0, 1, 0);
    unlimited.record(kT0 + 31 * kDay, 1, 0);
    QCOMPARE(unlimited.buckets().size(), 2);
    unlimited.record(kT0 + 31 * kDay + kMin, 1, 0);
    QCOMPARE(unlimited.buckets().size(), 2);
    unlimited.setPlan(specOrFail(u"month:5"_s));
    QCOMPARE(unlimited.windows(kT0 + 31 * kDay + kMin)[0].usedRequests, 2);
}

void TestQuotaMeter::tightestAndRemaining()
{
    QuotaMeter meter(specOrFail(u"5h:10,week:12,week:tokens=1000"_s));
    QCOMPARE(meter.tightestFraction(kT0), 0.0);
    QCOMPARE(meter.remainingInTightest(kT0), 10);
    meter.record(kT0, 4, 100);
    QCOMPARE(meter.tightestFraction(kT0), 0.4);
    QCOMPARE(meter.remainingInTightest(kT0), 6);
    meter.record(kT0, 0, 500); // tokens at 60 % of the week
    QCOMPARE(meter.tightestFraction(kT0), 0.6);
    QCOMPARE(meter.remainingInTightest(kT0), 6); // still counted in requests
    // Once the 5 h window is empty the week, with 8 left, is the tighter one.
    QCOMPARE(meter.remainingInTightest(kT0 + 5 * kHour + kMin), 8);
    meter.record(kT0 + 6 * kHour, 0, 400); // tokens at the limit
    QVERIFY(!meter.canServe(kT0 + 6 * kHour));
    QCOMPARE(meter.remainingInTightest(kT0 + 6 * kHour), 0);

    QuotaMeter tokensOnly(specOrFail(u"day:tokens=5000"_s), 10);
    tokensOnly.record(kT0, 3, 1000);
    QCOMPARE(tokensOnly.remainingInTightest(kT0), 3500);
}

void TestQuotaMeter::crossingsReportedOnce()
{
    QuotaMeter meter(specOrFail(u"5h:10,week:1000"_s));
    QList<std::pair<int, int>> seen; // (request number, percent) for the 5h window
    for (int n = 1; n <= 13; ++n) {
        const auto before = meter.windows(kT0);
        meter.record(kT0, 1, 0);
        for (const auto &c : QuotaMeter::crossings(before, meter.windows(kT0))) {
            QCOMPARE(c.limit.kind, K::Rolling5h);
            seen << std::pair{n, c.percent};
        }
    }
    const QList<std::pair<int, int>> expected{{8, 80}, {10, 100}};
    QCOMPARE(seen, expected);

    // One large record crosses both thresholds at once; then nothing more.
    QuotaMeter tokens(specOrFail(u"day:tokens=1000"_s));
    auto before = tokens.windows(kT0);
    tokens.record(kT0, 1, 799);
    QVERIFY(QuotaMeter::crossings(before, tokens.windows(kT0)).isEmpty());
    before = tokens.windows(kT0);
    tokens.record(kT0, 1, 201);
    const auto both = QuotaMeter::crossings(before, tokens.windows(kT0));
    QCOMPARE(both.size(), 2);
    QCOMPARE(both[0].percent, 80);
    QCOMPARE(both[1].percent, 100);
    before = tokens.windows(kT0);
    tokens.record(kT0, 1, 5);
    QVERIFY(QuotaMeter::crossings(before, tokens.windows(kT0)).isEmpty());

    // After the window frees, crossing again is a new crossing.
    const qint64 later = kT0 + kDay + kMin;
    before = tokens.windows(later);
    QCOMPARE(before[0].usedTokens, 0);
    tokens.record(later, 1, 900);
    const auto again = QuotaMeter::crossings(before, tokens.windows(later));
    QCOMPARE(again.size(), 1);
    QCOMPARE(again[0].percent, 80);

    // Lists from different plans are not compared: an unused 5h window against a full day.
    const QuotaMeter fresh(specOrFail(u"5h:10"_s));
    QuotaMeter other(specOrFail(u"day:tokens=10"_s));
    other.record(kT0, 1, 10);
    QVERIFY(QuotaMeter::crossings(fresh.windows(kT0), other.windows(kT0)).isEmpty());
}

void TestQuotaMeter::planJsonRoundTrip()
{
    QuotaPlan plan = specOrFail(u"5h:1200,day:tokens=2m,utc-week:9000,utc-week:tokens=7,"
                                u"utc-month:18000,month:1,utc-day:3"_s);
    plan.name = u"my plan"_s;
    const QJsonObject json = plan.toJson();
    const auto back = QuotaPlan::fromJson(json);
    QVERIFY2(back.ok(), why(back).constData());
    QCOMPARE(back.value(), plan);

    // Through text as a settings file would hold it.
    const auto parsed = QJsonDocument::fromJson(QJsonDocument(json).toJson()).object();
    const auto fromText = QuotaPlan::fromJson(parsed);
    QVERIFY2(fromText.ok(), why(fromText).constData());
    QCOMPARE(fromText.value(), plan);
    const auto limit0 = json.value(u"limits").toArray().at(0).toObject();
    QCOMPARE(limit0.value(u"window").toString(), u"5h"_s);
    QCOMPARE(limit0.value(u"requests").toInteger(), 1200);
    QVERIFY(!limit0.contains(u"tokens"));

    // A preset by name alone.
    const auto lite = QuotaPlan::fromJson(QJsonObject{{u"name"_s, u"coding-plan-lite"_s}});
    QVERIFY2(lite.ok(), why(lite).constData());
    QCOMPARE(lite.value(), QuotaPlan::preset(u"coding-plan-lite"_s).value());
    // No name: custom. A 0/0 limit limits nothing and is dropped.
    const auto custom = QuotaPlan::fromJson(
        QJsonDocument::fromJson(
            R"({"limits": [{"window": "week", "requests": 0}, {"window": "5h", "requests": 3}]})")
            .object());
    QVERIFY2(custom.ok(), why(custom).constData());
    QCOMPARE(custom->name, u"custom"_s);
    QCOMPARE(custom->limits, (QList<QuotaLimit>{{K::Rolling5h, 3, 0}}));
}

void TestQuotaMeter::planJsonErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown window") << QByteArray(R"({"limits": [{"window": "fortnight"}]})")
                                    << u"unknown window 'fortnight'"_s;
    QTest::newRow("negative") << QByteArray(R"({"limits": [{"window": "5h", "requests": -5}]})")
                              << u"\"requests\" must not be negative (got -5)"_s;
    QTest::newRow("negative tokens")
        << QByteArray(R"({"limits": [{"window": "5h", "tokens": -1}]})") << u"\"tokens\""_s;
    QTest::newRow("fraction") << QByteArray(R"({"limits": [{"window": "5h", "requests": 1.5}]})")
                              << u"whole number (got 1.5)"_s;
    QTest::newRow("string amount")
        << QByteArray(R"({"limits": [{"window": "5h", "requests": "1200"}]})")
        << u"limit 1 (5h): \"requests\" must be a number"_s;
    QTest::newRow("huge") << QByteArray(R"({"limits": [{"window": "5h", "requests": 1e300}]})")
                          << u"larger than"_s;
    QTest::newRow("misspelt key") << QByteArray(
                                         R"({"limits": [{"window": "5h", "request": 1200}]})")
                                  << u"unknown key 'request'"_s;
    QTest::newRow("no window") << QByteArray(R"({"limits": [{"requests": 1}]})")
                               << u"limit 1: \"window\" is missing"_s;
    QTest::newRow("second limit")
        << QByteArray(R"({"limits": [{"window": "5h", "requests": 1}, {"window": 5}]})")
        << u"limit 2"_s;
    QTest::newRow("twice")
        << QByteArray(R"({"limits": [{"window": "5h", "requests": 1}, {"window": "5H"}]})")
        << u"limit 2 (5h): the window is given twice"_s;
    QTest::newRow("limits not array")
        << QByteArray(R"({"limits": {"window": "5h"}})") << u"\"limits\" must be an array"_s;
    QTest::newRow("limit not object")
        << QByteArray(R"({"limits": ["5h:1200"]})") << u"limit 1: must be an object"_s;
    QTest::newRow("name") << QByteArray(R"({"name": 3})") << u"\"name\""_s;
    QTest::newRow("plan key") << QByteArray(R"({"limit": []})") << u"unknown key 'limit'"_s;
}

void TestQuotaMeter::planJsonErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, mentions);
    QJsonParseError parseError;
    const auto doc = QJsonDocument::fromJson(json, &parseError);
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    const auto plan = QuotaPlan::fromJson(doc.object());
    QVERIFY(!plan.ok());
    QCOMPARE(plan.error().kind, Error::Kind::InvalidRequest);
    QVERIFY2(plan.error().message.contains(mentions), qPrintable(plan.error().message));
}

void TestQuotaMeter::specRoundTrip()
{
    const auto lite = QuotaPlan::fromSpec(u"5h:1200,week:9000,month:18000"_s);
    QVERIFY(lite.ok());
    QCOMPARE(lite->name, u"custom"_s);
    QCOMPARE(lite->limits, QuotaPlan::preset(u"coding-plan-lite"_s)->limits);
    QCOMPARE(lite->toSpec(), u"5h:1200,week:9000,month:18000"_s);

    const auto mixed = QuotaPlan::fromSpec(u" day:2000 , 5h:tokens=5000000,DAY:Tokens=3k "_s);
    QVERIFY(mixed.ok());
    const QList<QuotaLimit> mixedLimits{{K::RollingDay, 2000, 3000}, {K::Rolling5h, 0, 5'000'000}};
    QCOMPARE(mixed->limits, mixedLimits);
    QCOMPARE(mixed->toSpec(), u"day:2000,day:tokens=3000,5h:tokens=5000000"_s);
    QCOMPARE(QuotaPlan::fromSpec(mixed->toSpec())->limits, mixedLimits);

    QCOMPARE(QuotaPlan::fromSpec(u"utc-day:requests=2M"_s)->limits,
             (QList<QuotaLimit>{{K::UtcDay, 2'000'000, 0}}));
    QCOMPARE(QuotaPlan::fromSpec(u"5h:0"_s)->limits.size(), 0); // 0: no limit

    const auto pro = QuotaPlan::fromSpec(u"coding-plan-pro"_s);
    QVERIFY(pro.ok());
    QCOMPARE(pro.value(), QuotaPlan::preset(u"coding-plan-pro"_s).value());
    QCOMPARE(QuotaPlan::fromSpec(pro->toSpec())->limits, pro->limits);
    QCOMPARE(QuotaPlan::fromSpec(u""_s)->name, u"none"_s);
    QCOMPARE(QuotaPlan::fromSpec(u"none"_s)->toSpec(), QString());

    // Every window kind survives the trip.
    QuotaPlan all;
    for (const QString &name : QuotaLimit::windowNames())
        all.limits << QuotaLimit{*QuotaLimit::kindFromName(name), 7, 11};
    QCOMPARE(all.limits.size(), 7);
    QCOMPARE(QuotaPlan::fromSpec(all.toSpec())->limits, all.limits);
}

void TestQuotaMeter::specErrors_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown window")
        << u"5h:1200,fortnight:5"_s << u"item 2 'fortnight:5': unknown window 'fortnight'"_s;
    QTest::newRow("negative") << u"week:-9000"_s << u"'-9000' is negative"_s;
    QTest::newRow("negative tokens") << u"5h:tokens=-1"_s << u"'-1' is negative"_s;
    QTest::newRow("not a number") << u"5h:lots"_s << u"'lots' is not a whole number"_s;
    QTest::newRow("decimal") << u"5h:1.5k"_s << u"'1.5' is not a whole number"_s;
    QTest::newRow("no amount") << u"5h:"_s << u"amount is missing"_s;
    QTest::newRow("suffix only") << u"5h:k"_s << u"no digits"_s;
    QTest::newRow("no colon") << u"5h:1200,week"_s << u"item 2 'week': expected window:amount"_s;
    QTest::newRow("empty item") << u"5h:1200,,week:9000"_s << u"item 2 is empty"_s;
    QTest::newRow("trailing comma") << u"5h:1200,"_s << u"item 2 is empty"_s;
    QTest::newRow("dimension") << u"5h:bytes=5"_s << u"unknown dimension 'bytes'"_s;
    QTest::newRow("twice") << u"5h:1200,5h:requests=5"_s << u"5h requests are given twice"_s;
    QTest::newRow("too large") << u"5h:99999999999999999999"_s << u"larger than"_s;
    QTest::newRow("too large suffix") << u"5h:tokens=2000000000000m"_s << u"larger than"_s;
    QTest::newRow("unknown preset")
        << u"coding-plan-ultra"_s << u"unknown quota plan 'coding-plan-ultra'"_s;
}

void TestQuotaMeter::specErrors()
{
    QFETCH(QString, spec);
    QFETCH(QString, mentions);
    const auto plan = QuotaPlan::fromSpec(spec);
    QVERIFY(!plan.ok());
    QCOMPARE(plan.error().kind, Error::Kind::InvalidRequest);
    QVERIFY2(plan.error().message.contains(mentions), qPrintable(plan.error().message));
}

QTEST_GUILESS_MAIN(TestQuotaMeter)
#include "tst_quotameter.moc"
