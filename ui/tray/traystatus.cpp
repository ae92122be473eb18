#include "tray/traystatus.h"

#include "auth/freetierended.h"
#include "common/compactcount.h"
#include "displayformat.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace qp {

namespace {

// Upstream reasons can be a paragraph; a menu line or tooltip shows the start of it.
QString elided(const QString &s, int max)
{
    const QString t = s.simplified();
    return t.size() <= max ? t : t.left(max - 1).trimmed() + QChar(0x2026);
}

bool windowFull(const QuotaMeter::WindowUse &w)
{
    return w.usedFraction >= 1.0;
}

// Accounts the user switched off are not part of the pool's health: they never make it degraded.
bool counted(const AccountSnapshot &a)
{
    return a.state != AccountState::Disabled;
}

} // namespace

bool TrayStatus::isUsable(const AccountSnapshot &a)
{
    return a.state == AccountState::Healthy &&
           std::none_of(a.windows.begin(), a.windows.end(), windowFull);
}

bool TrayStatus::isFreeTierEnd(const QString &reason)
{
    // The pool keeps the first 300 characters of the relay's message, which for this case is
    // freetier::endedMessage(); the upstream's own words are matched by the core's word list.
    static const QString ours = freetier::endedMessage().left(40);
    return reason.startsWith(ours) || freetier::bodySaysEnded(reason.toUtf8());
}

QString TrayStatus::windowLabel(QuotaLimit::Kind kind)
{
    switch (kind) {
    case QuotaLimit::Kind::Rolling5h:
        return tr("5 h");
    case QuotaLimit::Kind::RollingDay:
        return tr("24 h");
    case QuotaLimit::Kind::Week:
        return tr("7 days");
    case QuotaLimit::Kind::Month:
        return tr("30 days");
    case QuotaLimit::Kind::UtcDay:
        return tr("today (UTC)");
    case QuotaLimit::Kind::CalendarWeek:
        return tr("this week (UTC)");
    case QuotaLimit::Kind::CalendarMonth:
        return tr("this month (UTC)");
    }
    return QuotaLimit::windowName(kind);
}

QString TrayStatus::windowLine(const QuotaMeter::WindowUse &w, qint64 nowMs, const QLocale &locale)
{
    QStringList amounts;
    if (w.limit.maxRequests > 0 && w.limit.maxTokens > 0) {
        amounts << tr("%1 / %2 requests")
                       .arg(DisplayFormat::count(w.usedRequests, locale),
                            DisplayFormat::count(w.limit.maxRequests, locale))
                << tr("%1 / %2 tokens")
                       .arg(compactCount(w.usedTokens, locale),
                            compactCount(w.limit.maxTokens, locale));
    } else if (w.limit.maxRequests > 0) {
        amounts << tr("%1 / %2 requests")
                       .arg(DisplayFormat::count(w.usedRequests, locale),
                            DisplayFormat::count(w.limit.maxRequests, locale));
    } else {
        amounts << tr("%1 / %2 tokens")
                       .arg(compactCount(w.usedTokens, locale),
                            compactCount(w.limit.maxTokens, locale));
    }
    QString line = tr("%1: %2").arg(windowLabel(w.limit.kind), amounts.join(u" · "_s));
    // A rolling window never "resets": its oldest minute leaves and frees that much. Nothing
    // counted means nothing to free, so no time is shown.
    const bool used = w.usedRequests > 0 || w.usedTokens > 0;
    if (used && w.resetsAtMs > nowMs) {
        const QString in = DisplayFormat::duration(w.resetsAtMs - nowMs);
        line += u" · "_s +
                (w.limit.isRolling() ? tr("frees up in %1").arg(in) : tr("resets in %1").arg(in));
    }
    return line;
}

QString TrayStatus::stateText(const AccountSnapshot &a, qint64 nowMs)
{
    switch (a.state) {
    case AccountState::Healthy: {
        // The pool keeps a healthy state for an account at its limit and simply skips it; the
        // user needs to see why it is not used.
        const QuotaMeter::WindowUse *full = nullptr;
        for (const auto &w : a.windows)
            if (windowFull(w) && (!full || w.resetsAtMs > full->resetsAtMs))
                full = &w;
        if (!full)
            return tr("ready");
        if (full->resetsAtMs > nowMs)
            return tr("%1 limit reached, frees up in %2")
                .arg(windowLabel(full->limit.kind),
                     DisplayFormat::duration(full->resetsAtMs - nowMs));
        return tr("%1 limit reached").arg(windowLabel(full->limit.kind));
    }
    case AccountState::Cooling:
        if (a.untilMs > nowMs)
            return tr("cooling down, back in %1").arg(DisplayFormat::duration(a.untilMs - nowMs));
        return tr("cooling down");
    case AccountState::NeedsLogin:
        return tr("needs login");
    case AccountState::Parked:
        if (isFreeTierEnd(a.reason))
            return tr("parked: Qwen's free OAuth tier ended");
        if (a.reason.isEmpty())
            return tr("parked");
        return tr("parked: %1").arg(elided(a.reason, 48));
    case AccountState::Disabled:
        return tr("disabled");
    }
    return {};
}

