#pragma once
// What an upstream plan allows one account to use: request and token limits per time window.
// Qwen publishes no quota API, so the pool meters these windows itself (QuotaMeter) and this is
// the configuration it meters against: presets for the known plans, JSON for the accounts file
// and a one-line text spec for settings and the command line.

#include "common/error.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <optional>

namespace qp {

struct QuotaLimit {
    // Rolling windows are the safe default when a plan does not say how its windows are aligned.
    // A rolling window counts every request of the last N hours, a calendar window only those
    // since its last reset, which is a subset of the same span: the rolling count is never below
    // the calendar count, so metering rolling never calls an account available while the upstream
    // would still refuse it. It may hold an account back a little longer than needed; that is the
    // price of never sending a request into a 429.
    enum class Kind {
        Rolling5h,     // "5h": the last 5 hours
        RollingDay,    // "day": the last 24 hours
        Week,          // "week": the last 7 days
        Month,         // "month": the last 30 days
        UtcDay,        // "utc-day": since UTC midnight
        CalendarWeek,  // "utc-week": since Monday 00:00 UTC
        CalendarMonth, // "utc-month": since the 1st of the month, 00:00 UTC
    };

    Kind kind = Kind::Rolling5h;
    qint64 maxRequests = 0; // 0: no request limit in this window
    qint64 maxTokens = 0;   // 0: no token limit in this window

    bool isRolling() const;
    bool limitsNothing() const { return maxRequests <= 0 && maxTokens <= 0; }
    // Length of a rolling window; for a calendar window the longest its period can be.
    qint64 lengthMs() const;
    // The calendar period [start, end) that contains atMs. For rolling windows: (atMs - length,
    // atMs], which is only meaningful as a span.
    qint64 periodStartMs(qint64 atMs) const;
    qint64 periodEndMs(qint64 atMs) const;

    QString windowName() const { return windowName(kind); }
    static QString windowName(Kind kind);
    static std::optional<Kind> kindFromName(QStringView name);
    static QStringList windowNames();

    bool operator==(const QuotaLimit &) const = default;
};

// Amounts larger than this are refused on input: they are typos, and products of amounts stay far
// from overflowing 64 bits.
inline constexpr qint64 kMaxQuotaAmount = 1'000'000'000'000'000; // 10^15

struct QuotaPlan {
    QString name = QStringLiteral("none");
    QList<QuotaLimit> limits; // in display order; at most one per window kind

    bool isUnlimited() const;
    // How far back any window of this plan can look; 0 when it has none.
    qint64 longestWindowMs() const;

    // "coding-plan-lite", "coding-plan-pro", "token-plan", "custom", "none". token-plan and
    // custom start empty: the user fills in the limits their plan documents.
    static QStringList presetNames();
    static Result<QuotaPlan> preset(const QString &name);

    // {"name": "coding-plan-pro", "limits": [{"window": "5h", "requests": 6000, "tokens": 0}]}
    // "name" is optional (default "custom"); a preset name without "limits" means the preset's
    // limits. Unknown keys are errors, so a misspelt "request" cannot silently lift a limit. A
    // window whose requests and tokens are both 0 limits nothing and is dropped.
    static Result<QuotaPlan> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;

    // The text spec, for settings and the command line:
    //
    //   spec   := "" | preset-name | item ( "," item )*
    //   item   := window ":" [ ( "requests" | "tokens" ) "=" ] amount
    //   window := "5h" | "day" | "week" | "month" | "utc-day" | "utc-week" | "utc-month"
    //   amount := digits [ "k" | "m" ]        (case-insensitive; k = 1,000, m = 1,000,000)
    //
    // An amount without a dimension counts requests. A window may appear twice to limit both
    // dimensions ("5h:1200,5h:tokens=5m"), never the same dimension twice. Blanks around items
    // and separators are ignored; "" and "none" mean no limits. Examples:
    //   "5h:1200,week:9000,month:18000"     (the Lite plan)
    //   "day:2000,5h:tokens=5000000"
    // A list of items yields a plan named "custom".
    static Result<QuotaPlan> fromSpec(const QString &spec);
    // The limits as items (never a preset name); "" when there are none.
    QString toSpec() const;

    bool operator==(const QuotaPlan &) const = default;
};

} // namespace qp
