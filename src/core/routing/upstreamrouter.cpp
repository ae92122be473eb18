#include "routing/upstreamrouter.h"

#include "logging/logging.h"
#include "settings/settings.h"

using namespace Qt::StringLiterals;

namespace qp {

namespace {
// An upstream of a provider the environment defines: the same value a stored provider gets,
// under the name the original proxy's logs used ("openai (host)").
Upstream apiKeyUpstream(const ProviderConfig &config, const QString &name, const QString &key)
{
    ProviderSecret secret;
    secret.apiKey = key;
    Upstream u = upstreamFor(config, secret);
    u.name = name + u" ("_s + u.baseUrl.host() + u")"_s;
    return u;
}

QString qwenOAuthId()
{
    return QLatin1String(Account::kProviderQwenOAuth);
}
} // namespace

UpstreamRouter::UpstreamRouter(const Settings &s, const ModelCatalog &catalog, AccountPool &pool)
    : m_catalog(catalog), m_pool(pool)
{
    const QString url = s.string(u"upstream_url");
    const QString apiKeyId = QLatin1String(kApiKeyAccountId);
    if (!url.isEmpty()) {
        QuotaPlan plan;
        // Settings validate the spec at load, so a bad one never gets here.
        if (auto p = QuotaPlan::fromSpec(s.string(u"quota_plan")))
            plan = p.value();
        // Several keys of one provider (OPENAI_API_KEY=k1,k2,...) pool like OAuth accounts:
        // one account each, "api-key-1", "api-key-2", ...; a single key is account "api-key".
        QStringList keys = s.string(u"upstream_api_key").split(u',', Qt::SkipEmptyParts);
        if (keys.isEmpty())
            keys.append(QString());
        m_mainConfig.id = apiKeyId;
        m_mainConfig.preset = u"custom"_s;
        m_mainConfig.baseUrl = url;
        m_mainConfig.models = {catalog.defaultModel()};
        m_mainConfig.source = u"OPENAI_BASE_URL"_s;
        m_main = apiKeyUpstream(m_mainConfig, u"openai"_s, keys.first());
        for (qsizetype i = 0; i < keys.size(); ++i) {
            PoolAccountSpec spec;
            spec.id = apiKeyId;
            if (keys.size() > 1)
                spec.id += u'-' + QString::number(i + 1);
            spec.provider = apiKeyId;
            spec.upstream = apiKeyUpstream(
                m_mainConfig, keys.size() == 1 ? u"openai"_s : u"openai key %1"_s.arg(i + 1),
                keys.at(i));
            spec.plan = plan;
            m_mainAccounts.append(spec);
        }
    }
    m_haikuModel = s.string(u"haiku_model_name");
    const QString haikuUrl = s.string(u"haiku_base_url");
    if (!haikuUrl.isEmpty()) {
        const QString key = s.string(u"haiku_api_key").isEmpty() ? s.string(u"upstream_api_key")
                                                                 : s.string(u"haiku_api_key");
        m_haikuConfig.id = QLatin1String(kHaikuProviderId);
        m_haikuConfig.preset = u"custom"_s;
        m_haikuConfig.baseUrl = haikuUrl;
        if (!m_haikuModel.isEmpty())
            m_haikuConfig.models = {m_haikuModel};
        m_haikuConfig.source = u"HAIKU_BASE_URL"_s;
        m_haiku = apiKeyUpstream(m_haikuConfig, u"haiku"_s, key.section(u',', 0, 0));
    }
    // Settings validate the spec at load.
    if (auto rules = parseRoutes(s.string(u"routes")))
        m_rules = rules.value();
    if (m_main)
        setAccounts({}, {}, {});
}

QList<QPair<ProviderConfig, ProviderSecret>> UpstreamRouter::environmentProviders() const
{
    QList<QPair<ProviderConfig, ProviderSecret>> out;
    if (m_main) {
        ProviderSecret secret;
        secret.apiKey = m_main->apiKey;
        out.append({m_mainConfig, secret});
    }
    if (m_haiku) {
        ProviderSecret secret;
        secret.apiKey = m_haiku->apiKey;
        ProviderConfig c = m_haikuConfig;
        if (c.models.isEmpty())
            c.models = {m_catalog.defaultModel()};
        out.append({c, secret});
    }
    return out;
}

void UpstreamRouter::setAccounts(const QList<PoolAccountSpec> &qwenAccounts,
                                 const QList<ProviderConfig> &providers,
                                 const QList<PoolAccountSpec> &providerAccounts)
{
    m_qwenAccounts.clear();
    for (const auto &a : qwenAccounts)
        m_qwenAccounts.append(a.id);
    m_providers.clear();
    QList<PoolAccountSpec> specs;
    // With OPENAI_BASE_URL the OAuth accounts are not used (as always), unless a route names
    // them explicitly.
    const bool oauthRouted = std::any_of(m_rules.cbegin(), m_rules.cend(), [](const RouteRule &r) {
        return std::any_of(r.steps.cbegin(), r.steps.cend(),
                           [](const RouteStep &s) { return s.provider == qwenOAuthId(); });
    });
    if (!qwenAccounts.isEmpty() && (!m_main || oauthRouted)) {
        ProviderEntry e;
        e.config.id = qwenOAuthId();
        e.config.preset = qwenOAuthId();
        e.config.kind = ProviderKind::QwenOAuth;
        e.config.models = {m_catalog.defaultModel()};
        e.mapping = ProviderEntry::Mapping::QwenOAuth;
        e.explicitOnly = m_main.has_value(); // then only routes that name it reach it
        m_providers.append(e);
        specs += qwenAccounts;
    }
    if (m_main) {
        ProviderEntry e;
        e.config = m_mainConfig;
        e.mapping = ProviderEntry::Mapping::Environment;
        m_providers.prepend(e);
        specs = m_mainAccounts + specs;
    }
    for (const ProviderConfig &c : providers) {
        ProviderEntry e;
        e.config = c;
        e.mapping = ProviderEntry::Mapping::Stored;
        m_providers.append(e);
    }
    specs += providerAccounts;
    m_pool.setAccounts(specs);
}

const UpstreamRouter::ProviderEntry *UpstreamRouter::provider(const QString &id) const
{
    for (const ProviderEntry &e : m_providers)
        if (e.config.id == id)
            return &e;
    return nullptr;
}

QString UpstreamRouter::describeMain() const
{
    QStringList stored;
    for (const ProviderEntry &e : m_providers)
        if (e.mapping == ProviderEntry::Mapping::Stored)
            stored.append(e.config.id);
    QString base;
    if (m_main)
        base = u"OpenAI-compatible upstream "_s + m_main->baseUrl.toString(QUrl::RemoveUserInfo);
    else if (m_qwenAccounts.size() == 1)
        base = u"Qwen OAuth (account %1)"_s.arg(m_qwenAccounts.first());
    else if (m_qwenAccounts.size() > 1)
        base = u"Qwen OAuth (%1 accounts, %2)"_s.arg(m_qwenAccounts.size())
                   .arg(poolStrategyName(m_pool.config().strategy));
    if (!stored.isEmpty())
        return (base.isEmpty() ? QString() : base + u" + "_s) + u"providers "_s +
               stored.join(u", "_s);
    if (base.isEmpty())
        return u"no upstream yet: add a provider ('qwen-proxy provider add') or log in "
               u"('qwen-proxy auth')"_s;
    return base;
}

QList<RouteStep> UpstreamRouter::stepsFor(const QString &clientModel, bool anthropicClient,
                                          QStringList *notes) const
{
    QList<RouteStep> wanted;
    if (const RouteRule *rule = matchRoute(m_rules, clientModel)) {
        wanted = rule->steps;
    } else {
        for (const ProviderEntry &e : m_providers)
            if (!e.explicitOnly)
                wanted.append(RouteStep{e.config.id, {}});
    }
    QList<RouteStep> out;
    for (const RouteStep &s : std::as_const(wanted)) {
        const ProviderEntry *p = provider(s.provider);
        if (!p) {
            notes->append(u"%1: no such provider (or it has no account)"_s.arg(s.provider));
            continue;
        }
        if (p->config.kind == ProviderKind::AnthropicCompatible && !anthropicClient) {
            // No Anthropic -> OpenAI reverse translation: OpenAI clients route elsewhere.
            notes->append(u"%1: speaks only the Anthropic API"_s.arg(s.provider));
            continue;
        }
        out.append(s);
    }
    return out;
}

QString UpstreamRouter::modelFor(const ProviderEntry &p, const RouteStep &step,
                                 const QString &clientModel, bool hasImages,
                                 const Upstream &upstream, QString *note) const
{
    if (step.model == u"*")
        return clientModel;
    if (!step.model.isEmpty()) {
        *note = u"route"_s;
        return step.model;
    }
    switch (p.mapping) {
    case ProviderEntry::Mapping::QwenOAuth: {
        const auto r = m_catalog.resolve(clientModel, hasImages, upstream);
        *note = r.rule;
        return r.model;
    }
    case ProviderEntry::Mapping::Environment: {
        const auto r = m_catalog.resolve(clientModel, hasImages, upstream);
        *note = r.rule;
        return r.model;
    }
    case ProviderEntry::Mapping::Stored:
        break;
    }
    // A stored provider: claude-* and anything the catalogue maps to the default get the
    // provider's default model; a mapped name the provider does not serve too; other names pass
    // through (the upstream may know models our lists do not).
    const auto r = m_catalog.resolve(clientModel, hasImages, upstream);
    const QString fallback = p.config.defaultModel();
    if (r.mapped && !fallback.isEmpty() &&
        (r.model == m_catalog.defaultModel() ||
         (!p.config.models.isEmpty() && !p.config.models.contains(r.model, Qt::CaseInsensitive)) ||
         (p.config.models.isEmpty() && p.config.presetInfo() &&
          !p.config.presetInfo()->models.contains(r.model, Qt::CaseInsensitive)))) {
        *note = r.rule + u" -> provider default"_s;
        return fallback;
    }
    *note = r.rule;
    return r.model;
}

QString UpstreamRouter::modelFor(const RouteTarget &t, const Upstream &upstream) const
{
    if (t.smallModelRoute && !m_haikuModel.isEmpty())
        return m_haikuModel;
    const ProviderEntry *p = provider(upstream.providerId);
    if (!p)
        return m_catalog.resolve(t.clientModel, t.hasImages, upstream).model;
    const RouteStep step = t.step < t.steps.size() ? t.steps.at(t.step) : RouteStep{};
    QString note;
    return modelFor(*p, step.provider == upstream.providerId ? step : RouteStep{}, t.clientModel,
                    t.hasImages, upstream, &note);
}

std::optional<Error> UpstreamRouter::pickFrom(RouteTarget &t, std::optional<Error> last)
{
    for (; t.step < t.steps.size(); ++t.step) {
        const RouteStep &step = t.steps.at(t.step);
        PickRequest p = t.pick;
        p.provider = step.provider;
        auto lease = m_pool.pick(p);
        if (!lease) {
            t.notes.append(step.provider + u": "_s + lease.error().message);
            if (!last || t.steps.size() > 1)
                last = lease.error();
            continue;
        }
        t.pick = p;
        t.lease = std::move(lease.value());
        t.pooled = true;
        t.model = modelFor(*provider(step.provider), step, t.clientModel, t.hasImages,
                           t.lease.upstream, &t.mappingNote);
        return std::nullopt;
    }
    Error e = last ? *last
                   : Error::make(Error::Kind::NoUpstream,
                                 u"no provider serves the model '%1'"_s.arg(t.clientModel));
    // One target: its own answer says it all (the pool names its accounts). Several: the answer
    // names each one tried and why it could not serve.
    if (t.notes.size() > 1 || (t.notes.size() == 1 && !last))
        e.message =
            u"no provider could serve '%1' — %2"_s.arg(t.clientModel, t.notes.join(u"; "_s));
    return e;
}

Result<RouteTarget> UpstreamRouter::route(const QString &clientModel, bool hasImages,
                                          const PickRequest &pick, bool anthropicClient)
{
    RouteTarget t;
    t.clientModel = clientModel;
    t.hasImages = hasImages;
    t.anthropicClient = anthropicClient;
    t.pick = pick;
    t.smallModelRoute = ModelCatalog::isSmallModelName(clientModel) &&
                        (m_haiku || !m_haikuModel.isEmpty()) && !matchRoute(m_rules, clientModel);
    if (t.smallModelRoute && m_haiku && pick.pinned.isEmpty()) {
        // The small-model route of the original proxy (issue 9 §2): one fixed upstream.
        t.lease = Lease{u"haiku"_s, QLatin1String(kHaikuProviderId), *m_haiku};
        t.model = m_haikuModel.isEmpty() ? clientModel : m_haikuModel;
        t.mappingNote = u"HAIKU_MODEL_NAME"_s;
        return t;
    }
    if (!pick.pinned.isEmpty()) {
        // X-Qwen-Account: that account or a clear refusal, whatever the route says.
        auto lease = m_pool.pick(pick);
        if (!lease)
            return lease.error();
        t.lease = std::move(lease.value());
        t.pooled = true;
        t.steps = {RouteStep{t.lease.provider, {}}};
        if (const ProviderEntry *p = provider(t.lease.provider))
            t.model = modelFor(*p, {}, clientModel, hasImages, t.lease.upstream, &t.mappingNote);
        else
            t.model = m_catalog.resolve(clientModel, hasImages, t.lease.upstream).model;
    } else {
        t.steps = stepsFor(clientModel, anthropicClient, &t.notes);
        if (t.steps.isEmpty() && t.notes.isEmpty())
            return m_pool.pick(pick).error(); // nothing configured: the pool says what to do
        if (auto e = pickFrom(t, std::nullopt))
            return *e;
    }
    if (t.smallModelRoute && !m_haikuModel.isEmpty()) {
        t.model = m_haikuModel;
        t.mappingNote = u"HAIKU_MODEL_NAME"_s;
    }
    return t;
}

std::optional<Error> UpstreamRouter::fallback(RouteTarget &t, const Error &why)
{
    if (t.step < t.steps.size())
        t.notes.append(t.steps.at(t.step).provider + u": "_s + why.message.left(200));
    ++t.step;
    const auto e = pickFrom(t, why);
    if (!e)
        qCInfo(lcPool).noquote() << u"falling back to provider %1 (model %2)"_s.arg(
            t.lease.provider, t.model);
    return e;
}

QString UpstreamRouter::describeRoute(const QString &clientModel) const
{
    QStringList notes;
    QStringList out;
    for (const RouteStep &s : stepsFor(clientModel, true, &notes)) {
        QString note;
        const ProviderEntry &p = *provider(s.provider);
        out.append(s.provider + u':' +
                   modelFor(p, s, clientModel, false, sampleUpstream(p), &note));
    }
    return out.join(u" | "_s);
}

Upstream UpstreamRouter::sampleUpstream(const ProviderEntry &p) const
{
    for (const AccountSnapshot &a : m_pool.snapshot())
        if (a.provider == p.config.id)
            if (auto spec = m_pool.leasePreview(a.id))
                return *spec;
    Upstream u;
    u.providerId = p.config.id;
    u.auth = p.mapping == ProviderEntry::Mapping::QwenOAuth ? Upstream::Auth::QwenOAuth
                                                            : Upstream::Auth::ApiKey;
    u.qwenQuirks = p.mapping == ProviderEntry::Mapping::QwenOAuth ||
                   (p.config.presetInfo() && p.config.presetInfo()->qwenFlavour);
    u.passThroughUnknownModels = p.mapping != ProviderEntry::Mapping::QwenOAuth;
    return u;
}

QStringList UpstreamRouter::advertisedModels(bool anthropicClient) const
{
    QStringList out;
    auto add = [&out](const QString &id) {
        if (!id.isEmpty() && !id.contains(u'*') && !id.contains(u'?') &&
            !out.contains(id, Qt::CaseInsensitive))
            out.append(id);
    };
    for (const RouteRule &r : m_rules)
        add(r.pattern);
    for (const ProviderEntry &e : m_providers) {
        if (e.config.kind == ProviderKind::AnthropicCompatible && !anthropicClient)
            continue;
        if (e.mapping != ProviderEntry::Mapping::Stored) {
            for (const ModelInfo &m :
                 m_catalog.advertised(e.mapping == ProviderEntry::Mapping::QwenOAuth)) {
                add(m.id);
                for (const QString &a : m.aliases)
                    add(a);
            }
            continue;
        }
        QStringList models = e.config.models;
        if (models.isEmpty() && e.config.presetInfo())
            models = e.config.presetInfo()->models;
        for (const QString &m : std::as_const(models))
            add(m);
    }
    return out;
}

} // namespace qp
