#pragma once
// The account pool: decides which account serves each request and hears back how every attempt
// went. The relays never pick accounts themselves; they ask pick() and report each failure
// (reportFailure) and each finished request (recordOutcome). See docs/account-pool.md.
//
// An account is a Qwen OAuth login or an API key of a provider; several keys of one provider pool
// like OAuth accounts. Per account the pool keeps a state (healthy, cooling until T, needs login,
// parked with the upstream's reason, disabled), a quota meter over its plan's windows, in-flight
// and per-minute counters, and consecutive failures. Time comes from a Clock, so every window,
// cool-down and reset is tested on a fake clock.

#include "accounts/account.h"
#include "common/clock.h"
#include "common/error.h"
#include "pool/poolconfig.h"
#include "pool/quotameter.h"
#include "upstream/errorclass.h"
#include "upstream/upstream.h"
#include "usage/usagerecord.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <memory>

namespace qp {

enum class AccountState { Healthy, Cooling, NeedsLogin, Parked, Disabled };
QString accountStateName(AccountState s);
// The state an account starts in from what the store knows of it (a parked or disabled account
// stays out of rotation after a restart).
AccountState accountStateFor(AccountStatus stored);

// What the runtime knows about one account when it (re)loads the list.
struct PoolAccountSpec {
    QString id;
    QString provider;      // "qwen-oauth", "api-key", ...
    Upstream upstream;     // how to reach it; a value, copied into every lease
    QuotaPlan plan;        // metered windows; empty = unmetered
    int maxConcurrent = 0; // 0 = no cap
    int maxPerMinute = 0;  // 0 = no cap
    AccountState initialState = AccountState::Healthy; // NeedsLogin/Parked/Disabled from the store
    QString stateReason;
};

struct PickRequest {
    QString pinned;        // X-Qwen-Account: this account or a clear refusal, never another
    QString affinityKey;   // one conversation: stay on its account while it is usable
    QSet<QString> exclude; // accounts this request already tried
    QString provider;      // only this provider's accounts (a route's target); empty: any
    // An OpenAI client: never an Anthropic-compatible upstream (no reverse translation).
    bool openAIChatOnly = false;
};

struct Lease {
    QString accountId;
    QString provider;
    Upstream upstream;
};

// One event for notifications (the tray) and the log.
struct PoolEvent {
    enum class Type {
        Cooled,
        Parked,
        NeedsLogin,
        Recovered,
        WindowWarning,
        WindowFull,
        AllUnusable
    };
    Type type;
    QString accountId; // empty for AllUnusable
    QString message;   // human-readable, never a secret
    qint64 atMs = 0;
    std::optional<ErrorClass> cause; // the upstream answer's class, when one caused the event
};
QString poolEventName(PoolEvent::Type t);

// A read-only view for /health, /metrics, the CLI and the tray.
struct AccountSnapshot {
    QString id;
    QString provider;
    AccountState state = AccountState::Healthy;
    QString reason;
    qint64 untilMs = 0; // Cooling: when it is usable again
    int inFlight = 0;
    int consecutiveFailures = 0;
    qint64 lastUsedMs = 0;
    QList<QuotaMeter::WindowUse> windows;
};

class AccountPool : public QObject
{
    Q_OBJECT
public:
    AccountPool(Clock &clock, PoolConfig config, QObject *parent = nullptr);
    ~AccountPool() override;

    const PoolConfig &config() const { return m_config; }
    void setConfig(PoolConfig config);

    // Replaces the account list, keeping the state, counters and affinity of ids that stay.
    void setAccounts(const QList<PoolAccountSpec> &accounts);
    QStringList accountIds() const { return m_order; }
    bool contains(const QString &id) const { return m_accounts.contains(id); }

    // Quota use restored from storage (minute buckets), so windows survive a restart.
    void restoreQuota(const QString &id, const QList<QuotaBucket> &buckets);

    // The account for one attempt, or why none can serve: NoUpstream (503) when none is
    // configured, all need login or all are parked; Quota/RateLimited (429, Retry-After) while
    // all are cooling or at their limits; InvalidRequest (400) / Conflict (409) for a pin that
    // names an unknown / unusable account. The lease counts as in flight until release().
    Result<Lease> pick(const PickRequest &request);
    void release(const QString &accountId);

    // One failed attempt on `accountId` before anything reached the client.
    void reportFailure(const QString &accountId, const Error &error);
    // The request ended (any status); counts it against the account's windows when the upstream
    // served it, and clears consecutive failures on success.
    void recordOutcome(const UsageRecord &record);

    // The user (CLI, tray) changes an account's state: Disabled, or back to Healthy.
    void setUserState(const QString &id, AccountState state, const QString &reason = {});

    QList<AccountSnapshot> snapshot() const;
    // The upstream an account's lease would carry (no pick, nothing counted).
    std::optional<Upstream> leasePreview(const QString &id) const;
    std::optional<AccountSnapshot> snapshot(const QString &id) const;

signals:
    void event(const qp::PoolEvent &e);
    // Something a request changed: quota buckets to persist (merged per minute by the store).
    void quotaUsed(const qp::QuotaBucket &bucket);

private:
    struct Account;
    Account *find(const QString &id) const;
    // Moves expired cool-downs back to Healthy (publishing Recovered).
    void refreshState(Account &a, qint64 now);
    // Why this account cannot take a request now; empty when it can.
    QString unavailableReason(Account &a, qint64 now, qint64 *availableAtMs) const;
    Account *choose(const QList<Account *> &eligible, qint64 now);
    Error noneUsable(const PickRequest &request, qint64 now);
    void announceCrossings(Account &a, const QList<QuotaMeter::WindowUse> &before,
                           const QList<QuotaMeter::WindowUse> &after, qint64 now);
    void cool(Account &a, qint64 untilMs, const QString &reason, const Error &cause, qint64 now);
    void publish(PoolEvent::Type type, const QString &id, const QString &message, qint64 now,
                 std::optional<ErrorClass> cause = std::nullopt);

    Clock &m_clock;
    PoolConfig m_config;
    QHash<QString, std::shared_ptr<Account>> m_accounts;
    QStringList m_order; // configuration order: round robin and fill_first follow it
    int m_cursor = -1;   // round robin: index of the last account picked
    quint64 m_picks = 0; // picks so far: orders accounts by recency for lru and ties
    struct Affinity {
        QString accountId;
        qint64 lastMs = 0;
    };
    QHash<QString, Affinity> m_affinity;
    bool m_allUnusablePublished = false;
};

} // namespace qp
