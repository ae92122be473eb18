#pragma once
// Which events become desktop notifications, worded for people, each at most once, and not more
// than a few in a row. Pure logic on a Clock: the adapter (notifiertray.h) shows what this returns.
//
// "Once": every notification has a key (what happened to which account and window). A key that
// fired stays quiet until the condition is over, as the next snapshots show: a window's 80 %
// warning re-arms when the window is below 80 % again, "needs login" when the account is logged in
// again, "no usable account" when one is usable again. So a flapping pool cannot repeat itself, and
// a new occurrence after a recovery is announced again.
//
// "A few in a row": at most Limits::burst notifications per Limits::periodMs; the rest are
// counted and the next one shown says how many were not. Critical ones (no usable account, the
// server could not start) are always shown: they are what the user must act on.

#include "common/clock.h"
#include "pool/accountpool.h"

#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <deque>
#include <optional>

namespace qp {

struct Notification {
    enum class Severity { Info, Warning, Critical };
    Severity severity = Severity::Info;
    QString key; // what it is about, e.g. "full:work:5h"
    QString title;
    QString body;
};

class Notifier
{
    Q_DECLARE_TR_FUNCTIONS(qp::Notifier)
public:
    struct Limits {
        int burst = 3;
        qint64 periodMs = 5 * 60 * 1000;
        // The pool may cool the same account again and again (failures in a row): one
        // "switched away" notification per account per this long.
        qint64 cooledRepeatMs = 30 * 60 * 1000;
    };

    explicit Notifier(Clock &clock);
    Notifier(Clock &clock, Limits limits);

    // A pool event; nothing when it is not worth a notification, was already told, or the
    // limit is reached.
    std::optional<Notification> onPoolEvent(const PoolEvent &event);
    // The latest snapshots: remembered to word the events (which window, what reason) and
    // compared with the previous ones to re-arm keys and to tell "quota available again".
    QList<Notification> onSnapshots(const QList<AccountSnapshot> &accounts);
    // The server could not start (the reason as the server gave it: port in use, by whom).
    std::optional<Notification> onServerFailed(const QString &reason);
    // The server runs: a later failure is news again.
    void onServerStarted();

    int suppressedCount() const { return m_suppressed; }

private:
    std::optional<Notification> emitIfAllowed(Notification n);
    // The window an 80 % / 100 % event is about: the fullest one past the threshold in the
    // latest snapshot that was not told yet; null when the snapshot does not show it (yet).
    const QuotaMeter::WindowUse *crossedWindow(const QString &accountId, double threshold,
                                               const char16_t *keyPrefix) const;
    std::optional<Notification> windowEvent(const PoolEvent &e, bool resolveLater);

    Clock &m_clock;
    Limits m_limits;
    QHash<QString, AccountSnapshot> m_last; // by id
    QSet<QString> m_fired;                  // keys told and not re-armed yet
    QHash<QString, qint64> m_cooledAt;      // account id -> when "switched away" was told
    // Window events that came before the snapshot showing their window (the event and the
    // snapshot travel separately from the engine): resolved by the next onSnapshots().
    QList<PoolEvent> m_pendingWindowEvents;
    std::deque<qint64> m_shownAt; // recent non-critical notifications
    int m_suppressed = 0;         // not shown since the last one that was
};

} // namespace qp
