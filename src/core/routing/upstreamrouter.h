#pragma once
// Answers "which account, upstream and model for this request". Accounts come from the account
// pool (pool/accountpool.h), which hears back how each attempt went; the small-model route
// (HAIKU_BASE_URL) is a fixed upstream outside the pool. The relays never pick accounts.

#include "common/error.h"
#include "models/modelcatalog.h"
#include "pool/accountpool.h"
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
    const Upstream &upstream() const { return lease.upstream; }
};

class UpstreamRouter
{
public:
    // Static API-key upstreams come from settings (OPENAI_BASE_URL/OPENAI_API_KEY, HAIKU_*);
    // without them, Qwen OAuth accounts are used.
    UpstreamRouter(const Settings &settings, const ModelCatalog &catalog, AccountPool &pool);

    // The pool's accounts: the API-key upstream when one is set, else the Qwen OAuth accounts.
    void setQwenAccounts(const QList<PoolAccountSpec> &accounts);
    QStringList qwenAccounts() const { return m_qwenAccounts; }
    AccountPool &pool() { return m_pool; }

    Result<RouteTarget> route(const QString &clientModel, bool hasImages,
                              const PickRequest &pick = {});
    // The model to send for `t.clientModel` on another upstream (after a rotation).
    QString modelFor(const RouteTarget &t, const Upstream &upstream) const;

    // "OpenAI-compatible upstream https://host/v1" or "Qwen OAuth (3 accounts)". No secrets.
    QString describeMain() const;
    bool usesApiKeyUpstream() const { return m_main.has_value(); }

    static constexpr const char *kApiKeyAccountId = "api-key";

private:
    std::optional<Upstream> m_main;
    QuotaPlan m_mainPlan;
    std::optional<Upstream> m_haiku;
    QString m_haikuModel;
    const ModelCatalog &m_catalog;
    AccountPool &m_pool;
    QStringList m_qwenAccounts;
};

} // namespace qp
