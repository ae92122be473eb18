// Providers through the running proxy (issue 15): API-key providers added the way
// `qwen-proxy provider add` adds them serve both dialects, routes pick them by name and glob,
// a failed target falls through to the next, and the key stays out of every file.
#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "logging/logging.h"
#include "pool/accountpool.h"
#include "providers/providerservice.h"
#include "proxyharness.h"
#include "testproxies.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {
QJsonObject quotaError()
{
    return QJsonObject{{u"error"_s, QJsonObject{{u"message"_s, u"Free allocated quota exceeded."_s},
                                                {u"code"_s, u"insufficient_quota"_s}}}};
}

QJsonObject chat(const QString &model)
{
    return QJsonObject{
        {u"model"_s, model},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}}}};
}

QJsonObject anthropicMessage(const QString &model)
{
    return QJsonObject{
        {u"model"_s, model},
        {u"max_tokens"_s, 100},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}}}};
}
} // namespace

class TestProviders : public QObject
{
    Q_OBJECT
    std::unique_ptr<ProxyHarness> h;
    std::unique_ptr<FakeUpstream> second; // plays the API-key providers
    QHash<QByteArray, int> failWith;      // key -> status the second fake answers for it

    void start(QHash<QString, QString> env = {})
    {
        h = std::make_unique<ProxyHarness>();
        second = std::make_unique<FakeUpstream>();
        env.insert(u"QWEN_CODE_AUTH_USE"_s, u"false"_s);
        env.insert(u"RETRY_BACKOFF_MS"_s, u"1"_s);
        QString err;
        QVERIFY2(h->start(env, &err), qPrintable(err));
        // Keys are "sk-sp-<name>" or "<name>"; the answer names the key that was used.
        second->on("/v1/chat/completions", [this](const qp::http::HttpRequest &req,
                                                  qp::http::ResponseWriter *w) {
            const QByteArray key = req.header("authorization").mid(7);
            if (const int status = failWith.value(key); status > 0) {
                w->sendJson(status, quotaError());
                return;
            }
            w->sendJson(200, FakeUpstream::completion(u"from "_s + QString::fromUtf8(key)));
        });
    }
    void addProvider(const QString &id, const QString &preset, const QString &key,
                     const QStringList &models = {}, const QString &base = {})
    {
        QString err;
        QVERIFY2(h->addProvider(id, preset, base.isEmpty() ? second->baseUrl() : base, key, models,
                                {}, &err),
                 qPrintable(err));
    }
    QList<RecordedRequest> chatsAtSecond() const
    {
        return second->requestsTo("/v1/chat/completions");
    }

private Q_SLOTS:
    void initTestCase() { qp::LogHub::instance().install(qp::LogHub::Level::Off); }
    void cleanup()
    {
        h.reset();
        second.reset();
        failWith.clear();
    }

