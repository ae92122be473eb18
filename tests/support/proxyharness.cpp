#include "proxyharness.h"

#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "auth/qwencredentials.h"
#include "auth/sharedfilesource.h"
#include "providers/providerservice.h"

#include <QDir>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace qp::test {

QJsonObject ClientReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QByteArray ClientReply::header(const QByteArray &name) const
{
    for (const auto &h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    return {};
}

QList<QByteArray> ClientReply::sseData() const
{
    QList<QByteArray> out;
    for (const QByteArray &line : body.split('\n'))
        if (line.startsWith("data: "))
            out.append(line.mid(6));
    return out;
}

ProxyHarness::ProxyHarness() : m_upstream(std::make_unique<FakeUpstream>()) {}

ProxyHarness::~ProxyHarness()
{
    m_runtime.reset();
    m_upstream.reset();
}

void ProxyHarness::writeQwenCredentials(const QString &accessToken, qint64 expiryMs,
                                        const QString &refreshToken)
{
    QwenCredentials c;
    c.accessToken = accessToken;
    c.refreshToken = refreshToken;
    c.resourceUrl = u"http://127.0.0.1:%1"_s.arg(m_upstream->port());
    c.expiryDateMs = expiryMs;
    SharedFileSource(qwenHome()).save(c);
}

FakeClock &ProxyHarness::useFakeClock(qint64 startMs)
{
    m_clock = std::make_unique<FakeClock>(startMs);
    return *m_clock;
}

bool ProxyHarness::restart(const QHash<QString, QString> &env, QString *error)
{
    m_runtime.reset();
    QHash<QString, QString> merged = m_env;
    for (auto it = env.begin(); it != env.end(); ++it)
        merged.insert(it.key(), it.value());
    return start(merged, error);
}

bool ProxyHarness::addAccount(const QString &id, const QString &accessToken,
                              const QString &quotaPlan, QString *error)
{
    QwenCredentials c;
    c.accessToken = accessToken;
    c.refreshToken = u"refresh-"_s + id;
    c.resourceUrl = u"http://127.0.0.1:%1"_s.arg(m_upstream->port());
    c.expiryDateMs = QDateTime::currentMSecsSinceEpoch() + 24 * 3600 * 1000LL;
    std::optional<Result<Account>> out;
    QEventLoop loop;
    m_runtime->accounts().addAccount(c, AddAccountOptions{id, {}, true, false},
                                     [&](Result<Account> r) {
                                         out = std::move(r);
                                         loop.quit();
                                     });
    if (!out)
        loop.exec();
    if (!out->ok()) {
        if (error)
            *error = out->error().message;
        return false;
    }
    if (!quotaPlan.isEmpty()) {
        if (auto e = m_runtime->accounts().store()->setLimits(id, quotaPlan, 0, 0)) {
            if (error)
                *error = e->message;
            return false;
        }
    }
    waitForReload();
    return true;
}

void ProxyHarness::waitForReload()
{
    bool done = false;
    QEventLoop loop;
    m_runtime->reloadAccounts([&] {
        done = true;
        loop.quit();
    });
    if (!done)
        loop.exec();
}

bool ProxyHarness::addProvider(const QString &id, const QString &preset, const QString &baseUrl,
                               const QString &apiKey, const QStringList &models,
                               const QString &proxyUrl, QString *error)
{
    AddProviderRequest r;
    r.id = id;
    r.preset = preset;
    r.baseUrl = baseUrl;
    r.apiKey = apiKey;
    r.models = models;
    r.proxyUrl = proxyUrl;
    std::optional<Result<ProviderConfig>> out;
    QEventLoop loop;
    m_runtime->providers().add(r, [&](Result<ProviderConfig> added) {
        out = std::move(added);
        loop.quit();
    });
    if (!out)
        loop.exec();
    if (!out->ok()) {
        if (error)
            *error = out->error().message;
        return false;
    }
    waitForReload(); // the pool has it when this returns
    return true;
}

bool ProxyHarness::start(const QHash<QString, QString> &env, QString *error)
{
    m_env = env;
    RuntimeOptions o;
    o.clock = m_clock.get();
    o.dataDir = m_dir.filePath(u"data"_s);
    o.env = QProcessEnvironment();
    o.env.insert(u"QWEN_HOME"_s, qwenHome());
    o.env.insert(u"QWEN_TOKEN_ENDPOINT"_s,
                 u"http://127.0.0.1:%1/api/v1/oauth2/token"_s.arg(m_upstream->port()));
    o.env.insert(u"PORT"_s, u"0"_s);
    o.env.insert(u"QP_SECRET_STORE"_s, u"file"_s);
    for (auto it = env.begin(); it != env.end(); ++it)
        o.env.insert(it.key(), it.value());
    auto rt = Runtime::create(o);
    if (!rt) {
        if (error)
            *error = rt.error().message;
        return false;
    }
    m_runtime = std::move(rt.value());
    if (auto e = m_runtime->start()) {
        if (error)
            *error = e->message;
        return false;
    }
    return true;
}

QUrl ProxyHarness::url(const QString &path) const
{
    return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_runtime->port()).arg(path));
}

ClientReply waitForReply(QNetworkReply *reply, int timeoutMs)
{
    ClientReply r;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
        r.timedOut = true;
        loop.quit();
    });
    QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
        const QByteArray piece = reply->readAll();
        r.pieces.append(piece);
        r.body += piece;
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    if (!reply->isFinished())
        loop.exec();
    r.body += reply->readAll();
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    for (const auto &h : reply->rawHeaderPairs())
        r.headers.append(h);
    if (r.timedOut)
        reply->abort();
    reply->deleteLater();
    return r;
}

ClientReply ProxyHarness::post(const QString &path, const QByteArray &body,
                               const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    QNetworkRequest req(url(path));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &h : headers)
        req.setRawHeader(h.first, h.second);
    return waitForReply(m_client.post(req, body), timeoutMs);
}

ClientReply ProxyHarness::postJson(const QString &path, const QJsonObject &body,
                                   const QList<QPair<QByteArray, QByteArray>> &headers,
                                   int timeoutMs)
{
    return post(path, QJsonDocument(body).toJson(QJsonDocument::Compact), headers, timeoutMs);
}

ClientReply ProxyHarness::get(const QString &path, int timeoutMs)
{
    return waitForReply(m_client.get(QNetworkRequest(url(path))), timeoutMs);
}

} // namespace qp::test
