#include "tray/notifier.h"

#include "displayformat.h"
#include "tray/traystatus.h"

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace qp {

namespace {

constexpr double kWarnFraction = QuotaMeter::kWarnPercent / 100.0;

QString windowKey(const char16_t *what, const QString &id, const QuotaMeter::WindowUse *w)
{
    return QString::fromUtf16(what) + u':' + id +
           (w ? u':' + QuotaLimit::windowName(w->limit.kind) : QString());
}

} // namespace

Notifier::Notifier(Clock &clock) : Notifier(clock, Limits{}) {}

Notifier::Notifier(Clock &clock, Limits limits) : m_clock(clock), m_limits(limits) {}

const QuotaMeter::WindowUse *Notifier::crossedWindow(const QString &accountId, double threshold,
                                                     const char16_t *keyPrefix) const
{
    // The event does not say which window crossed; the latest snapshot does.
    const auto it = m_last.constFind(accountId);
    if (it == m_last.constEnd())
        return nullptr;
    const QuotaMeter::WindowUse *best = nullptr;
    for (const auto &w : it->windows)
        if (w.usedFraction >= threshold && !m_fired.contains(windowKey(keyPrefix, accountId, &w)) &&
            (!best || w.usedFraction > best->usedFraction))
            best = &w;
    return best;
}

std::optional<Notification> Notifier::windowEvent(const PoolEvent &e, bool resolveLater)
{
    const qint64 now = m_clock.nowMs();
    const bool full = e.type == PoolEvent::Type::WindowFull;
    const QuotaMeter::WindowUse *w =
        crossedWindow(e.accountId, full ? 1.0 : kWarnFraction, full ? u"full" : u"warn");
    if (!w && resolveLater) {
        // The snapshot may predate the event: decide with the next one.
        m_pendingWindowEvents.append(e);
        return std::nullopt;
    }
    if (!w) {
        // Every window past the threshold was told already (80 % and 100 % crossed by one
        // request come as two events): this one repeats them.
        const auto last = m_last.constFind(e.accountId);
        if (last != m_last.constEnd() &&
            std::any_of(last->windows.begin(), last->windows.end(), [&](const auto &x) {
                return x.usedFraction >= (full ? 1.0 : kWarnFraction);
            }))
            return std::nullopt;
    }
    Notification n;
    n.severity = Notification::Severity::Warning;
    if (full) {
        n.key = windowKey(u"full", e.accountId, w);
        // Full implies past 80 %: a warning arriving late must not follow it.
        m_fired.insert(windowKey(u"warn", e.accountId, w));
        n.title = w ? tr("%1 reached its %2 limit")
                          .arg(e.accountId, TrayStatus::windowLabel(w->limit.kind))
                    : tr("%1 reached a quota limit").arg(e.accountId);
        n.body = tr("Requests go to the other accounts until it frees up.");
        if (w)
            n.body += u'\n' + TrayStatus::windowLine(*w, now, QLocale());
    } else {
        n.key = windowKey(u"warn", e.accountId, w);
        n.title = tr("%1 used 80 % of a quota window").arg(e.accountId);
        n.body = w ? TrayStatus::windowLine(*w, now, QLocale()) : e.message;
    }
    if (m_fired.contains(n.key))
        return std::nullopt;
    m_fired.insert(n.key);
    return emitIfAllowed(n);
}

std::optional<Notification> Notifier::onPoolEvent(const PoolEvent &e)
{
    const qint64 now = m_clock.nowMs();
    const auto last = m_last.constFind(e.accountId);
    const bool known = last != m_last.constEnd();
    const QString reason = known && !last->reason.isEmpty() ? last->reason : e.message;
    Notification n;
    switch (e.type) {
    case PoolEvent::Type::WindowWarning:
    case PoolEvent::Type::WindowFull:
        return windowEvent(e, true);
    case PoolEvent::Type::Cooled: {
        // The pool rotated away from the account. Failures in a row can cool it again and again,
        // so this one is limited in time per account rather than re-armed.
        const auto told = m_cooledAt.constFind(e.accountId);
        if (told != m_cooledAt.constEnd() && now - *told < m_limits.cooledRepeatMs)
            return std::nullopt;
        m_cooledAt.insert(e.accountId, now);
        n.key = u"cooled:"_s + e.accountId;
        n.severity = Notification::Severity::Info;
        n.title = tr("Switched away from %1").arg(e.accountId);
        if (known && last->untilMs > now)
            n.body =
                tr("It rests for %1: %2").arg(DisplayFormat::duration(last->untilMs - now), reason);
        else
            n.body = reason;
        return emitIfAllowed(n);
    }
    case PoolEvent::Type::NeedsLogin:
        n.key = u"login:"_s + e.accountId;
        n.severity = Notification::Severity::Warning;
        n.title = tr("%1 needs a new login").arg(e.accountId);
        n.body = tr("Its sign-in is no longer valid. Log in again from the tray menu; the other "
                    "accounts serve meanwhile.");
        break;
    case PoolEvent::Type::Parked:
        n.key = u"parked:"_s + e.accountId;
        n.severity = Notification::Severity::Warning;
        if (TrayStatus::isFreeTierEnd(reason)) {
            n.title = tr("Qwen's free OAuth tier has ended");
            n.body = tr("%1 can no longer serve: Qwen stopped free OAuth access on 2026-04-15. Add "
                        "a Coding Plan or Model Studio key to keep going.")
                         .arg(e.accountId);
        } else {
            n.title = tr("%1 was taken out of rotation").arg(e.accountId);
            n.body = tr("The upstream said: %1").arg(reason);
        }
        break;
    case PoolEvent::Type::AllUnusable:
        n.key = u"none"_s;
        n.severity = Notification::Severity::Critical;
        n.title = tr("No account can serve requests");
        n.body = tr("Requests fail until an account recovers or you add one.");
        break;
    case PoolEvent::Type::Recovered:
        // A cool-down ending is routine; a full window freeing up is told from the snapshots.
        return std::nullopt;
    }
    if (m_fired.contains(n.key))
        return std::nullopt;
    m_fired.insert(n.key);
    return emitIfAllowed(n);
}

QList<Notification> Notifier::onSnapshots(const QList<AccountSnapshot> &accounts)
{
    const qint64 now = m_clock.nowMs();
    QList<Notification> out;
    bool anyUsable = false;
    for (const AccountSnapshot &a : accounts) {
        anyUsable = anyUsable || TrayStatus::isUsable(a);
        for (const auto &w : a.windows) {
            const QString full = windowKey(u"full", a.id, &w);
            if (w.usedFraction < 1.0 && m_fired.remove(full)) {
                Notification n;
                n.key = u"freed:"_s + a.id + u':' + QuotaLimit::windowName(w.limit.kind);
                n.severity = Notification::Severity::Info;
                n.title = tr("%1 can take requests again").arg(a.id);
                n.body = TrayStatus::windowLine(w, now, QLocale());
                if (auto shown = emitIfAllowed(n))
                    out.append(*shown);
            }
            if (w.usedFraction < kWarnFraction)
                m_fired.remove(windowKey(u"warn", a.id, &w));
        }
        // Keys told without a window name re-arm once no window is past their threshold.
        const auto fullest =
            std::max_element(a.windows.begin(), a.windows.end(), [](const auto &x, const auto &y) {
                return x.usedFraction < y.usedFraction;
            });
        const double top = fullest == a.windows.end() ? 0.0 : fullest->usedFraction;
        if (top < 1.0)
            m_fired.remove(windowKey(u"full", a.id, nullptr));
        if (top < kWarnFraction)
            m_fired.remove(windowKey(u"warn", a.id, nullptr));
        if (a.state != AccountState::NeedsLogin)
            m_fired.remove(u"login:"_s + a.id);
        if (a.state != AccountState::Parked)
            m_fired.remove(u"parked:"_s + a.id);
    }
    if (anyUsable)
        m_fired.remove(u"none"_s);
    m_last.clear();
    for (const AccountSnapshot &a : accounts)
        m_last.insert(a.id, a);
    // Events that waited for these snapshots; a window still not shown is told without its name
    // rather than never.
    const QList<PoolEvent> pending = std::exchange(m_pendingWindowEvents, {});
    for (const PoolEvent &e : pending)
        if (auto n = windowEvent(e, false))
            out.append(*n);
    return out;
}

std::optional<Notification> Notifier::onServerFailed(const QString &reason)
{
    Notification n;
    n.key = u"server:"_s + reason;
    if (m_fired.contains(n.key))
        return std::nullopt;
    m_fired.insert(n.key);
    n.severity = Notification::Severity::Critical;
    n.title = tr("Qwen Proxy could not start its server");
    n.body = reason;
    return emitIfAllowed(n);
}

void Notifier::onServerStarted()
{
    m_fired.removeIf([](const QString &key) { return key.startsWith(u"server:"_s); });
}

std::optional<Notification> Notifier::emitIfAllowed(Notification n)
{
    const qint64 now = m_clock.nowMs();
    while (!m_shownAt.empty() && now - m_shownAt.front() >= m_limits.periodMs)
        m_shownAt.pop_front();
    if (n.severity != Notification::Severity::Critical) {
        if (int(m_shownAt.size()) >= m_limits.burst) {
            ++m_suppressed;
            return std::nullopt;
        }
        m_shownAt.push_back(now);
    }
    if (m_suppressed > 0) {
        n.body += u'\n' + tr("(%n earlier notification(s) held back)", nullptr, m_suppressed);
        m_suppressed = 0;
    }
    return n;
}

} // namespace qp
