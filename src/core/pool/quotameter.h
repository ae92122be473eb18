#pragma once
// Local metering of one account's quota windows. The upstream has no quota API, so the pool counts
// every request it sends (and the tokens it used) here, asks canServe() before choosing the
// account, and shows windows() to the user. Pure logic: times come in as arguments, storage goes
// through buckets()/restore().
//
// Counting is per whole minute (QuotaBucket). A minute stays in a rolling window until all of it
// has left: a request at 10:00:59 is counted until 15:01:00 in a 5-hour window, never freed before
// the upstream frees it. Buckets later than the time asked about count too, so a clock that steps
// back cannot make an account look fresher than it is.
//
// Not thread-safe: the const queries advance cached running sums (one per window), which keeps
// canServe() at O(windows) however many minutes a month of traffic holds.

#include "pool/quotaplan.h"
#include "usage/usagerecord.h"

#include <QList>
#include <QString>
#include <deque>
#include <limits>
#include <vector>

namespace qp {

class QuotaMeter
{
public:
    static constexpr qint64 kMinuteMs = 60'000;
    // availableAtMs() when no amount of waiting helps (the reserve takes the whole limit).
    static constexpr qint64 kNever = std::numeric_limits<qint64>::max();
    static constexpr int kWarnPercent = 80;
    static constexpr int kFullPercent = 100;

    struct WindowUse {
        QuotaLimit limit;
        qint64 usedRequests = 0;
        qint64 usedTokens = 0;
        qint64 remainingRequests = -1; // limit - used, at least 0; -1 when unlimited
        qint64 remainingTokens = -1;   // the same for tokens; the reserve is not subtracted
        double usedFraction = 0;       // the larger of the two dimensions; may exceed 1
        // Rolling: when the oldest counted minute leaves the window (something frees up);
        // calendar: the end of the period. nowMs for a rolling window with nothing counted.
        qint64 resetsAtMs = 0;
        // Rolling: when the newest counted minute leaves; calendar: the end of the period.
        qint64 fullyResetsAtMs = 0;
    };

    // A window whose use reached a threshold percent (kWarnPercent, kFullPercent) of a limit.
    struct Crossing {
        QuotaLimit limit;
        int percent = 0;
    };

    // reservePercent: how much of every limit to keep unused, for requests the meter cannot see
    // (the same account used by another tool) and for the upstream counting a little differently.
    explicit QuotaMeter(QuotaPlan plan = {}, int reservePercent = 0);

    const QuotaPlan &plan() const { return m_plan; }
    void setPlan(QuotaPlan plan);
    int reservePercent() const { return m_reservePercent; }
    void setReservePercent(int percent); // clamped to 0..100
    // Copied into buckets(), so the pool can store them as they are.
    QString accountId() const { return m_accountId; }
    void setAccountId(const QString &id) { m_accountId = id; }

    // Counts into the minute of atMs. A streamed request is counted when it starts
    // (record(start, 1, 0)) and its tokens when it ends (record(end, 0, tokens)). Negative amounts
    // count as 0. Prunes minutes no window can reach any more.
    void record(qint64 atMs, qint64 requests, qint64 tokens);
    // Replaces all counts with the stored buckets (after a restart). Rows for the same minute add
    // up; accountId is ignored.
    void restore(const QList<QuotaBucket> &buckets);
    // Oldest first, one per minute with anything counted.
    QList<QuotaBucket> buckets() const;
    // Drops minutes older than the plan's longest window before nowMs. With no limits at all,
    // keeps the longest any window can be (31 days), so a plan set later starts from real history.
    void prune(qint64 nowMs);

    // One entry per limit of the plan, in the plan's order.
    QList<WindowUse> windows(qint64 nowMs) const;
    // False when in any window, for requests or tokens, used + reserve reaches the limit, where
    // reserve = reservePercent of the limit rounded up: a non-zero percent always keeps at least
    // one back, and 0 lets the account be used up to the limit exactly.
    // pendingRequests: requests sent but not yet recorded (in flight), counted as used, so
    // concurrent requests cannot overshoot a limit.
    bool canServe(qint64 nowMs, qint64 pendingRequests = 0) const;
    // The earliest time canServe() becomes true if nothing more is recorded: nowMs when it is
    // true now, kNever when the reserve leaves nothing.
    qint64 availableAtMs(qint64 nowMs, qint64 pendingRequests = 0) const;
    // The largest usedFraction of any window: 0 when unused or unlimited (for least_used).
    double tightestFraction(qint64 nowMs) const;
    // How many more requests the account can serve before canServe() turns false: the smallest
    // over the request-limited windows, reserve subtracted. For a plan that only limits tokens,
    // the same in tokens. -1 when the plan limits nothing (for most_remaining).
    qint64 remainingInTightest(qint64 nowMs) const;

    // Windows that reached kWarnPercent or kFullPercent between two windows() results of the same
    // plan (before and after a record()). A threshold already reached before is not reported
    // again, so one crossing is reported once, however many requests follow.
    static QList<Crossing> crossings(const QList<WindowUse> &before, const QList<WindowUse> &after);

private:
    struct Minute {
        qint64 minuteMs = 0;
        qint64 requests = 0;
        qint64 tokens = 0;
    };
    // Running sums of the minutes counted by one window at the time it was last asked about:
    // every minute from index first (the first one at or after cutoffMs) to the newest.
    struct Sum {
        bool valid = false;
        qint64 cutoffMs = 0;
        std::size_t first = 0;
        qint64 requests = 0;
        qint64 tokens = 0;
    };

    qint64 cutoffMs(const QuotaLimit &limit, qint64 nowMs) const;
    const Sum &sumAt(qsizetype window, qint64 nowMs) const;
    qint64 reserveOf(qint64 limit) const;
    bool blocks(const QuotaLimit &limit, qint64 requests, qint64 tokens) const;
    qint64 availableAtMs(qsizetype window, qint64 nowMs, qint64 pending) const;
    void invalidateSums() const;

    QuotaPlan m_plan; // without limits that limit nothing
    int m_reservePercent = 0;
    QString m_accountId;
    std::deque<Minute> m_minutes;    // oldest first, one per minute
    mutable std::vector<Sum> m_sums; // one per limit of m_plan
};

} // namespace qp
