#include "accountsync.h"

#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "accounts/storedcredentialsource.h"
#include "auth/sharedfilesource.h"
#include "auth/tokenmanager.h"
#include "common/clock.h"
#include "logging/logging.h"
#include "pool/accountpool.h"
#include "providers/providerservice.h"
#include "providers/providerstore.h"
#include "routing/upstreamrouter.h"
#include "upstream/egress.h"
#include "usage/usagestore.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace qp {

AccountSync::Config AccountSync::Config::fromSettings(const Settings &s)
{
    Config c;
    c.useSharedLogin = s.boolean(u"qwen_code_auth_use");
    c.qwenHome = s.string(u"qwen_home");
    return c;
}

// What one reload collects before it is applied.
struct AccountSync::Run {
    int pending = 1; // the enumeration itself, so nothing applies before every call was made
    QList<PoolAccountSpec> oauth;
    QHash<QString, std::shared_ptr<StoredCredentialSource>> sources;
    QList<ProviderConfig> providers;
    QList<PoolAccountSpec> providerSpecs;
    QNetworkProxy oauthProxy = QNetworkProxy(QNetworkProxy::DefaultProxy);
};

namespace {
PoolAccountSpec oauthSpec(const QString &id)
{
    PoolAccountSpec spec;
    spec.id = id;
    spec.provider = QLatin1String(Account::kProviderQwenOAuth);
    spec.upstream.accountId = id;
    spec.upstream.providerId = spec.provider;
    spec.upstream.name = u"qwen-oauth:"_s + id;
    spec.upstream.auth = Upstream::Auth::QwenOAuth;
    spec.upstream.qwenQuirks = true;
    return spec;
}

// The pool's limits and starting state from what the store knows of an account: a parked or
// disabled account stays out of rotation after a restart.
void fillFromAccount(PoolAccountSpec &spec, const Account &a)
{
    spec.initialState = accountStateFor(a.status);
    spec.stateReason = a.statusReason;
    if (auto plan = QuotaPlan::fromSpec(a.quotaPlan))
        spec.plan = plan.value();
    else
        qCWarning(lcPool) << "account" << a.id
                          << "has an unreadable quota plan:" << plan.error().message;
    spec.maxConcurrent = a.maxConcurrent;
    spec.maxPerMinute = a.maxPerMinute;
}
} // namespace

AccountSync::AccountSync(Deps deps, Config config, QObject *parent)
    : QObject(parent), m_d(std::move(deps)), m_config(std::move(config))
{}

AccountSync::~AccountSync()
{
    *m_alive = false; // secret-store answers still on their way find nobody
}

void AccountSync::reload(std::function<void()> done)
{
    if (m_running) {
        m_again = true;
        if (done)
            m_waitingForNext.append(std::move(done));
        return;
    }
    if (done)
        m_waitingForThis.append(std::move(done));
    begin();
}

void AccountSync::begin()
{
    m_running = true;
    m_lastFingerprint = fingerprint();
    auto run = std::make_shared<Run>();
    auto finishOne = [this, run, alive = m_alive] {
        if (*alive && --run->pending == 0)
            apply(run);
    };

    if (const auto listed = m_d.accounts->list()) {
        for (const Account &a : listed.value()) {
            if (a.provider != QLatin1String(Account::kProviderQwenOAuth))
                continue; // a provider's account: below
            PoolAccountSpec spec = oauthSpec(a.id);
            fillFromAccount(spec, a);
            run->oauth.append(spec);
            ++run->pending;
            m_d.accounts->credentialSource(
                a.id, [run, id = a.id,
                       finishOne](Result<std::shared_ptr<StoredCredentialSource>> source) {
                    if (source)
                        run->sources.insert(id, source.value());
                    else
                        qCWarning(lcAuth) << "account" << id
                                          << "has no usable credentials:" << source.error().message;
                    finishOne();
                });
        }
    }
    if (const auto stored = m_d.providerStore->list()) {
        for (const ProviderConfig &p : stored.value()) {
            std::optional<Account> account;
            if (p.kind != ProviderKind::QwenOAuth) {
                auto row = m_d.store->get(p.id);
                if (!row) {
                    qCWarning(lcPool) << "provider" << p.id << "has no account row; skipped";
                    continue;
                }
                account = row.value();
            }
            ++run->pending;
            m_d.providers->secret(p.id, [run, p, account, finishOne](Result<ProviderSecret> s) {
                if (p.kind == ProviderKind::QwenOAuth) {
                    // Not an account: the egress of every Qwen OAuth account, login and refresh.
                    if (s && !s->proxyUrl.isEmpty())
                        if (auto proxy = parseProxyUrl(s->proxyUrl))
                            run->oauthProxy = proxy.value();
                } else if (!s) {
                    qCWarning(lcPool)
                        << "provider" << p.id << "has no usable key:" << s.error().message;
                } else {
                    PoolAccountSpec spec;
                    spec.id = p.id;
                    spec.provider = p.id;
                    spec.upstream = upstreamFor(p, s.value());
                    fillFromAccount(spec, *account);
                    run->providers.append(p);
                    run->providerSpecs.append(spec);
                }
                finishOne();
            });
        }
    }
    finishOne(); // the enumeration is done; apply now if nothing is outstanding
}

