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

QString today() { return QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate); }
} // namespace

UpstreamRouter::UpstreamRouter(const Settings &s, const ModelCatalog &catalog) : m_catalog(catalog)
{
    const QString url = s.string(u"upstream_url");
    if (!url.isEmpty())
        m_main = apiKeyUpstream(u"openai"_s, url, s.string(u"upstream_api_key"));
    const QString haikuUrl = s.string(u"haiku_base_url");
    if (!haikuUrl.isEmpty()) {
        const QString key = s.string(u"haiku_api_key").isEmpty() ? s.string(u"upstream_api_key")
                                                                  : s.string(u"haiku_api_key");
        m_haiku = apiKeyUpstream(u"haiku"_s, haikuUrl, key);
    }
    m_haikuModel = s.string(u"haiku_model_name");
}

void UpstreamRouter::setQwenAccounts(QStringList ids, QString defaultId)
{
    m_accounts = std::move(ids);
    m_defaultAccount = std::move(defaultId);
}

QString UpstreamRouter::describeMain() const
{
    if (m_main)
        return u"OpenAI-compatible upstream "_s + m_main->baseUrl.toString(QUrl::RemoveUserInfo);
    if (m_accounts.isEmpty())
        return u"Qwen OAuth (no account yet: run 'qwen-proxy auth')"_s;
    return u"Qwen OAuth (account %1)"_s.arg(m_defaultAccount.isEmpty() ? m_accounts.first()
                                                                        : m_defaultAccount);
}

Result<RouteTarget> UpstreamRouter::route(const QString &clientModel, bool hasImages) const
{
    RouteTarget t;
    t.clientModel = clientModel;
    t.smallModelRoute = ModelCatalog::isSmallModelName(clientModel) && (m_haiku || !m_haikuModel.isEmpty());
    if (t.smallModelRoute && m_haiku) {
        t.upstream = *m_haiku; // the small-model route of the original proxy (issue 9 §2)
    } else if (m_main) {
        t.upstream = *m_main;
    } else {
        if (m_accounts.isEmpty())
            return Error::make(Error::Kind::NoUpstream,
                               u"no upstream is configured: log in with 'qwen-proxy auth' or set "
                               "OPENAI_BASE_URL and OPENAI_API_KEY"_s);
        Upstream q;
        q.accountId = m_defaultAccount.isEmpty() ? m_accounts.first() : m_defaultAccount;
        q.name = u"qwen-oauth:"_s + q.accountId;
        q.auth = Upstream::Auth::QwenOAuth;
        q.qwenQuirks = true;
        t.upstream = q;
    }
    if (t.smallModelRoute && !m_haikuModel.isEmpty()) {
        t.model = m_haikuModel;
        t.mappingNote = u"HAIKU_MODEL_NAME"_s;
        return t;
    }
    const auto r = m_catalog.resolve(clientModel, hasImages, t.upstream.passThroughUnknownModels);
    t.model = r.model;
    t.mappingNote = r.rule;
    return t;
}

UpstreamRouter::Counters UpstreamRouter::countersFor(const QString &name) const
{
    Counters &c = m_counters[name];
    if (c.day != today())
        c = Counters{0, 0, 0, 0, 0, today()};
    return c;
}

void UpstreamRouter::reportSuccess(const RouteTarget &t, const Usage &usage)
{
    countersFor(t.upstream.name);
    Counters &c = m_counters[t.upstream.name];
    ++c.requests;
    c.inputTokens += usage.promptTokens;
    c.outputTokens += usage.completionTokens;
    c.cachedTokens += usage.cachedTokens;
}

void UpstreamRouter::reportFailure(const RouteTarget &t, const Error &e)
{
    countersFor(t.upstream.name);
    ++m_counters[t.upstream.name].errors;
    Q_UNUSED(e);
}

} // namespace qp
