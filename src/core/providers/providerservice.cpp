#include "providers/providerservice.h"

#include "accounts/accountstore.h"
#include "logging/redact.h"
#include "pool/quotaplan.h"
#include "providers/providerstore.h"
#include "secrets/secretstore.h"
#include "upstream/egress.h"
#include "upstream/httpclient.h"
#include "upstream/upstreamerror.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace qp {

namespace {

Error invalid(const QString &message)
{
    return Error::make(Error::Kind::InvalidRequest, message);
}

// Names the proxy reserves for providers the environment defines.
const QStringList kReservedIds = {u"qwen-oauth"_s, u"api-key"_s, u"haiku"_s};

// Collects one non-streaming ChatCall's answer.
class TestSink : public QObject, public ChatSink
{
public:
    std::function<void(Result<QByteArray>)> done;
    void upstreamStarted() override {}
    void upstreamEvent(const QByteArray &) override {}
    void upstreamBody(const QByteArray &body) override { finish(body); }
    void upstreamEnded() override {}
    void upstreamFailed(const Error &error, bool) override { finish(error); }

private:
    void finish(Result<QByteArray> r)
    {
        if (auto d = std::exchange(done, nullptr))
            d(std::move(r));
    }
};

QString answerText(const QJsonObject &o, bool anthropic)
{
    if (anthropic) {
        QString text;
        for (const QJsonValue &b : o.value(u"content"_s).toArray())
            text += b.toObject().value(u"text"_s).toString();
        return text.trimmed();
    }
    const QJsonObject msg =
        o.value(u"choices"_s).toArray().at(0).toObject().value(u"message"_s).toObject();
    QString text = msg.value(u"content"_s).toString().trimmed();
    if (text.isEmpty())
        text = msg.value(u"reasoning_content"_s).toString().trimmed();
    return text;
}

} // namespace

QStringList chatModelsOnly(const QStringList &ids)
{
    static const QStringList kNotChat = {
        u"embed"_s,  u"rerank"_s,     u"tts"_s,       u"asr"_s,    u"whisper"_s, u"wanx"_s,
        u"wan2"_s,   u"image"_s,      u"video"_s,     u"speech"_s, u"audio"_s,   u"moderation"_s,
        u"dall-e"_s, u"paraformer"_s, u"cosyvoice"_s, u"sambert"_s};
    QStringList out;
    for (const QString &id : ids) {
        const QString lower = id.toLower();
        if (std::none_of(kNotChat.begin(), kNotChat.end(),
                         [&](const QString &w) { return lower.contains(w); }))
            out.append(id);
    }
    return out;
}

ProviderService::ProviderService(ProviderStore *providers, AccountStore *accounts,
                                 SecretStore *secrets, HttpClient *client,
                                 ChatCallConfig callConfig, QObject *parent)
    : QObject(parent), m_providers(providers), m_accounts(accounts), m_secrets(secrets),
      m_client(client), m_callConfig(std::move(callConfig))
{}

void ProviderService::setEnvironmentProviders(QList<QPair<ProviderConfig, ProviderSecret>> p)
{
    m_environment = std::move(p);
}

Result<ProviderConfig> ProviderService::validate(const AddProviderRequest &r) const
{
    if (!Account::isValidId(r.id))
        return invalid(
            u"invalid provider id \"%1\": use 1-64 letters, digits, '.', '_' or '-'"_s.arg(r.id));
    if (kReservedIds.contains(r.id, Qt::CaseInsensitive))
        return invalid(u"\"%1\" is reserved; choose another id"_s.arg(r.id));
    if (m_accounts->contains(r.id))
        return invalid(u"an account or provider named \"%1\" already exists"_s.arg(r.id));
    const ProviderPreset *preset = findProviderPreset(r.preset);
    if (!preset)
        return invalid(u"unknown preset \"%1\"; presets: %2"_s.arg(
            r.preset, providerPresetIds().join(u", "_s)));
    if (preset->kind == ProviderKind::QwenOAuth)
        return invalid(u"Qwen OAuth accounts are added with 'qwen-proxy auth login'"_s);
    ProviderConfig c;
    c.id = r.id;
    c.preset = preset->id;
    c.kind = preset->kind;
    c.baseUrl = r.baseUrl.trimmed().isEmpty() ? preset->baseUrl : r.baseUrl.trimmed();
    while (c.baseUrl.endsWith(u'/'))
        c.baseUrl.chop(1);
    const QUrl url(c.baseUrl, QUrl::StrictMode);
    if (c.baseUrl.isEmpty())
        return invalid(u"preset %1 needs --base-url"_s.arg(preset->id));
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") ||
        url.host().isEmpty() || !url.userInfo().isEmpty())
        return invalid(u"--base-url must be an absolute http:// or https:// URL without "
                       u"credentials"_s);
    if (auto why = checkProviderKey(*preset, r.apiKey))
        return invalid(*why);
    for (const QString &m : r.models)
        if (m.trimmed().isEmpty() || m.contains(u','))
            return invalid(u"a model name must not be empty or contain a comma"_s);
    c.models = r.models;
    if (c.defaultModel().isEmpty())
        return invalid(
            u"preset %1 has no default model: give --model NAME (the models the server "
            u"lists: 'qwen-proxy provider models <id>' after adding it with --model)"_s.arg(
                preset->id));
    if (!r.proxyUrl.isEmpty()) {
        auto proxy = parseProxyUrl(r.proxyUrl);
        if (!proxy)
            return proxy.error();
        c.proxy = redactedProxyUrl(r.proxyUrl);
    }
    for (const auto &h : r.headers) {
        if (h.first.isEmpty() || h.first.contains(':') || h.first.contains(' '))
            return invalid(u"a header must be given as Name: value"_s);
        c.headerNames.append(QString::fromLatin1(h.first));
    }
    if (!r.quotaPlan.isEmpty()) {
        if (auto plan = QuotaPlan::fromSpec(r.quotaPlan); !plan)
            return plan.error();
    }
    c.createdAt = QDateTime::currentDateTimeUtc();
    return c;
}

