#include "auth/tokenmanager.h"

#include "logging/logging.h"
#include "logging/redact.h"
#include "settings/settings.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace qp {

TokenManager::Config TokenManager::Config::fromSettings(const Settings &s)
{
    Config c;
    c.tokenEndpoint = QUrl(s.string(u"qwen_token_endpoint"));
    if (c.tokenEndpoint.isEmpty())
        c.tokenEndpoint =
            QUrl(s.string(u"qwen_oauth_base_url") + QStringLiteral("/api/v1/oauth2/token"));
    c.clientId = s.string(u"qwen_client_id");
    c.refreshBufferMs = s.integer(u"token_refresh_buffer_ms");
    return c;
}

TokenManager::TokenManager(QNetworkAccessManager *nam, Config config, QObject *parent)
    : QObject(parent), m_nam(nam), m_config(std::move(config)),
      m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    m_retryTimer.setSingleShot(true);
    m_retryTimer.setInterval(m_config.saveRetryMs);
    connect(&m_retryTimer, &QTimer::timeout, this, &TokenManager::retryUnsaved);
}

TokenManager::~TokenManager()
{
    // Said so that a "needs login" after the restart has its explanation in the log.
    for (const QString &id : unsavedAccounts())
        qCWarning(lcAuth).noquote() << "the refreshed token of account" << id
                                    << "was never stored; the account may need a new login";
}

QStringList TokenManager::unsavedAccounts() const
{
    QStringList ids;
    for (auto it = m_accounts.cbegin(); it != m_accounts.cend(); ++it)
        if (it.value()->unsaved)
            ids.append(it.key());
    ids.sort();
    return ids;
}

Result<QwenCredentials> TokenManager::current(Account &a)
{
    auto loaded = a.source->load();
    if (!a.unsaved)
        return loaded;
    // Credentials stored since with a later expiry (the qwen CLI refreshed, the user logged in
    // again) replace ours: they are newer, and stored.
    if (loaded && loaded->expiryDateMs > a.unsaved->expiryDateMs) {
        a.unsaved.reset();
        a.saveFailing = false;
        return loaded;
    }
    return *a.unsaved;
}

void TokenManager::addAccount(const QString &id, std::shared_ptr<CredentialSource> source)
{
    auto a = std::make_shared<Account>();
    a->source = std::move(source);
    m_accounts.insert(id, a);
}

void TokenManager::removeAccount(const QString &id)
{
    auto a = m_accounts.take(id);
    if (!a)
        return;
    const auto waiters = std::exchange(a->waiters, {});
    for (const auto &w : waiters)
        if (w.context)
            w.cb(Error::make(Error::Kind::NeedsLogin, u"account %1 was removed"_s.arg(id)));
}

TokenManager::Status TokenManager::status(const QString &id) const
{
    const auto a = m_accounts.value(id);
    if (!a)
        return {u"unknown"_s, u"no such account"_s, 0};
    if (a->dead)
        return {u"needs_login"_s, a->dead->message, 0};
    if (!a->cached) {
        // Peek without side effects: the file may exist and be valid.
        auto loaded = a->source->load();
        if (!loaded)
            return {u"needs_login"_s, loaded.error().message, 0};
        a->cached = loaded.value();
    }
    const bool valid = a->cached->isValidAt(m_clock(), m_config.refreshBufferMs);
    return {valid ? u"ok"_s : u"expired"_s, QString(), a->cached->expiryDateMs};
}

