#include "engineclient.h"

#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "auth/tokenmanager.h"
#include "pool/accountpool.h"
#include "pool/poolconfig.h"
#include "routing/upstreamrouter.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
constexpr int kRefreshMs = 2000;

qint64 tokensOf(const UsageTotals &t)
{
    return t.inputTokens + t.outputTokens;
}
} // namespace

QStringList liveSettingKeys()
{
    return {u"pool_strategy"_s, u"default_account"_s, u"quota_reserve_percent"_s, u"log_level"_s};
}

QList<AccountRow> gatherAccounts(Runtime &rt)
{
    QList<AccountRow> rows;
    QSet<QString> seen;
    const auto today = rt.usage().totalsByAccount(1);
    const auto fill = [&](AccountRow &r) {
        if (auto snap = rt.pool().snapshot(r.id)) {
            r.state = accountStateName(snap->state);
            r.reason = snap->reason;
            r.untilMs = snap->untilMs;
            r.windows = snap->windows;
            if (!snap->provider.isEmpty())
                r.provider = snap->provider;
        }
        r.oauth = r.provider == QLatin1String(Account::kProviderQwenOAuth);
        if (!r.oauth)
            if (auto p = rt.providers().get(r.id))
                r.preset = p->preset;
        if (r.oauth && rt.tokens().hasAccount(r.id)) {
            const TokenManager::Status s = rt.tokens().status(r.id);
            r.tokenExpiryMs = s.expiryMs;
            r.tokenExpired = s.state == u"expired";
        }
        if (today) {
            const UsageTotals t = today->value(r.id);
            r.requestsToday = t.requests;
            r.tokensToday = tokensOf(t);
        }
    };
    if (auto listed = rt.accounts().list()) {
        for (const Account &a : listed.value()) {
            AccountRow r;
            r.id = a.id;
            r.label = a.label;
            r.provider = a.provider;
            r.isDefault = a.isDefault;
            r.disabled = a.status == AccountStatus::Disabled;
            r.state = accountStateName(accountStateFor(a.status));
            r.reason = a.statusReason;
            fill(r);
            // The store is the truth for a switch the user made: the pool may lag one reload.
            if (r.disabled)
                r.state = accountStateName(AccountState::Disabled);
            rows.append(r);
            seen.insert(a.id);
        }
    }
    for (const AccountSnapshot &p : rt.pool().snapshot()) {
        if (seen.contains(p.id))
            continue;
        AccountRow r;
        r.id = p.id;
        r.provider = p.provider;
        r.stored = false;
        if (p.provider == QLatin1String(UpstreamRouter::kApiKeyAccountId))
            r.label = rt.upstreamDescription();
        fill(r);
        rows.append(r);
    }
    return rows;
}

EngineClient::EngineClient(Engine &engine, QObject *parent) : QObject(parent), m_engine(engine)
{
    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, &EngineClient::refresh);
    m_timer.start();
    connect(&engine, &Engine::stateChanged, this, [this](Engine::State s) {
        if (s == Engine::State::Serving)
            refresh();
    });
    refresh();
}

void EngineClient::refresh()
{
    if (m_engine.state() != Engine::State::Serving)
        return;
    if (m_inFlight) {
        m_again = true;
        return;
    }
    m_inFlight = true;
    m_engine.call(
        [](Runtime &rt) {
            EngineSnapshot s;
            s.valid = true;
            s.nowMs = rt.clock().nowMs();
            s.accounts = gatherAccounts(rt);
            if (auto p = rt.providers().list())
                s.providers = p.value();
            else
                s.error = p.error().message;
            return s;
        },
        this,
        [this](EngineSnapshot s) {
            m_inFlight = false;
            m_snapshot = std::move(s);
            emit snapshotChanged();
            if (m_again) {
                m_again = false;
                refresh();
            }
        });
}

void EngineClient::runAction(std::function<void(Runtime &, std::function<void(ActionResult)>)> work,
                             QObject *context, std::function<void(ActionResult)> done)
{
    // The answer comes back through a second call: the work may finish later (secret store).
    QPointer<QObject> ctx(context);
    QPointer<EngineClient> self(this);
    Engine *engine = &m_engine;
    m_engine.post(
        [work = std::move(work), engine, ctx, self, done = std::move(done)](Runtime &rt) mutable {
            work(rt, [engine, ctx, self, done](ActionResult r) {
                QMetaObject::invokeMethod(
                    engine,
                    [ctx, self, done, r] {
                        if (ctx && done)
                            done(r);
                        if (self)
                            self->refresh();
                    },
                    Qt::QueuedConnection);
            });
        });
}

namespace {
ActionResult fromError(const std::optional<Error> &e)
{
    return e ? ActionResult{false, e->message} : ActionResult{};
}
} // namespace

void EngineClient::setDefaultAccount(const QString &id, QObject *context,
                                     std::function<void(ActionResult)> done)
{
    runAction(
        [id](Runtime &rt, auto answer) {
            if (auto e = rt.accounts().setDefault(id))
                return answer(fromError(e));
            rt.reloadAccounts([answer] { answer({}); });
        },
        context, std::move(done));
}