void ProviderService::add(const AddProviderRequest &r,
                          std::function<void(Result<ProviderConfig>)> done)
{
    auto config = validate(r);
    if (!config || !m_secrets) {
        QTimer::singleShot(0, this,
                           [done, e = config
                                          ? Error::make(Error::Kind::Internal, u"no secret store"_s)
                                          : config.error()] { done(e); });
        return;
    }
    ProviderSecret secret;
    secret.apiKey = r.apiKey;
    secret.proxyUrl = r.proxyUrl;
    secret.headers = r.headers;
    registerSecret(r.apiKey);
    // Secret first, then the rows: a row never points at a missing secret because of us.
    m_secrets->write(Account::secretKey(r.id), secret.toJson(),
                     [this, r, c = config.value(), done](std::optional<Error> e) {
                         if (e) {
                             done(*e);
                             return;
                         }
                         auto undoSecret = [this, id = r.id] {
                             if (m_secrets)
                                 m_secrets->remove(Account::secretKey(id), [](auto) {});
                         };
                         if (auto e2 = m_providers->add(c)) {
                             undoSecret();
                             done(*e2);
                             return;
                         }
                         Account a;
                         a.id = c.id;
                         a.provider = c.id;
                         a.label = c.presetInfo() ? c.presetInfo()->title : c.preset;
                         a.resourceUrl = c.baseUrl;
                         a.createdAt = c.createdAt;
                         auto added = m_accounts->add(a);
                         if (!added) {
                             m_providers->remove(c.id);
                             undoSecret();
                             done(added.error());
                             return;
                         }
                         const QString plan = r.quotaPlan.isEmpty() && c.presetInfo()
                                                  ? c.presetInfo()->quotaPlan
                                                  : r.quotaPlan;
                         if (!plan.isEmpty())
                             m_accounts->setLimits(c.id, plan, 0, 0);
                         emit providersChanged();
                         done(c);
                     });
}

void ProviderService::remove(const QString &id, std::function<void(std::optional<Error>)> done)
{
    auto fail = [this, done](Error e) { QTimer::singleShot(0, this, [done, e] { done(e); }); };
    for (const auto &env : std::as_const(m_environment))
        if (env.first.id == id)
            return fail(invalid(
                u"provider \"%1\" comes from %2; unset it there"_s.arg(id, env.first.source)));
    auto config = m_providers->get(id);
    if (!config)
        return fail(config.error());
    if (!m_secrets)
        return fail(Error::make(Error::Kind::Internal, u"no secret store"_s));
    // Secret first: a failed delete leaves the rows, so `remove` can be retried.
    m_secrets->remove(Account::secretKey(id), [this, id, done](std::optional<Error> e) {
        if (e) {
            done(*e);
            return;
        }
        if (m_accounts->contains(id))
            if (auto e2 = m_accounts->remove(id)) {
                done(*e2);
                return;
            }
        auto e3 = m_providers->remove(id);
        emit providersChanged();
        done(e3);
    });
}

Result<QList<ProviderConfig>> ProviderService::list() const
{
    QList<ProviderConfig> out;
    for (const auto &env : m_environment)
        out.append(env.first);
    auto stored = m_providers->list();
    if (!stored)
        return stored.error();
    out += stored.value();
    return out;
}

Result<ProviderConfig> ProviderService::get(const QString &id) const
{
    for (const auto &env : m_environment)
        if (env.first.id == id)
            return env.first;
    return m_providers->get(id);
}

void ProviderService::secret(const QString &id, std::function<void(Result<ProviderSecret>)> done)
{
    for (const auto &env : std::as_const(m_environment))
        if (env.first.id == id) {
            QTimer::singleShot(0, this, [done, s = env.second] { done(s); });
            return;
        }
    if (!m_secrets) {
        QTimer::singleShot(
            0, this, [done] { done(Error::make(Error::Kind::Internal, u"no secret store"_s)); });
        return;
    }
    m_secrets->read(Account::secretKey(id), [done](Result<QByteArray> bytes) {
        if (!bytes) {
            done(bytes.error());
            return;
        }
        ProviderSecret s = ProviderSecret::fromJson(bytes.value());
        registerSecret(s.apiKey);
        done(s);
    });
}