TrayView TrayStatus::compute(const TrayInput &in, const QLocale &locale)
{
    TrayView v;
    v.openAIBaseUrl = in.server.openAIBaseUrl;
    v.anthropicBaseUrl = in.server.anthropicBaseUrl;
    v.paused = in.server.state == ServerStatus::State::Paused;
    v.failed = in.server.state == ServerStatus::State::Failed;

    double leftSum = 0;
    int metered = 0;
    for (const AccountSnapshot &a : in.accounts) {
        AccountLine line;
        line.id = a.id;
        line.state = a.state;
        line.usable = isUsable(a);
        line.isDefault = !in.defaultAccountId.isEmpty() && a.id == in.defaultAccountId;
        line.text = tr("%1 — %2").arg(a.id, stateText(a, in.nowMs));
        double fullest = 0;
        for (const auto &w : a.windows) {
            const double used = std::clamp(w.usedFraction, 0.0, 1.0);
            fullest = std::max(fullest, used);
            line.windows.append({windowLine(w, in.nowMs, locale), used});
        }
        if (counted(a)) {
            ++v.total;
            if (line.usable)
                ++v.usable;
        }
        // Parked and logged-out accounts do not come back by themselves: their quota is not
        // something the pool has left.
        if (!a.windows.isEmpty() &&
            (a.state == AccountState::Healthy || a.state == AccountState::Cooling)) {
            leftSum += 1.0 - fullest;
            ++metered;
        }
        // With many accounts every window would make the menu taller than a laptop screen: each
        // account keeps the window closest to its limit, the one that decides when it stops.
        if (in.accounts.size() > kAllWindowsUpTo && line.windows.size() > 1) {
            const auto tightest = std::max_element(
                line.windows.begin(), line.windows.end(),
                [](const auto &x, const auto &y) { return x.usedFraction < y.usedFraction; });
            line.windows = {*tightest};
        }
        v.accounts.append(line);
    }
    if (metered > 0)
        v.quotaLeft = leftSum / metered;

    const int attention = v.total - v.usable;
    if (v.paused || v.failed)
        v.icon = TrayIconState::Stopped;
    else if (v.usable == 0)
        v.icon = TrayIconState::NoUsableAccount;
    else if (attention > 0)
        v.icon = TrayIconState::Degraded;
    else
        v.icon = TrayIconState::Serving;

    const QString address = in.server.address;
    QString headline; // the tooltip's first line: the state in a few words
    switch (v.icon) {
    case TrayIconState::Serving:
        v.statusLine = tr("Serving on %1").arg(address);
        headline = tr("serving");
        break;
    case TrayIconState::Degraded:
        v.statusLine =
            tr("Serving on %1 · %n account(s) need attention", nullptr, attention).arg(address);
        headline = tr("%n account(s) need attention", nullptr, attention);
        break;
    case TrayIconState::NoUsableAccount:
        if (v.total == 0) {
            v.statusLine = tr("Listening on %1 · add an account to serve").arg(address);
            headline = tr("no account yet");
        } else {
            v.statusLine = tr("Listening on %1 · no account can serve now").arg(address);
            headline = tr("no usable account");
        }
        break;
    case TrayIconState::Stopped:
        if (v.failed) {
            v.statusLine = tr("Server failed: %1").arg(elided(in.server.failure, 80));
            headline = tr("server failed");
        } else {
            v.statusLine = tr("Paused · not listening on %1").arg(address);
            headline = tr("paused");
        }
        break;
    }

    v.usageLine = tr("Today: %1 requests · %2 tokens")
                      .arg(DisplayFormat::count(in.requestsToday, locale),
                           compactCount(in.tokensToday, locale));
    QStringList tip;
    tip << tr("Qwen Proxy: %1").arg(headline);
    tip << (v.failed ? elided(in.server.failure, 60) : address);
    // Windows cuts tooltips at 127 characters: a failure's reason matters more than today's
    // numbers.
    if (!v.failed)
        tip << v.usageLine;
    tip << (v.total == 0 ? tr("Accounts: none")
                         : tr("Accounts: %1 of %2 usable").arg(v.usable).arg(v.total));
    v.tooltip = tip.join(QLatin1Char('\n'));
    return v;
}

} // namespace qp