void EngineClient::setAccountEnabled(const QString &id, bool enabled, QObject *context,
                                     std::function<void(ActionResult)> done)
{
    runAction(
        [id, enabled](Runtime &rt, auto answer) {
            AccountStore *store = rt.accounts().store();
            const auto e =
                enabled ? store->setStatus(id, AccountStatus::Active)
                        : store->setStatus(id, AccountStatus::Disabled, u"disabled in the app"_s);
            if (e)
                return answer(fromError(e));
            rt.reloadAccounts([answer] { answer({}); });
        },
        context, std::move(done));
}

void EngineClient::removeAccount(const QString &id, QObject *context,
                                 std::function<void(ActionResult)> done)
{
    runAction(
        [id](Runtime &rt, auto answer) {
            const auto finish = [&rt, answer](std::optional<Error> e) {
                if (e)
                    return answer(fromError(e));
                rt.reloadAccounts([answer] { answer({}); });
            };
            // A provider's account goes with its provider (key, row and account in one step).
            if (auto p = rt.providers().get(id); p && !p->fromEnvironment())
                rt.providers().remove(id, finish);
            else
                rt.accounts().remove(id, finish);
        },
        context, std::move(done));
}

void EngineClient::addProvider(const AddProviderRequest &request, QObject *context,
                               std::function<void(ActionResult)> done)
{
    runAction(
        [request](Runtime &rt, auto answer) {
            rt.providers().add(request, [&rt, answer](Result<ProviderConfig> r) {
                if (!r)
                    return answer(ActionResult{false, r.error().message});
                rt.reloadAccounts([answer] { answer({}); });
            });
        },
        context, std::move(done));
}

void EngineClient::removeProvider(const QString &id, QObject *context,
                                  std::function<void(ActionResult)> done)
{
    runAction(
        [id](Runtime &rt, auto answer) {
            rt.providers().remove(id, [&rt, answer](std::optional<Error> e) {
                if (e)
                    return answer(fromError(e));
                rt.reloadAccounts([answer] { answer({}); });
            });
        },
        context, std::move(done));
}

void EngineClient::testProvider(const QString &id, QObject *context,
                                std::function<void(ProviderTestResult)> done)
{
    QPointer<QObject> ctx(context);
    Engine *engine = &m_engine;
    m_engine.post([id, ctx, engine, done = std::move(done)](Runtime &rt) {
        rt.providers().test(id, QString(), [ctx, engine, done](ProviderTestResult r) {
            r.cause.reset(); // an Error may carry details the UI does not show; words suffice
            QMetaObject::invokeMethod(
                engine,
                [ctx, done, r] {
                    if (ctx)
                        done(r);
                },
                Qt::QueuedConnection);
        });
    });
}

void EngineClient::providerModels(const QString &id, QObject *context,
                                  std::function<void(Result<QStringList>)> done)
{
    QPointer<QObject> ctx(context);
    Engine *engine = &m_engine;
    m_engine.post([id, ctx, engine, done = std::move(done)](Runtime &rt) {
        rt.providers().models(id, [ctx, engine, done](Result<QStringList> r) {
            QMetaObject::invokeMethod(
                engine,
                [ctx, done, r] {
                    if (ctx)
                        done(r);
                },
                Qt::QueuedConnection);
        });
    });
}

void EngineClient::usageReport(int days, QObject *context, std::function<void(UsageReport)> done)
{
    m_engine.call(
        [days](Runtime &rt) {
            UsageReport r;
            r.days = days;
            r.nowMs = rt.clock().nowMs();
            // The queries `qwen-proxy usage` makes, so the numbers are the same.
            if (auto rows = rt.usage().dailyUsage(days, {}, false))
                r.perAccount = rows.value();
            else
                r.error = rows.error().message;
            if (auto rows = rt.usage().dailyUsage(days, {}, true))
                r.perModel = rows.value();
            else
                r.error = rows.error().message;
            r.accounts = gatherAccounts(rt);
            return r;
        },
        context, std::move(done));
}

void EngineClient::requestLog(int limit, QObject *context,
                              std::function<void(QList<UsageRecord>)> done)
{
    m_engine.call(
        [limit](Runtime &rt) {
            RequestLogQuery q;
            q.limit = limit;
            auto rows = rt.usage().requestLog(q);
            return rows ? rows.value() : QList<UsageRecord>{};
        },
        context, std::move(done));
}

void EngineClient::readSettings(QObject *context, std::function<void(SettingsValues)> done)
{
    m_engine.call(
        [](Runtime &rt) {
            SettingsValues v;
            for (const SettingSpec &s : settingSpecs()) {
                if (s.secret)
                    continue;
                v.values.insert(s.key, rt.settings().value(s.key));
                v.sources.insert(s.key, int(rt.settings().source(s.key)));
            }
            v.configFile = rt.settings().configFile();
            return v;
        },
        context, std::move(done));
}

void EngineClient::saveSettings(const QHash<QString, QVariant> &values, QObject *context,
                                std::function<void(ActionResult)> done)
{
    runAction(
        [values](Runtime &rt, auto answer) {
            for (auto it = values.cbegin(); it != values.cend(); ++it)
                if (auto e = rt.settings().set(it.key(), it.value()))
                    return answer(fromError(e));
            // The pool takes a new config while serving; the rest is read at start.
            for (const QString &k : liveSettingKeys())
                if (values.contains(k)) {
                    rt.pool().setConfig(PoolConfig::fromSettings(rt.settings()));
                    break;
                }
            answer(fromError(rt.settings().save()));
        },
        context, std::move(done));
}

} // namespace qp