void TokenManager::acquire(const QString &id, const QString &rejectedToken, QObject *context,
                           Callback cb)
{
    const auto a = m_accounts.value(id);
    if (!a) {
        cb(Error::make(Error::Kind::NoUpstream, u"no Qwen account named '%1'"_s.arg(id)));
        return;
    }
    const qint64 now = m_clock();
    auto usable = [&](const QwenCredentials &c) {
        return c.isValidAt(now, m_config.refreshBufferMs) &&
               (rejectedToken.isEmpty() || c.accessToken != rejectedToken);
    };
    if (!a->refreshing) {
        if (a->cached && usable(*a->cached)) {
            cb(*a->cached);
            return;
        }
        // Another process (the qwen CLI, a second proxy) may have refreshed or re-logged in.
        auto loaded = current(*a);
        if (loaded && usable(loaded.value())) {
            a->cached = loaded.value();
            a->dead.reset();
            registerSecret(a->cached->accessToken);
            registerSecret(a->cached->refreshToken);
            cb(*a->cached);
            return;
        }
        if (!loaded) {
            cb(loaded.error());
            return;
        }
        a->cached = loaded.value();
        // A dead refresh token stays dead until the stored credentials change.
        if (a->dead && loaded.value().refreshToken == a->deadRefreshToken) {
            cb(*a->dead);
            return;
        }
        a->dead.reset();
    }
    a->waiters.append({QPointer<QObject>(context), std::move(cb)});
    if (!a->refreshing) {
        a->refreshing = true;
        a->rejected = rejectedToken;
        startRefresh(id);
    }
}

void TokenManager::startRefresh(const QString &id)
{
    const auto a = m_accounts.value(id);
    std::weak_ptr<Account> weak = a;
    a->source->lockForRefresh([this, id, weak](std::optional<Error> lockError) {
        const auto acc = weak.lock();
        if (!acc)
            return;
        if (lockError) {
            finish(id, *lockError);
            return;
        }
        // Under the lock: if another process refreshed meanwhile, take its token (§A.6).
        auto loaded = current(*acc);
        if (!loaded) {
            acc->source->unlockAfterRefresh();
            finish(id, loaded.error());
            return;
        }
        const QwenCredentials &c = loaded.value();
        if (c.isValidAt(m_clock(), m_config.refreshBufferMs) &&
            (acc->rejected.isEmpty() || c.accessToken != acc->rejected)) {
            acc->source->unlockAfterRefresh();
            finish(id, c);
            return;
        }
        postRefresh(id, c);
    });
}

void TokenManager::postRefresh(const QString &id, const QwenCredentials &current)
{
    ++m_refreshCount;
    qCInfo(lcAuth) << "refreshing the access token of account" << id;
    QNetworkRequest req(m_config.tokenEndpoint);
    req.setHeader(QNetworkRequest::ContentTypeHeader,
                  QByteArrayLiteral("application/x-www-form-urlencoded"));
    req.setRawHeader("Accept", "application/json");
    req.setTransferTimeout(m_config.requestTimeoutMs);
    QUrlQuery form;
    form.addQueryItem(u"grant_type"_s, u"refresh_token"_s);
    form.addQueryItem(u"refresh_token"_s, current.refreshToken);
    form.addQueryItem(u"client_id"_s, m_config.clientId);
    QNetworkReply *reply = m_nam->post(req, form.toString(QUrl::FullyEncoded).toUtf8());
    connect(reply, &QNetworkReply::finished, this, [this, reply, id, current] {
        reply->deleteLater();
        const auto a = m_accounts.value(id);
        if (!a)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status < 200 || status >= 300 || reply->error() != QNetworkReply::NoError)
            a->source->unlockAfterRefresh();
        if (status == 400 || status == 401) {
            // qwen-code deletes the file here; we never delete the user's file (issue #2).
            Error e = Error::make(Error::Kind::NeedsLogin,
                                  u"Qwen refresh token for account '%1' is expired or invalid: "
                                  "run 'qwen-proxy auth' to log in again"_s.arg(id));
            a->dead = e;
            a->deadRefreshToken = current.refreshToken;
            finish(id, e);
            Q_EMIT statusChanged(id);
            return;
        }
        if (reply->error() != QNetworkReply::NoError && status == 0) {
            finish(id, Error::make(Error::Kind::UpstreamUnavailable,
                                   u"token refresh failed: %1"_s.arg(reply->errorString())));
            return;
        }
        if (status < 200 || status >= 300) {
            finish(id, Error::make(Error::Kind::UpstreamAuth,
                                   u"Token refresh failed: %1. Response: %2"_s.arg(status).arg(
                                       redact(QString::fromUtf8(body.left(300))))));
            return;
        }
        QJsonParseError err{};
        const auto doc = QJsonDocument::fromJson(body, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject()) {
            a->source->unlockAfterRefresh();
            finish(id, Error::make(Error::Kind::UpstreamError,
                                   u"Qwen OAuth refresh returned invalid JSON"_s));
            return;
        }
        auto fresh = QwenCredentials::fromTokenResponse(doc.object(), m_clock(), &current);
        if (!fresh) {
            a->source->unlockAfterRefresh();
            finish(id, fresh.error());
            return;
        }
        registerSecret(fresh->accessToken);
        registerSecret(fresh->refreshToken);
        // Still under the lock, as the protocol wants: another process must not read the file
        // between our refresh and our write (§A.6).
        persist(id, a, fresh.value());
        finish(id, fresh.value());
        Q_EMIT statusChanged(id);
    });
}

