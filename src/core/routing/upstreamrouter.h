#pragma once
// Answers "which provider, account and model for this request". Routes (routing/routetable.h)
// give each client model an ordered list of (provider, model) targets; the account pool
// (pool/accountpool.h) picks an account of the first target that can serve, and a failed
// attempt falls through to the next target (fallback()). Without ROUTES the default route is
// every provider in order: Qwen OAuth when it has accounts (unless OPENAI_BASE_URL replaces it,
// as it always has), the OPENAI_BASE_URL upstream, then the stored providers, oldest first.
// The small-model route (HAIKU_BASE_URL) is a fixed upstream outside the pool.

#include "common/error.h"
#include "models/modelcatalog.h"
#include "pool/accountpool.h"
#include "providers/provider.h"
#include "routing/routetable.h"
#include "upstream/upstream.h"

#include <optional>

namespace qp {

class Settings;

struct RouteTarget {
    Lease lease;         // the account and its upstream; lease.upstream is what is called
    bool pooled = false; // false: the fixed small-model upstream, no rotation
    PickRequest pick;    // how the lease was picked: rotations pick again with it
    QString model;       // sent upstream
    QString clientModel; // what the client asked for
    QString mappingNote; // why the model changed, for the log
    bool smallModelRoute = false;
    bool hasImages = false;
    bool anthropicClient = false;
    QList<RouteStep> steps; // the route's targets, each with its model resolved
    int step = 0;           // the target being tried
    QStringList notes;      // why earlier targets were passed over, for the all-failed answer
    const Upstream &upstream() const { return lease.upstream; }
};

class UpstreamRouter
{
public:
    // Static API-key upstreams come from settings (OPENAI_BASE_URL/OPENAI_API_KEY, HAIKU_*).
    UpstreamRouter(const Settings &settings, const ModelCatalog &catalog, AccountPool &pool);

    // Every account the pool serves: Qwen OAuth logins and the stored providers' accounts (one
    // each, id = provider id). The environment's keys are added by the router itself.
    void setAccounts(const QList<PoolAccountSpec> &qwenAccounts,
                     const QList<ProviderConfig> &providers,
                     const QList<PoolAccountSpec> &providerAccounts);
    QStringList qwenAccounts() const { return m_qwenAccounts; }
    AccountPool &pool() { return m_pool; }
    // The providers the environment defines (OPENAI_BASE_URL as "api-key", HAIKU_BASE_URL as
    // "haiku"), with their secrets, for `provider list` and `provider test`.
    QList<QPair<ProviderConfig, ProviderSecret>> environmentProviders() const;

    Result<RouteTarget> route(const QString &clientModel, bool hasImages,
                              const PickRequest &pick = {}, bool anthropicClient = false);
    // After `t`'s current target failed (`why`): the next target that can serve, with the lease
    // and model updated in `t`; or the error that names everything tried.
    std::optional<Error> fallback(RouteTarget &t, const Error &why);
    // The model to send for `t.clientModel` on `upstream` (the current target's provider).
    QString modelFor(const RouteTarget &t, const Upstream &upstream) const;

    // The routes in effect for a client model, as text ("cp:qwen3-coder-plus | ms:qwen3.8-max").
    QString describeRoute(const QString &clientModel) const;
    QList<RouteRule> rules() const { return m_rules; }
    // Model ids /v1/models lists: every provider's models and the routes' names without globs.
    QStringList advertisedModels(bool anthropicClient) const;

    // "OpenAI-compatible upstream https://host/v1" or "Qwen OAuth (3 accounts)". No secrets.
    QString describeMain() const;
    bool usesApiKeyUpstream() const { return m_main.has_value(); }

    static constexpr const char *kApiKeyAccountId = "api-key";
    static constexpr const char *kHaikuProviderId = "haiku";

private:
    struct ProviderEntry {
        ProviderConfig config;
        enum class Mapping { QwenOAuth, Environment, Stored } mapping = Mapping::Stored;
        bool explicitOnly = false; // not in the default route
    };
    const ProviderEntry *provider(const QString &id) const;
    QList<RouteStep> stepsFor(const QString &clientModel, bool anthropicClient,
                              QStringList *notes) const;
    QString modelFor(const ProviderEntry &p, const RouteStep &step, const QString &clientModel,
                     bool hasImages, QString *note) const;
    // Picks an account of target `t.step` onward; fills lease and model.
    std::optional<Error> pickFrom(RouteTarget &t, std::optional<Error> last);

    std::optional<Upstream> m_main;
    QList<PoolAccountSpec> m_mainAccounts;
    ProviderConfig m_mainConfig;
    std::optional<Upstream> m_haiku;
    ProviderConfig m_haikuConfig;
    QString m_haikuModel;
    const ModelCatalog &m_catalog;
    AccountPool &m_pool;
    QStringList m_qwenAccounts;
    QList<ProviderEntry> m_providers; // default route order
    QList<RouteRule> m_rules;
};

} // namespace qp