    void aCodingPlanKeyServesOpenAIAndAnthropicClients()
    {
        start();
        addProvider(u"cp"_s, u"coding-plan-intl"_s, u"sk-sp-one"_s);
        const ClientReply r = h->postJson(u"/v1/chat/completions"_s, chat(u"claude-sonnet-4-5"_s));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()[u"choices"_s][0][u"message"_s][u"content"_s].toString(),
                 u"from sk-sp-one"_s);
        QCOMPARE(chatsAtSecond().size(), 1);
        const RecordedRequest sent = chatsAtSecond().first();
        QCOMPARE(sent.header("authorization"), QByteArray("Bearer sk-sp-one"));
        // claude-* names get the plan's default model; Alibaba hosts get DashScope headers.
        QCOMPARE(sent.json().value(u"model"_s).toString(), u"qwen3-coder-plus"_s);
        QVERIFY(!sent.header("x-dashscope-cachecontrol").isEmpty());
        // A model the plan serves passes as it is.
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, chat(u"qwen3.7-plus"_s)).status, 200);
        QCOMPARE(chatsAtSecond().last().json().value(u"model"_s).toString(), u"qwen3.7-plus"_s);

        const ClientReply a = h->postJson(u"/v1/messages"_s, anthropicMessage(u"claude-opus-4-1"_s),
                                          {{"anthropic-version", "2023-06-01"}});
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json()[u"content"_s][0][u"text"_s].toString(), u"from sk-sp-one"_s);
        QCOMPARE(a.json()[u"type"_s].toString(), u"message"_s);

        // /health shows the provider (no secret) and where Claude models go.
        const QJsonObject health = h->get(u"/health"_s).json();
        const QJsonObject cp = health.value(u"providers"_s).toArray().at(0).toObject();
        QCOMPARE(cp.value(u"id"_s).toString(), u"cp"_s);
        QCOMPARE(cp.value(u"preset"_s).toString(), u"coding-plan-intl"_s);
        QCOMPARE(cp.value(u"default_model"_s).toString(), u"qwen3-coder-plus"_s);
        QCOMPARE(health.value(u"route"_s).toString(), u"cp:qwen3-coder-plus"_s);
        QVERIFY(!QJsonDocument(health).toJson().contains("sk-sp-one"));
    }

    void aLocalServerGetsNoQwenHeaders()
    {
        start();
        addProvider(u"ol"_s, u"ollama"_s, QString());
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, chat(u"claude-sonnet-4-5"_s)).status, 200);
        const RecordedRequest sent = chatsAtSecond().first();
        QCOMPARE(sent.json().value(u"model"_s).toString(), u"qwen3-coder"_s);
        QVERIFY(sent.header("x-dashscope-cachecontrol").isEmpty());
        QVERIFY(sent.header("authorization").isEmpty());
    }

    void routesPickProvidersByNameAndGlob()
    {
        start({{u"ROUTES"_s, u"gpt-4o=b:model-b; claude-*=a:model-a|b"_s}});
        addProvider(u"a"_s, u"custom"_s, u"key-a"_s, {u"a-default"_s});
        addProvider(u"b"_s, u"custom"_s, u"key-b"_s, {u"b-default"_s});
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, chat(u"gpt-4o"_s)).status, 200);
        QCOMPARE(chatsAtSecond().last().header("authorization"), QByteArray("Bearer key-b"));
        QCOMPARE(chatsAtSecond().last().json().value(u"model"_s).toString(), u"model-b"_s);
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, chat(u"claude-haiku-4-5"_s)).status, 200);
        QCOMPARE(chatsAtSecond().last().header("authorization"), QByteArray("Bearer key-a"));
        QCOMPARE(chatsAtSecond().last().json().value(u"model"_s).toString(), u"model-a"_s);
        // No rule matches: the default route (providers in the order they were added); a name
        // the catalogue does not map passes through.
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, chat(u"some-model"_s)).status, 200);
        QCOMPARE(chatsAtSecond().last().header("authorization"), QByteArray("Bearer key-a"));
        QCOMPARE(chatsAtSecond().last().json().value(u"model"_s).toString(), u"some-model"_s);
        // /v1/models lists what the routes expose.
        QStringList ids;
        for (const QJsonValue &m : h->get(u"/v1/models"_s).json().value(u"data"_s).toArray())
            ids.append(m.toObject().value(u"id"_s).toString());
        QVERIFY2(ids.contains(u"gpt-4o"_s) && ids.contains(u"a-default"_s) &&
                     ids.contains(u"b-default"_s),
                 qPrintable(ids.join(u' ')));
        QVERIFY(!ids.contains(u"claude-*"_s));
    }

    void aFailedTargetFallsThroughToTheNext()
    {
        start({{u"ROUTES"_s, u"*=a|b"_s}});
        addProvider(u"a"_s, u"custom"_s, u"key-a"_s, {u"m"_s});
        addProvider(u"b"_s, u"custom"_s, u"key-b"_s, {u"m"_s});
        failWith.insert("key-a", 429);
        for (int i = 0; i < 3; ++i) {
            const ClientReply r = h->postJson(u"/v1/chat/completions"_s, chat(u"m"_s));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json()[u"choices"_s][0][u"message"_s][u"content"_s].toString(),
                     u"from key-b"_s);
        }
        // a is cooling after its quota answer: later requests go straight to b.
        int toA = 0;
        for (const RecordedRequest &r : chatsAtSecond())
            toA += r.header("authorization") == "Bearer key-a";
        QCOMPARE(toA, 1);
    }

    void anExhaustedOAuthAccountFallsBackToAKeyWithNoFailedRequest()
    {
        start();
        QString err;
        QVERIFY2(h->addAccount(u"oauth1"_s, u"tok-oauth1"_s, {}, &err), qPrintable(err));
        addProvider(u"cp"_s, u"coding-plan-intl"_s, u"sk-sp-paid"_s);
        h->upstream().replyJson(429, quotaError());
        int failed = 0;
        for (int i = 0; i < 4; ++i) {
            const ClientReply r =
                i % 2 ? h->postJson(u"/v1/messages"_s, anthropicMessage(u"claude-sonnet-4-5"_s))
                      : h->postJson(u"/v1/chat/completions"_s, chat(u"claude-sonnet-4-5"_s));
            failed += r.status != 200;
        }
        QCOMPARE(failed, 0);
        QCOMPARE(h->upstream().count("/v1/chat/completions"), 1); // once, then it cools down
        QCOMPARE(chatsAtSecond().size(), 4);
        QCOMPARE(chatsAtSecond().first().json().value(u"model"_s).toString(),
                 u"qwen3-coder-plus"_s);
    }

    void theEndOfTheOAuthTierIsExplainedAndAKeyTakesOver()
    {
        start();
        QString err;
        QVERIFY2(h->addAccount(u"oauth1"_s, u"tok-oauth1"_s, {}, &err), qPrintable(err));
        // As since 2026-04-15: every token is refused, even a freshly refreshed one.
        h->upstream().serveTokenRefresh();
        h->upstream().replyJson(
            401, QJsonObject{{u"error"_s, QJsonObject{{u"message"_s,
                                                       u"invalid access token or token expired"_s},
                                                      {u"code"_s, u"invalid_api_key"_s}}}});
        // Alone, the account's answer says what happened and what to do.
        ClientReply r = h->postJson(u"/v1/chat/completions"_s, chat(u"claude-sonnet-4-5"_s));
        QVERIFY2(r.status >= 400, r.body.constData());
        QVERIFY2(r.json()[u"error"_s][u"message"_s].toString().contains(u"provider add"_s),
                 r.body.constData());
        const QJsonArray warnings = h->get(u"/health"_s).json().value(u"warnings"_s).toArray();
        QVERIFY2(QJsonDocument(warnings).toJson().contains("coding-plan-intl"),
                 QJsonDocument(warnings).toJson().constData());
        QCOMPARE(h->runtime().accounts().store()->get(u"oauth1"_s)->status,
                 qp::AccountStatus::Discontinued);
        // With a key added, requests are served again.
        addProvider(u"cp"_s, u"coding-plan-intl"_s, u"sk-sp-paid"_s);
        r = h->postJson(u"/v1/chat/completions"_s, chat(u"claude-sonnet-4-5"_s));
        QCOMPARE(r.status, 200);
    }

    void whenEveryTargetFailsTheAnswerNamesEachAndWhy()
    {
        start({{u"ROUTES"_s, u"*=a|b"_s}});
        addProvider(u"a"_s, u"custom"_s, u"key-a"_s, {u"m"_s});
        addProvider(u"b"_s, u"custom"_s, u"key-b"_s, {u"m"_s});
        failWith.insert("key-a", 429);
        failWith.insert("key-b", 429);
        const ClientReply r = h->postJson(u"/v1/chat/completions"_s, chat(u"m"_s));
        QCOMPARE(r.status, 429);
        const QString message = r.json()[u"error"_s][u"message"_s].toString();
        QVERIFY2(message.contains(u"a: "_s) && message.contains(u"b: "_s) &&
                     message.contains(u"quota"_s, Qt::CaseInsensitive),
                 qPrintable(message));
        const ClientReply a = h->postJson(u"/v1/messages"_s, anthropicMessage(u"m"_s));
        QCOMPARE(a.status, 429);
        QCOMPARE(a.json()[u"type"_s].toString(), u"error"_s);
        QVERIFY(a.json()[u"error"_s][u"message"_s].toString().contains(u"b: "_s));
    }

    void openAIClientsNeverReachAnAnthropicOnlyProvider()
    {
        start({{u"ROUTES"_s, u"only-anthropic=anth"_s}});
        addProvider(u"anth"_s, u"anthropic"_s, u"sk-ant-x"_s, {u"qwen3.7-plus"_s},
                    u"http://127.0.0.1:%1/apps/anthropic"_s.arg(second->port()));
        const ClientReply r = h->postJson(u"/v1/chat/completions"_s, chat(u"only-anthropic"_s));
        QCOMPARE(r.status, 503);
        QVERIFY2(r.json()[u"error"_s][u"message"_s].toString().contains(u"Anthropic API"_s),
                 r.body.constData());
        QCOMPARE(second->requests().size(), 0);
    }

    void theKeyIsInNoFileOrLog()
    {
        start({{u"LOG_LEVEL"_s, u"debug"_s}});
        // Every category on, console still off: everything logged lands in the ring only.
        QLoggingCategory::setFilterRules(u"qp.*=true"_s);
        auto restore =
            qScopeGuard([] { qp::LogHub::instance().setConsoleLevel(qp::LogHub::Level::Off); });
        addProvider(u"cp"_s, u"coding-plan-intl"_s, u"sk-sp-secretvalue123"_s);
        failWith.insert("sk-sp-secretvalue123", 401);
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, chat(u"qwen3.7-plus"_s)).status, 401);
        const ClientReply health = h->get(u"/health"_s);
        QVERIFY(!health.body.contains("secretvalue123"));
        // Every log line (console, debug file and the tray's log view all print these).
        const QList<qp::LogEntry> logged = qp::LogHub::instance().recent(qp::LogHub::capacity);
        QVERIFY(!logged.isEmpty());
        for (const qp::LogEntry &e : logged)
            QVERIFY2(!e.message.contains(u"secretvalue123"_s), qPrintable(e.message));
        h->stop();
        QDirIterator it(h->dataDir(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        int files = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            if (path.endsWith(u"secrets.json"_s))
                continue; // the secret store's own file (the keychain fallback), 0600
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains("secretvalue123"), qPrintable(path));
            ++files;
        }
        QVERIFY(files > 0);
    }

    // Egress (docs/egress.md): the upstream is reachable only through the proxy, under a name
    // only the proxy resolves.
    void aProviderGoesOutThroughItsHttpConnectProxy()
    {
        start();
        TestConnectProxy proxy;
        proxy.setCredentials(u"alice"_s, u"s3cret-pw"_s);
        proxy.mapHost(u"upstream.invalid"_s);
        QString err;
        const QString hidden = u"http://upstream.invalid:%1/v1"_s.arg(second->port());
        QVERIFY2(h->addProvider(u"px"_s, u"custom"_s, hidden, u"key-px"_s, {u"m"_s},
                                u"http://alice:s3cret-pw@127.0.0.1:%1"_s.arg(proxy.port()), &err),
                 qPrintable(err));
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, chat(u"m"_s)).status, 200);
        QCOMPARE(proxy.targets, QStringList{u"upstream.invalid:%1"_s.arg(second->port())});
        QCOMPARE(chatsAtSecond().last().header("authorization"), QByteArray("Bearer key-px"));
        // Streaming too, through the same tunnel or a new one.
        QJsonObject body = chat(u"m"_s);
        body.insert(u"stream"_s, true);
        second->replySse(
            {{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"through"_s}}, u"stop"_s)},
             {0, FakeUpstream::usageChunk(3, 1)},
             {0, "[DONE]"}});
        const ClientReply streamed = h->postJson(u"/v1/chat/completions"_s, body);
        QCOMPARE(streamed.status, 200);
        QVERIFY(streamed.body.contains("through"));
        QVERIFY(streamed.body.contains("[DONE]"));
        for (const QString &t : std::as_const(proxy.targets))
            QCOMPARE(t, u"upstream.invalid:%1"_s.arg(second->port()));
        // Shown redacted; the password is a secret.
        const auto listed = h->runtime().providers().get(u"px"_s);
        QVERIFY(listed.ok());
        QVERIFY2(listed->proxy.contains(u"***"_s) && !listed->proxy.contains(u"s3cret"_s),
                 qPrintable(listed->proxy));
    }

    void aProviderGoesOutThroughItsSocks5Proxy()
    {
        start();
        TestSocks5Proxy proxy;
        proxy.setCredentials(u"bob"_s, u"pw2"_s);
        proxy.mapHost(u"upstream.invalid"_s);
        QString err;
        QVERIFY2(h->addProvider(u"sx"_s, u"custom"_s,
                                u"http://upstream.invalid:%1/v1"_s.arg(second->port()), u"key-sx"_s,
                                {u"m"_s}, u"socks5h://bob:pw2@127.0.0.1:%1"_s.arg(proxy.port()),
                                &err),
                 qPrintable(err));
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, chat(u"m"_s)).status, 200);
        const ClientReply a = h->postJson(u"/v1/messages"_s, anthropicMessage(u"m"_s));
        QCOMPARE(a.status, 200);
        QVERIFY(proxy.targets.contains(u"upstream.invalid:%1"_s.arg(second->port())));
        QVERIFY(proxy.addressTypes.contains(3)); // the name went to the proxy unresolved
    }

    void aProxyRefusingTheCredentialsIsAClear502()
    {
        start();
        TestConnectProxy proxy;
        proxy.setCredentials(u"alice"_s, u"right"_s);
        proxy.mapHost(u"upstream.invalid"_s);
        QString err;
        QVERIFY2(h->addProvider(u"px"_s, u"custom"_s,
                                u"http://upstream.invalid:%1/v1"_s.arg(second->port()), u"key-px"_s,
                                {u"m"_s}, u"http://alice:wrong-pw@127.0.0.1:%1"_s.arg(proxy.port()),
                                &err),
                 qPrintable(err));
        const ClientReply r = h->postJson(u"/v1/chat/completions"_s, chat(u"m"_s));
        QCOMPARE(r.status, 502);
        const QString message = r.json()[u"error"_s][u"message"_s].toString();
        QVERIFY2(message.contains(u"proxy"_s) && !message.contains(u"wrong-pw"_s),
                 qPrintable(message));
        QCOMPARE(chatsAtSecond().size(), 0);
    }

    void withoutItsOwnProxyAProviderTakesTheSystemProxy()
    {
        TestConnectProxy proxy;
        proxy.mapHost(u"upstream.invalid"_s);
        start({{u"HTTP_PROXY"_s, proxy.url()}, {u"NO_PROXY"_s, u"example.com"_s}});
        QString err;
        QVERIFY2(h->addProvider(u"sys"_s, u"custom"_s,
                                u"http://upstream.invalid:%1/v1"_s.arg(second->port()),
                                u"key-sys"_s, {u"m"_s}, {}, &err),
                 qPrintable(err));
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, chat(u"m"_s)).status, 200);
        QCOMPARE(proxy.targets, QStringList{u"upstream.invalid:%1"_s.arg(second->port())});
        // Loopback never takes the system proxy: the OAuth fake on 127.0.0.1 is reached directly.
        QVERIFY2(h->addAccount(u"oauth1"_s, u"tok-oauth1"_s, {}, &err), qPrintable(err));
        h->upstream().replyJson(200, FakeUpstream::completion(u"direct"_s));
        QVERIFY(h->postJson(u"/v1/chat/completions"_s, chat(u"claude-sonnet-4-5"_s),
                            {{"X-Qwen-Account", "oauth1"}})
                    .status == 200);
        QCOMPARE(proxy.targets.size(), 1);
    }

    void theQwenOAuthAccountsTakeTheQwenOAuthProvidersProxy()
    {
        start();
        TestConnectProxy proxy;
        QString err;
        QVERIFY2(h->addAccount(u"oauth1"_s, u"tok-oauth1"_s, {}, &err), qPrintable(err));
        QVERIFY2(h->addProvider(u"qwen-oauth"_s, u"qwen-oauth"_s, {}, {}, {}, proxy.url(), &err),
                 qPrintable(err));
        h->upstream().replyJson(200, FakeUpstream::completion(u"via proxy"_s));
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, chat(u"claude-sonnet-4-5"_s)).status, 200);
        QCOMPARE(proxy.targets, QStringList{u"127.0.0.1:%1"_s.arg(h->upstream().port())});
        // It is no account and serves nothing by itself.
        QVERIFY(!h->runtime().pool().contains(u"qwen-oauth"_s));
    }

    void theTokenRefreshTakesTheQwenOAuthProxyToo()
    {
        h = std::make_unique<ProxyHarness>();
        second = std::make_unique<FakeUpstream>();
        // qwen-code's own login, expired: the first request refreshes it.
        h->writeQwenCredentials(u"old-token"_s, QDateTime::currentMSecsSinceEpoch() - 60000);
        QString err;
        QVERIFY2(h->start({}, &err), qPrintable(err));
        TestConnectProxy proxy;
        QVERIFY2(h->addProvider(u"qwen-oauth"_s, u"qwen-oauth"_s, {}, {}, {}, proxy.url(), &err),
                 qPrintable(err));
        h->upstream().serveTokenRefresh();
        h->upstream().replyJson(200, FakeUpstream::completion(u"refreshed"_s));
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, chat(u"claude-sonnet-4-5"_s)).status, 200);
        QCOMPARE(h->upstream().refreshCount(), 1);
        // QNetworkAccessManager sends plain http through an HTTP proxy in absolute form.
        QVERIFY2(proxy.absoluteRequests.join(u' ').contains(u"/api/v1/oauth2/token"_s),
                 qPrintable(proxy.absoluteRequests.join(u' ')));
    }

    void providersAreRemovedWithTheirAccountAndKey()
    {
        start();
        addProvider(u"cp"_s, u"coding-plan-intl"_s, u"sk-sp-one"_s);
        QVERIFY(h->runtime().pool().contains(u"cp"_s));
        std::optional<std::optional<qp::Error>> out;
        h->runtime().providers().remove(u"cp"_s, [&](std::optional<qp::Error> e) { out = e; });
        QTRY_VERIFY(out.has_value());
        QVERIFY(!out->has_value());
        h->waitForReload();
        QVERIFY(!h->runtime().pool().contains(u"cp"_s));
        QVERIFY(!h->runtime().accounts().store()->contains(u"cp"_s));
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, chat(u"m"_s)).status, 503);
    }
};

QTEST_MAIN(TestProviders)
#include "tst_providers.moc"
