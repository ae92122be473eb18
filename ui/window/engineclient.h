#pragma once
// The GUI thread's one door to the engine (docs/engine-thread.md). Every read is an Engine::call
// whose work gathers plain value types on the engine thread (EngineSnapshot); every action is an
// Engine::call into a core service, answering with a copyable result. Pages hold no Runtime& and
// no business rules: they show snapshots and ask for actions.
//
// The snapshot is refreshed on a modest timer (2 s by default) and right after each action, so a
// change made by another process (`qwen-proxy provider add`) shows up within one period after the
// runtime's own store poll picked it up.

#include "engine.h"
#include "pool/quotameter.h"
#include "providers/provider.h"
#include "providers/providerservice.h"
#include "usage/usagestore.h"

#include <QObject>
#include <QTimer>
#include <functional>

namespace qp {

struct AccountRow {
    QString id;
    QString label;
    QString provider; // "qwen-oauth" or a provider id's kind ("api-key", ...)
    bool oauth = true;
    QString preset; // the provider's preset id for an API key ("coding-plan-intl"); else empty
    QString state;  // the pool's name: healthy, cooling, needs_login, parked, disabled
    QString reason; // why it is not healthy, for humans
    qint64 untilMs = 0;
    qint64 tokenExpiryMs = 0; // OAuth access token; 0 when unknown or an API key
    bool tokenExpired = false;
    bool isDefault = false;
    bool stored = true; // false: known to the pool only (environment key, qwen-code's login)
    bool disabled = false;
    QList<QuotaMeter::WindowUse> windows;
    qint64 requestsToday = 0;
    qint64 tokensToday = 0;
};

struct EngineSnapshot {
    bool valid = false;
    qint64 nowMs = 0;
    QList<AccountRow> accounts;
    QList<ProviderConfig> providers;
    QString error; // a store read failed: shown, never fatal
};

// What the usage page draws: the same rows `qwen-proxy usage` reads.
struct UsageReport {
    int days = 7;
    qint64 nowMs = 0;
    QList<DailyUsage> perAccount; // dailyUsage(days, {}, false)
    QList<DailyUsage> perModel;   // dailyUsage(days, {}, true)
    QList<AccountRow> accounts;   // for the quota windows
    QString error;
};

struct ActionResult {
    bool ok = true;
    QString message; // plain words, never a secret
};

class EngineClient : public QObject
{
    Q_OBJECT
public:
    explicit EngineClient(Engine &engine, QObject *parent = nullptr);

    Engine &engine() const { return m_engine; }
    // Calls are dropped unless the engine serves: a page asks this before waiting for an answer.
    bool ready() const { return m_engine.state() == Engine::State::Serving; }
    const EngineSnapshot &snapshot() const { return m_snapshot; }
    void setRefreshInterval(int ms) { m_timer.setInterval(ms); }
    // Asks for a new snapshot now (merged with one already on its way).
    void refresh();

    // Each answers once on this thread, then refreshes the snapshot. Dropped if `context` is gone.
    void setDefaultAccount(const QString &id, QObject *context,
                           std::function<void(ActionResult)> done);
    void setAccountEnabled(const QString &id, bool enabled, QObject *context,
                           std::function<void(ActionResult)> done);
    void removeAccount(const QString &id, QObject *context, std::function<void(ActionResult)> done);

    void addProvider(const AddProviderRequest &request, QObject *context,
                     std::function<void(ActionResult)> done);
    void removeProvider(const QString &id, QObject *context,
                        std::function<void(ActionResult)> done);
    void testProvider(const QString &id, QObject *context,
                      std::function<void(ProviderTestResult)> done);
    void providerModels(const QString &id, QObject *context,
                        std::function<void(Result<QStringList>)> done);

    void usageReport(int days, QObject *context, std::function<void(UsageReport)> done);
    void requestLog(int limit, QObject *context, std::function<void(QList<UsageRecord>)> done);

    // The settings the engine runs with: key -> value (secret ones left out) and their sources.
    struct SettingsValues {
        QHash<QString, QVariant> values;
        QHash<QString, int> sources; // Settings::Source
        QString configFile;
    };
    void readSettings(QObject *context, std::function<void(SettingsValues)> done);
    // Validates and sets every value, then saves the config file; stops at the first error.
    void saveSettings(const QHash<QString, QVariant> &values, QObject *context,
                      std::function<void(ActionResult)> done);

signals:
    void snapshotChanged();

private:
    void runAction(std::function<void(Runtime &, std::function<void(ActionResult)>)> work,
                   QObject *context, std::function<void(ActionResult)> done);

    Engine &m_engine;
    QTimer m_timer;
    bool m_inFlight = false;
    bool m_again = false;
    EngineSnapshot m_snapshot;
};

// The settings saveSettings() applies to the running engine (the pool's config; the log level is
// the GUI's LogHub, applied by the caller); every other one is read at start.
QStringList liveSettingKeys();

// Runs on the engine thread: the accounts as the pool, the stores and the token manager see them.
QList<AccountRow> gatherAccounts(Runtime &rt);

} // namespace qp