void AccountSync::apply(const std::shared_ptr<Run> &run)
{
    // Stored OAuth accounts whose secrets could be read, in store order.
    QList<PoolAccountSpec> specs;
    for (const PoolAccountSpec &spec : std::as_const(run->oauth)) {
        const auto source = run->sources.value(spec.id);
        if (!source)
            continue;
        if (!m_d.tokens->hasAccount(spec.id))
            m_d.tokens->addAccount(spec.id, source);
        specs.append(spec);
    }
    // qwen-code's own login, shared with the qwen CLI (lock-file protocol), as account "default"
    // unless a stored account already has that name.
    const bool hasDefault = std::any_of(
        specs.begin(), specs.end(), [](const PoolAccountSpec &p) { return p.id == u"default"; });
    if (m_config.useSharedLogin && !hasDefault) {
        auto shared = std::make_shared<SharedFileSource>(
            SharedFileSource::defaultQwenHome(m_config.qwenHome));
        if (shared->exists()) {
            if (!m_d.tokens->hasAccount(u"default"_s))
                m_d.tokens->addAccount(u"default"_s, shared);
            specs.prepend(oauthSpec(u"default"_s));
        }
    }
    QStringList ids;
    for (const auto &spec : std::as_const(specs))
        ids.append(spec.id);
    for (const QString &known : m_d.tokens->accountIds())
        if (!ids.contains(known))
            m_d.tokens->removeAccount(known);

    for (PoolAccountSpec &spec : specs)
        spec.upstream.proxy = run->oauthProxy;
    applyEgress(m_d.authNetwork, run->oauthProxy, m_d.env);
    // Providers in their stored order (answers may come back in any order).
    QList<ProviderConfig> providers;
    QList<PoolAccountSpec> providerSpecs;
    if (const auto stored = m_d.providerStore->list())
        for (const ProviderConfig &p : stored.value())
            for (qsizetype i = 0; i < run->providers.size(); ++i)
                if (run->providers.at(i).id == p.id) {
                    providers.append(run->providers.at(i));
                    providerSpecs.append(run->providerSpecs.at(i));
                }
    m_d.router->setAccounts(specs, providers, providerSpecs);

    QHash<QString, QString> plans;
    for (const auto &spec : std::as_const(specs))
        plans.insert(spec.id, spec.plan.toSpec());
    for (const auto &spec : std::as_const(providerSpecs))
        plans.insert(spec.id, spec.plan.toSpec());
    restoreQuota(plans);

    m_running = false;
    const auto done = std::exchange(m_waitingForThis, {});
    emit reloaded();
    for (const auto &d : done)
        d();
    if (m_again) {
        m_again = false;
        m_waitingForThis = std::exchange(m_waitingForNext, {});
        begin();
    }
}

void AccountSync::restoreQuota(const QHash<QString, QString> &plans)
{
    // Accounts new to the pool get their recent quota use back from the store (windows survive
    // restarts); the longest window is 30 days, the store keeps 32. So do accounts whose plan
    // changed: a meter keeps only the minutes its windows reach, so after a 5h plan a week plan
    // would start from 5 hours of history while the store still holds the week.
    const qint64 since = m_d.clock->nowMs() - 32LL * 24 * 3600 * 1000;
    for (const QString &id : m_d.pool->accountIds()) {
        const QString plan = plans.value(id);
        if (auto it = m_quotaRestored.constFind(id); it != m_quotaRestored.cend() && *it == plan)
            continue;
        m_quotaRestored.insert(id, plan);
        if (auto buckets = m_d.usage->quotaBuckets(id, since))
            m_d.pool->restoreQuota(id, buckets.value());
    }
}

QString AccountSync::fingerprint() const
{
    // The same file takes usage every second: compare what matters about the accounts and
    // providers (a few rows) rather than the file's time; secrets are read only on a change.
    QString f;
    if (const auto list = m_d.providerStore->list())
        for (const ProviderConfig &p : list.value())
            f += p.id + u'|' + p.baseUrl + u'|' + p.models.join(u',') + u'|' + p.proxy + u'\n';
    if (const auto accounts = m_d.store->list())
        for (const Account &a : accounts.value())
            f += a.id + u'|' + a.provider + u'|' + accountStatusToString(a.status) + u'|' +
                 a.resourceUrl + u'|' + QString::number(a.createdAt.toMSecsSinceEpoch()) + u'|' +
                 a.quotaPlan + u'|' + QString::number(a.maxConcurrent) + u'|' +
                 QString::number(a.maxPerMinute) + (a.isDefault ? u"*\n"_s : u"\n"_s);
    return f;
}

void AccountSync::startWatching(int intervalMs)
{
    auto *watch = new QTimer(this);
    watch->setInterval(intervalMs);
    connect(watch, &QTimer::timeout, this, [this] {
        if (!m_running && fingerprint() != m_lastFingerprint)
            reload();
    });
    watch->start();
}

} // namespace qp