void ProviderService::test(const QString &id, const QString &model,
                           std::function<void(ProviderTestResult)> done)
{
    auto config = get(id);
    if (!config) {
        QTimer::singleShot(0, this, [done, e = config.error()] {
            ProviderTestResult r;
            r.error = e.message;
            r.cause = e;
            done(r);
        });
        return;
    }
    secret(id, [this, c = config.value(), model, done](Result<ProviderSecret> s) {
        ProviderTestResult r;
        r.model = model.isEmpty() ? c.defaultModel() : model;
        if (!s) {
            r.error = u"cannot read the provider's key: "_s + s.error().message;
            r.cause = s.error();
            done(r);
            return;
        }
        const Upstream upstream = upstreamFor(c, s.value());
        const bool anthropic = upstream.api == Upstream::Api::AnthropicMessages;
        QJsonObject body{
            {u"model"_s, r.model},
            {u"max_tokens"_s, 32},
            {u"stream"_s, false},
            {u"messages"_s,
             QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                    {u"content"_s, u"Reply with the single word OK."_s}}}}};
        if (upstream.qwenQuirks && !anthropic)
            body.insert(u"enable_thinking"_s, false); // thinking models would spend the tokens
        auto *sink = new TestSink;
        auto *call = new ChatCall(m_client, nullptr, m_callConfig, upstream,
                                  QJsonDocument(body).toJson(QJsonDocument::Compact), false, sink);
        sink->setParent(this);
        call->setParent(sink);
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        sink->done = [sink, r, anthropic, timer, done](Result<QByteArray> answer) mutable {
            r.latencyMs = timer->elapsed();
            if (!answer) {
                r.error = answer.error().message;
                r.cause = answer.error();
            } else {
                const QJsonObject o = QJsonDocument::fromJson(answer.value()).object();
                r.answer = answerText(o, anthropic);
                r.ok = true;
            }
            sink->deleteLater();
            done(r);
        };
        call->start();
    });
}

void ProviderService::models(const QString &id, std::function<void(Result<QStringList>)> done)
{
    auto config = get(id);
    if (!config) {
        QTimer::singleShot(0, this, [done, e = config.error()] { done(e); });
        return;
    }
    secret(id, [this, c = config.value(), done](Result<ProviderSecret> s) {
        if (!s) {
            done(s.error());
            return;
        }
        const Upstream u = upstreamFor(c, s.value());
        QUrl url = u.baseUrl;
        const bool anthropic = u.api == Upstream::Api::AnthropicMessages;
        url.setPath(url.path() + (anthropic ? u"/v1/models"_s : u"/models"_s));
        QList<QPair<QByteArray, QByteArray>> headers = {
            {QByteArray("Accept"), QByteArray("application/json")}};
        if (!u.apiKey.isEmpty()) {
            headers.append({QByteArray("Authorization"), "Bearer " + u.apiKey.toUtf8()});
            if (anthropic)
                headers.append({QByteArray("x-api-key"), u.apiKey.toUtf8()});
        }
        if (anthropic)
            headers.append({QByteArray("anthropic-version"), QByteArray("2023-06-01")});
        headers += u.extraHeaders;
        HttpClientRequest *req =
            m_client->send("GET", url, headers, {}) /* TODO(egress merge): pass u.proxy */;
        auto status = std::make_shared<int>(0);
        auto body = std::make_shared<QByteArray>();
        connect(req, &HttpClientRequest::responseStarted, this,
                [status](int st, const auto &) { *status = st; });
        connect(req, &HttpClientRequest::bodyData, this,
                [body](const QByteArray &b) { *body += b; });
        connect(req, &HttpClientRequest::finished, this, [req, status, body, u, done] {
            req->deleteLater();
            if (*status < 200 || *status >= 300) {
                done(classifyHttpError(*status, *body, {}, u.name));
                return;
            }
            const QJsonDocument doc = QJsonDocument::fromJson(*body);
            if (!doc.isObject()) {
                done(Error::make(
                    Error::Kind::UpstreamUnavailable,
                    u"%1 answered /models with something that is not JSON"_s.arg(u.name)));
                return;
            }
            QStringList ids;
            for (const QJsonValue &m : doc.object().value(u"data"_s).toArray())
                ids.append(m.toObject().value(u"id"_s).toString());
            ids.removeAll(QString());
            done(chatModelsOnly(ids));
        });
        connect(req, &HttpClientRequest::failed, this,
                [req, u, done](HttpClientRequest::Failure, const QString &message) {
                    req->deleteLater();
                    done(Error::make(Error::Kind::UpstreamUnavailable,
                                     u"cannot reach %1: %2"_s.arg(u.name, message)));
                });
    });
}

} // namespace qp