void TokenManager::persist(const QString &id, const std::shared_ptr<Account> &a,
                           const QwenCredentials &creds)
{
    a->unsaved = creds;
    a->saving = true;
    std::weak_ptr<Account> weak = a;
    QPointer<TokenManager> self(this);
    a->source->persist(creds, [self, weak, id, creds](std::optional<Error> e) {
        const auto acc = weak.lock();
        if (!self || !acc)
            return;
        acc->saving = false;
        // A newer refresh or newer stored credentials replaced what this write carried.
        if (!acc->unsaved || acc->unsaved->accessToken != creds.accessToken)
            return;
        if (!e) {
            acc->unsaved.reset();
            if (std::exchange(acc->saveFailing, false))
                qCInfo(lcAuth).noquote()
                    << "the refreshed token of account" << id << "is stored now";
            return;
        }
        // One line per failing stretch, never the token: the requests keep working from
        // memory, so this line and /health are how the user learns of it.
        if (!std::exchange(acc->saveFailing, true))
            qCWarning(lcAuth).noquote()
                << u"the refreshed token of account %1 could not be stored (%2); it is kept in "
                   "memory and written again every %3 s until that succeeds"_s.arg(
                       id, e->message, QString::number(self->m_config.saveRetryMs / 1000.0));
        if (!self->m_retryTimer.isActive())
            self->m_retryTimer.start();
    });
    a->source->unlockAfterRefresh();
}

void TokenManager::retryUnsaved()
{
    for (auto it = m_accounts.cbegin(); it != m_accounts.cend(); ++it) {
        const QString id = it.key();
        const auto a = it.value();
        // A running refresh persists its own, newer tokens.
        if (!a->unsaved || a->saving || a->refreshing)
            continue;
        a->saving = true;
        std::weak_ptr<Account> weak = a;
        QPointer<TokenManager> self(this);
        a->source->lockForRefresh([self, weak, id](std::optional<Error> lockError) {
            const auto acc = weak.lock();
            if (!self || !acc)
                return;
            TokenManager *const tm = self.data();
            acc->saving = false;
            if (lockError || !acc->unsaved || acc->refreshing) {
                if (!lockError)
                    acc->source->unlockAfterRefresh();
                if (acc->unsaved && !tm->m_retryTimer.isActive())
                    tm->m_retryTimer.start();
                return;
            }
            // Under the lock, so a newer file written by another process meanwhile wins.
            auto cur = tm->current(*acc);
            if (!acc->unsaved) {
                acc->source->unlockAfterRefresh();
                if (cur)
                    acc->cached = cur.value();
                return;
            }
            tm->persist(id, acc, *acc->unsaved);
        });
    }
}

void TokenManager::finish(const QString &id, const Result<QwenCredentials> &result)
{
    const auto a = m_accounts.value(id);
    if (!a)
        return;
    a->refreshing = false;
    if (result)
        a->cached = result.value();
    const auto waiters = std::exchange(a->waiters, {});
    for (const auto &w : waiters)
        if (w.context)
            w.cb(result);
}

} // namespace qp
