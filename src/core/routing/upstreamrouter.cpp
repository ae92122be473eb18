#include "routing/upstreamrouter.h"

#include "logging/logging.h"
#include "logging/redact.h"
#include "settings/settings.h"

using namespace Qt::StringLiterals;

namespace qp {

namespace {
Upstream apiKeyUpstream(const QString &name, const QString &url, const QString &key)
{
    Upstream u;
    u.name = name + u" ("_s + QUrl(url).host() + u")"_s;
    u.baseUrl = QUrl(url);
    u.auth = key.isEmpty() ? Upstream::Auth::None : Upstream::Auth::ApiKey;
    u.apiKey = key;
    u.passThroughUnknownModels = true;
    registerSecret(key);
    return u;
}
} // namespace

UpstreamRouter::UpstreamRouter(const Settings &s, const ModelCatalog &catalog, AccountPool &pool)
    : m_catalog(catalog), m_pool(pool)
{
    const QString url = s.string(u"upstream_url");
    if (!url.isEmpty()) {
        m_main = apiKeyUpstream(u"openai"_s, url, s.string(u"upstream_api_key"));
        // Settings validate the spec at load, so a bad one never gets here.
        if (auto plan = QuotaPlan::fromSpec(s.string(u"quota_plan")))
            m_mainPlan = plan.value();
    }
    const QString haikuUrl = s.string(u"haiku_base_url");
    if (!haikuUrl.isEmpty()) {
        const QString key = s.string(u"haiku_api_key").isEmpty() ? s.string(u"upstream_api_key")
                                                                 : s.string(u"haiku_api_key");
        m_haiku = apiKeyUpstream(u"haiku"_s, haikuUrl, key);
    }
    m_haikuModel = s.string(u"haiku_model_name");
    if (m_main) {
        // Several keys of one provider (OPENAI_API_KEY=k1,k2,...) pool like OAuth accounts:
        // one account each, "api-key-1", "api-key-2", ...; a single key is account "api-key".
        QStringList keys = s.string(u"upstream_api_key").split(u',', Qt::SkipEmptyParts);
        if (keys.isEmpty())
            keys.append(QString());
        m_main = apiKeyUpstream(u"openai"_s, url, keys.first());
        QList<PoolAccountSpec> specs;
        for (qsizetype i = 0; i < keys.size(); ++i) {
            PoolAccountSpec spec;
            spec.id = QLatin1String(kApiKeyAccountId);
            if (keys.size() > 1)
                spec.id += u'-' + QString::number(i + 1);
            spec.provider = QLatin1String(kApiKeyAccountId);
            spec.upstream = apiKeyUpstream(
                keys.size() == 1 ? u"openai"_s : u"openai key %1"_s.arg(i + 1), url, keys.at(i));
            spec.plan = m_mainPlan;
            specs.append(spec);
        }
        m_pool.setAccounts(specs);
    }
}

void UpstreamRouter::setQwenAccounts(const QList<PoolAccountSpec> &accounts)
{
    m_qwenAccounts.clear();
    for (const auto &a : accounts)
        m_qwenAccounts.append(a.id);
    if (!m_main)
        m_pool.setAccounts(accounts); // with an API-key upstream set, OAuth accounts are not used
}

QString UpstreamRouter::describeMain() const
{
    if (m_main)
        return u"OpenAI-compatible upstream "_s + m_main->baseUrl.toString(QUrl::RemoveUserInfo);
    if (m_qwenAccounts.isEmpty())
        return u"Qwen OAuth (no account yet: run 'qwen-proxy auth')"_s;
    if (m_qwenAccounts.size() == 1)
        return u"Qwen OAuth (account %1)"_s.arg(m_qwenAccounts.first());
    return u"Qwen OAuth (%1 accounts, %2)"_s.arg(m_qwenAccounts.size())
        .arg(poolStrategyName(m_pool.config().strategy));
}

QString UpstreamRouter::modelFor(const RouteTarget &t, const Upstream &upstream) const
{
    if (t.smallModelRoute && !m_haikuModel.isEmpty())
        return m_haikuModel;
    return m_catalog.resolve(t.clientModel, t.hasImages, upstream).model;
}

Result<RouteTarget> UpstreamRouter::route(const QString &clientModel, bool hasImages,
                                          const PickRequest &pick)
{
    RouteTarget t;
    t.clientModel = clientModel;
    t.hasImages = hasImages;
    t.smallModelRoute =
        ModelCatalog::isSmallModelName(clientModel) && (m_haiku || !m_haikuModel.isEmpty());
    if (t.smallModelRoute && m_haiku) {
        // The small-model route of the original proxy (issue 9 §2): one fixed upstream.
        t.lease = Lease{u"haiku"_s, u"api-key"_s, *m_haiku};
    } else {
        auto lease = m_pool.pick(pick);
        if (!lease)
            return lease.error();
        t.lease = std::move(lease.value());
        t.pooled = true;
        t.pick = pick;
    }
    if (t.smallModelRoute && !m_haikuModel.isEmpty()) {
        t.model = m_haikuModel;
        t.mappingNote = u"HAIKU_MODEL_NAME"_s;
        return t;
    }
    const auto r = m_catalog.resolve(clientModel, hasImages, t.lease.upstream);
    t.model = r.model;
    t.mappingNote = r.rule;
    return t;
}

} // namespace qp
