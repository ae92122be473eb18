#pragma once
// How the account pool chooses and how hard it retries; read from settings next to the type it
// configures (settings/settingspecs.cpp declares the keys under "Account pool").

#include <QString>
#include <QStringList>
#include <optional>

namespace qp {

class Settings;

enum class PoolStrategy {
    RoundRobin,    // each account in turn (default)
    Lru,           // the account used longest ago
    LeastUsed,     // the lowest share used of its tightest quota window
    MostRemaining, // the most requests left in its tightest window
    FillFirst,     // the first account until its window is spent, then the next
    ResetFirst,    // the account whose window resets soonest (use it before it resets)
};
QStringList poolStrategyNames();
std::optional<PoolStrategy> poolStrategyFromName(const QString &name);
QString poolStrategyName(PoolStrategy s);

struct PoolConfig {
    PoolStrategy strategy = PoolStrategy::RoundRobin;
    QString defaultAccount;           // DEFAULT_ACCOUNT: tried first when usable
    int reservePercent = 0;           // stop choosing an account this close to a window's limit
    int maxRetries = 2;               // transient failures retried per account before rotating
    int retryBackoffMs = 500;         // first retry delay, doubled per retry
    int maxRetryWaitMs = 2000;        // a longer Retry-After rotates instead of waiting inline
    int failureThreshold = 3;         // consecutive failures that cool an account
    qint64 failureCooldownMs = 30000; // first cool-down after the threshold, doubled per repeat
    qint64 maxFailureCooldownMs = 30 * 60000;
    qint64 affinityTtlMs = 60 * 60000; // a conversation idle this long may move
    int affinityMaxEntries = 10000;

    static PoolConfig fromSettings(const Settings &s);
};

} // namespace qp
