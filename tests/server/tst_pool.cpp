// The account pool through the running server: several stored accounts, one fake upstream that
// answers per account (by the bearer token), requests from clients in both dialects.
#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "logging/logging.h"
#include "pool/accountpool.h"
#include "proxyharness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {
// 2026-12-07 10:00:00 UTC: far from midnight, so a 5 h window stays inside one UTC day.
constexpr qint64 kStart = 1796637600000;

QByteArray tokenOf(const QString &account)
{
    return "tok-" + account.toUtf8();
}

QJsonObject openAIBody(const QString &firstUser = u"hello"_s, bool stream = false)
{
    QJsonObject b{{u"model"_s, u"qwen3-coder-plus"_s},
                  {u"messages"_s,
                   QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, firstUser}}}}};
    if (stream)
        b.insert(u"stream"_s, true);
    return b;
}

QJsonObject anthropicBody(const QString &firstUser = u"hello"_s, bool stream = false)
{
    return QJsonObject{{u"model"_s, u"claude-sonnet-4-5"_s},
                       {u"max_tokens"_s, 100},
                       {u"stream"_s, stream},
                       {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                              {u"content"_s, firstUser}}}}};
}
} // namespace

class TestPool : public QObject
{
    Q_OBJECT
    std::unique_ptr<ProxyHarness> h;
    // What each account's upstream answers; unset accounts succeed.
    using Answer = std::function<void(const qp::http::HttpRequest &, qp::http::ResponseWriter *)>;
    QHash<QByteArray, Answer> answers;
    QStringList served; // the account of each chat request the upstream saw, in order

    void start(const QStringList &accounts, QHash<QString, QString> env = {},
               const QHash<QString, QString> &plans = {})
    {
        h = std::make_unique<ProxyHarness>();
        h->useFakeClock(kStart);
        env.insert(u"QWEN_CODE_AUTH_USE"_s, u"false"_s);
        env.insert(u"RETRY_BACKOFF_MS"_s, u"1"_s);
        QString err;
        QVERIFY2(h->start(env, &err), qPrintable(err));
        for (const QString &a : accounts)
            QVERIFY2(h->addAccount(a, QString::fromUtf8(tokenOf(a)), plans.value(a), &err),
                     qPrintable(err));
        h->upstream().on("/v1/chat/completions", [this](const qp::http::HttpRequest &req,
                                                        qp::http::ResponseWriter *w) {
            const QByteArray token = req.header("authorization").mid(7);
            served.append(token.startsWith("tok-") ? QString::fromUtf8(token.mid(4)) : u"a"_s);
            if (auto it = answers.constFind(token); it != answers.cend()) {
                (*it)(req, w);
                return;
            }
            const bool stream =
                QJsonDocument::fromJson(req.body).object().value(u"stream"_s).toBool();
            if (!stream) {
                w->sendJson(200, FakeUpstream::completion(u"from "_s + QString::fromUtf8(token)));
                return;
            }
            h->upstream().runSse(
                w,
                {{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"hi"_s}}, u"stop"_s)},
                 {0, FakeUpstream::usageChunk(10, 5)},
                 {0, "[DONE]"}},
                false);
        });
    }
    void answer(const QString &account, int status, const QJsonObject &body,
                qp::http::Headers hd = {})
    {
        answers[tokenOf(account)] = [=](const qp::http::HttpRequest &,
                                        qp::http::ResponseWriter *w) {
            w->sendJson(status, body, hd);
        };
    }
    static QJsonObject err(const QString &message, const QString &code = {})
    {
        QJsonObject e{{u"message"_s, message}};
        if (!code.isEmpty())
            e.insert(u"code"_s, code);
        return QJsonObject{{u"error"_s, e}};
    }
    QJsonObject accountHealth(const QString &id)
    {
        for (const auto &v : h->get(u"/health"_s).json().value(u"accounts"_s).toArray())
            if (v.toObject().value(u"id"_s).toString() == id)
                return v.toObject();
        return {};
    }

private Q_SLOTS:
    void initTestCase() { qp::LogHub::instance().install(qp::LogHub::Level::Off); }
    void init()
    {
        answers.clear();
        served.clear();
    }
    void cleanup() { h.reset(); }

    void roundRobinTakesEachAccountInTurn()
    {
        start({u"a"_s, u"b"_s, u"c"_s});
        for (int i = 0; i < 6; ++i)
            QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(u"q%1"_s.arg(i))).status,
                     200);
        QCOMPARE(served, (QStringList{u"a"_s, u"b"_s, u"c"_s, u"a"_s, u"b"_s, u"c"_s}));
    }

    void strategies_data()
    {
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<QStringList>("expected");
        // a has 2 requests per 5 h, b 4, c 3. Six sequential requests, each a new conversation.
        QTest::newRow("fill_first")
            << u"fill_first"_s << QStringList{u"a"_s, u"a"_s, u"b"_s, u"b"_s, u"b"_s, u"b"_s};
        QTest::newRow("lru") << u"lru"_s
                             << QStringList{u"a"_s, u"b"_s, u"c"_s, u"a"_s, u"b"_s, u"c"_s};
        // Lowest share used of the tightest window (ties: least recently used).
        QTest::newRow("least_used")
            << u"least_used"_s << QStringList{u"a"_s, u"b"_s, u"c"_s, u"b"_s, u"c"_s, u"a"_s};
        // Most requests left (ties: least recently used).
        QTest::newRow("most_remaining")
            << u"most_remaining"_s << QStringList{u"b"_s, u"c"_s, u"b"_s, u"a"_s, u"c"_s, u"b"_s};
    }
    void strategies()
    {
        QFETCH(QString, strategy);
        QFETCH(QStringList, expected);
        start({u"a"_s, u"b"_s, u"c"_s}, {{u"POOL_STRATEGY"_s, strategy}},
              {{u"a"_s, u"5h:2"_s}, {u"b"_s, u"5h:4"_s}, {u"c"_s, u"5h:3"_s}});
        for (int i = 0; i < expected.size(); ++i) {
            QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(u"q%1"_s.arg(i))).status,
                     200);
        }
        QCOMPARE(served, expected);
    }

    void resetFirstUsesTheWindowThatRenewsSoonest()
    {
        auto &clock = [&]() -> qp::FakeClock & {
            h = std::make_unique<ProxyHarness>();
            return h->useFakeClock(kStart);
        }();
        QString e;
        QVERIFY2(h->start({{u"QWEN_CODE_AUTH_USE"_s, u"false"_s},
                           {u"POOL_STRATEGY"_s, u"reset_first"_s},
                           {u"DEFAULT_ACCOUNT"_s, u"b"_s}},
                          &e),
                 qPrintable(e));
        for (const QString &a : {u"a"_s, u"b"_s})
            QVERIFY2(h->addAccount(a, QString::fromUtf8(tokenOf(a)), u"5h:100"_s, &e),
                     qPrintable(e));
        h->upstream().on("/v1/chat/completions",
                         [this](const qp::http::HttpRequest &req, qp::http::ResponseWriter *w) {
                             served.append(QString::fromUtf8(req.header("authorization").mid(11)));
                             w->sendJson(200, FakeUpstream::completion(u"x"_s));
                         });
        // b is used first (DEFAULT_ACCOUNT), an hour later a; then b's window renews first.
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(u"1"_s)).status, 200);
        clock.advanceMs(3600 * 1000);
        QCOMPARE(
            h->postJson(u"/v1/chat/completions"_s, openAIBody(u"2"_s), {{"X-Qwen-Account", "a"}})
                .status,
            200);
        h->runtime().pool().setConfig([&] {
            auto c = h->runtime().pool().config();
            c.defaultAccount.clear();
            return c;
        }());
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(u"3"_s)).status, 200);
        QCOMPARE(served, (QStringList{u"b"_s, u"a"_s, u"b"_s}));
    }

    void defaultAccountFirst()
    {
        start({u"a"_s, u"b"_s, u"c"_s}, {{u"DEFAULT_ACCOUNT"_s, u"c"_s}});
        for (int i = 0; i < 3; ++i)
            QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(u"q%1"_s.arg(i))).status,
                     200);
        QCOMPARE(served, (QStringList{u"c"_s, u"c"_s, u"c"_s}));
        // Not usable: the others serve, and nothing fails.
        answer(u"c"_s, 429, err(u"Free allocated quota exceeded."_s, u"insufficient_quota"_s));
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(u"q9"_s)).status, 200);
        QCOMPARE(served.mid(3), (QStringList{u"c"_s, u"a"_s}));
    }

    void conversationsStayOnTheirAccount()
    {
        start({u"a"_s, u"b"_s});
        // Two conversations interleaved; each turn repeats the first user message (as clients do).
        for (int turn = 0; turn < 3; ++turn) {
            for (const QString &conv : {u"first conversation"_s, u"second conversation"_s}) {
                QJsonObject body = openAIBody(conv);
                QJsonArray msgs = body.value(u"messages"_s).toArray();
                for (int i = 0; i < turn; ++i) {
                    msgs.append(QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u"ok"_s}});
                    msgs.append(
                        QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"more %1"_s.arg(i)}});
                }
                body.insert(u"messages"_s, msgs);
                QCOMPARE(h->postJson(u"/v1/chat/completions"_s, body).status, 200);
            }
        }
        QCOMPARE(served, (QStringList{u"a"_s, u"b"_s, u"a"_s, u"b"_s, u"a"_s, u"b"_s}));
        // A client's session header wins over the derived key, in the Anthropic dialect too.
        served.clear();
        for (int i = 0; i < 3; ++i)
            QCOMPARE(h->postJson(u"/v1/messages"_s, anthropicBody(u"different %1"_s.arg(i)),
                                 {{"X-Claude-Code-Session-Id", "session-42"}})
                         .status,
                     200);
        QCOMPARE(served.size(), 3);
        QCOMPARE(served.count(served.first()), 3);
    }

    void pinning()
    {
        start({u"a"_s, u"b"_s});
        QCOMPARE(
            h->postJson(u"/v1/chat/completions"_s, openAIBody(), {{"X-Qwen-Account", "b"}}).status,
            200);
        QCOMPARE(
            h->postJson(u"/v1/chat/completions"_s, openAIBody(), {{"X-Qwen-Account", "b"}}).status,
            200);
        QCOMPARE(served, (QStringList{u"b"_s, u"b"_s}));
        const auto unknown =
            h->postJson(u"/v1/chat/completions"_s, openAIBody(), {{"X-Qwen-Account", "zz"}});
        QCOMPARE(unknown.status, 400);
        QVERIFY(unknown.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"unknown account 'zz'"_s));
        // b cools after a quota answer: pinning it is a clear 409, never a silent fallback to a.
        answer(u"b"_s, 429, err(u"Free allocated quota exceeded."_s, u"insufficient_quota"_s));
        QCOMPARE(
            h->postJson(u"/v1/chat/completions"_s, openAIBody(), {{"X-Qwen-Account", "b"}}).status,
            429);
        const auto busy =
            h->postJson(u"/v1/messages"_s, anthropicBody(), {{"X-Qwen-Account", "b"}});
        QCOMPARE(busy.status, 409);
        QCOMPARE(busy.json().value(u"type"_s).toString(), u"error"_s);
        QVERIFY(busy.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"cooling until"_s));
        QVERIFY(!busy.header("retry-after").isEmpty());
        QCOMPARE(served, (QStringList{u"b"_s, u"b"_s, u"b"_s}));
    }

    void noFailedRequestWhileAnAccountHasQuota_data()
    {
        QTest::addColumn<bool>("anthropic");
        QTest::addColumn<bool>("stream");
        for (bool a : {false, true})
            for (bool s : {false, true})
                QTest::newRow(qPrintable(
                    u"%1 %2"_s.arg(a ? u"anthropic"_s : u"openai"_s, s ? u"stream"_s : u"json"_s)))
                    << a << s;
    }
    void noFailedRequestWhileAnAccountHasQuota()
    {
        QFETCH(bool, anthropic);
        QFETCH(bool, stream);
        start({u"a"_s, u"b"_s, u"c"_s});
        answer(u"a"_s, 429, err(u"Free allocated quota exceeded."_s, u"insufficient_quota"_s));
        answer(u"b"_s, 403,
               err(u"Access denied, please make sure your account is in good standing."_s,
                   u"Arrearage"_s));
        for (int i = 0; i < 6; ++i) {
            const auto r =
                anthropic
                    ? h->postJson(u"/v1/messages"_s, anthropicBody(u"m%1"_s.arg(i), stream))
                    : h->postJson(u"/v1/chat/completions"_s, openAIBody(u"m%1"_s.arg(i), stream));
            QCOMPARE(r.status, 200);
            QVERIFY(stream ? r.body.contains("hi") : !r.body.contains("error"));
        }
        // a and b were each tried once, then left alone; c served everything.
        QCOMPARE(served.count(u"a"_s), 1);
        QCOMPARE(served.count(u"b"_s), 1);
        QCOMPARE(served.count(u"c"_s), 6);
        QCOMPARE(accountHealth(u"a"_s).value(u"state"_s).toString(), u"cooling"_s);
        QCOMPARE(accountHealth(u"b"_s).value(u"state"_s).toString(), u"parked"_s);
        QVERIFY(accountHealth(u"b"_s).value(u"message"_s).toString().contains(u"good standing"_s));
    }

    void quotaCoolsUntilUtcMidnightOrRetryAfter()
    {
        start({u"a"_s, u"b"_s});
        answer(u"a"_s, 429, err(u"Free allocated quota exceeded."_s, u"insufficient_quota"_s));
        answer(u"b"_s, 429, err(u"You exceeded your current quota"_s, u"insufficient_quota"_s),
               {{"Retry-After", "120"}});
        const auto r = h->postJson(u"/v1/chat/completions"_s, openAIBody());
        QCOMPARE(r.status, 429);
        // a cools until midnight UTC (daily quota), b for its Retry-After: the answer says so.
        QCOMPARE(accountHealth(u"a"_s).value(u"until"_s).toString(), u"2026-12-08T00:00:00Z"_s);
        QCOMPARE(accountHealth(u"b"_s).value(u"until"_s).toString(), u"2026-12-07T10:02:00Z"_s);
        const auto again = h->postJson(u"/v1/chat/completions"_s, openAIBody());
        QCOMPARE(again.status, 429);
        QCOMPARE(again.header("retry-after"), QByteArray("120"));
        QVERIFY(again.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"10:02 UTC"_s));
        QCOMPARE(served.size(), 2); // refused locally: no retry storm upstream
    }

    void meteredWindowsStopBeforeTheLimitAndReset()
    {
        start({u"a"_s, u"b"_s}, {{u"POOL_STRATEGY"_s, u"fill_first"_s}},
              {{u"a"_s, u"5h:3"_s}, {u"b"_s, u"5h:100,week:4"_s}});
        auto &clock = *static_cast<qp::FakeClock *>(&h->runtime().clock());
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(u"m%1"_s.arg(i))).status,
                     200);
            clock.advanceMs(60 * 1000);
        }
        QCOMPARE(served, (QStringList{u"a"_s, u"a"_s, u"a"_s, u"b"_s, u"b"_s}));
        const QJsonObject a = accountHealth(u"a"_s);
        const QJsonObject w = a.value(u"windows"_s).toArray().first().toObject();
        QCOMPARE(w.value(u"used_requests"_s).toInt(), 3);
        QCOMPARE(w.value(u"remaining_requests"_s).toInt(), 0);
        QCOMPARE(w.value(u"resets_at"_s).toString(), u"2026-12-07T15:01:00Z"_s);
        // 5 h after the first request a frees up again, minute by minute.
        clock.setMs(kStart + 5 * 3600 * 1000LL + 60 * 1000);
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(u"late"_s)).status, 200);
        QCOMPARE(served.last(), u"a"_s);
        // b's week: 2 used of 4. Spend the rest through a pin, then everything is spent.
        QCOMPARE(
            h->postJson(u"/v1/chat/completions"_s, openAIBody(), {{"X-Qwen-Account", "b"}}).status,
            200);
        QCOMPARE(
            h->postJson(u"/v1/chat/completions"_s, openAIBody(), {{"X-Qwen-Account", "b"}}).status,
            200);
        QCOMPARE(
            h->postJson(u"/v1/chat/completions"_s, openAIBody(), {{"X-Qwen-Account", "b"}}).status,
            409);
        // Two minutes on, a's 10:01 and 10:02 requests have left its window too: one of three used.
        clock.setMs(kStart + 5 * 3600 * 1000LL + 3 * 60 * 1000);
        const int upstreamCalls = int(served.size());
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(u"x"_s)).status,
                 200); // a: 2 of 3
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody(u"y"_s)).status,
                 200); // a: 3 of 3
        const auto full = h->postJson(u"/v1/messages"_s, anthropicBody(u"z"_s));
        QCOMPARE(full.status, 429);
        QVERIFY(full.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"every account (2)"_s));
        QVERIFY(!full.header("retry-after").isEmpty());
        QCOMPARE(served.size(), upstreamCalls + 2); // the refusal never reached the upstream
    }

    void windowsSurviveARestart()
    {
        start({u"a"_s}, {}, {{u"a"_s, u"5h:10"_s}});
        for (int i = 0; i < 4; ++i)
            QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody()).status, 200);
        QString e;
        QVERIFY2(h->restart({}, &e), qPrintable(e));
        const QJsonObject w =
            accountHealth(u"a"_s).value(u"windows"_s).toArray().first().toObject();
        QCOMPARE(w.value(u"used_requests"_s).toInt(), 4);
        QCOMPARE(w.value(u"used_tokens"_s).toInt(), 4 * 15);
    }

    void aChangedPlanCountsTheStoredHistory()
    {
        // `qwen-proxy auth plan` writes the store; the server's account watcher applies it. A
        // longer window must count the minutes the old, shorter one had already let go of.
        start({u"a"_s}, {}, {{u"a"_s, u"5h:100"_s}});
        auto &clock = *static_cast<qp::FakeClock *>(&h->runtime().clock());
        for (int i = 0; i < 3; ++i)
            QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody()).status, 200);
        clock.advanceMs(6 * 3600 * 1000LL);
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody()).status, 200);
        QCOMPARE(accountHealth(u"a"_s)
                     .value(u"windows"_s)
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"used_requests"_s)
                     .toInt(),
                 1);
        QVERIFY(!h->runtime().accounts().store()->setLimits(u"a"_s, u"week:100"_s, 0, 0));
        const auto week = [&]() -> QString {
            const QJsonObject w =
                accountHealth(u"a"_s).value(u"windows"_s).toArray().first().toObject();
            return w.value(u"window"_s).toString() + u' ' +
                   QString::number(w.value(u"used_requests"_s).toInt());
        };
        QTRY_COMPARE_WITH_TIMEOUT(week(), u"week 4"_s, 6000);
    }

    void transientErrorsRetryThenRotate()
    {
        start({u"a"_s, u"b"_s}, {{u"UPSTREAM_RETRIES"_s, u"2"_s}});
        answer(u"a"_s, 503, err(u"busy"_s));
        const auto r = h->postJson(u"/v1/chat/completions"_s, openAIBody());
        QCOMPARE(r.status, 200);
        QCOMPARE(served, (QStringList{u"a"_s, u"a"_s, u"a"_s, u"b"_s}));
    }

    void shortRetryAfterIsWaitedOnTheSameAccount()
    {
        start({u"a"_s, u"b"_s});
        int calls = 0;
        answers[tokenOf(u"a"_s)] = [&](const qp::http::HttpRequest &, qp::http::ResponseWriter *w) {
            if (++calls == 1)
                w->sendJson(429, err(u"Requests rate limit exceeded"_s, u"Throttling.RateQuota"_s),
                            {{"Retry-After", "0"}});
            else
                w->sendJson(200, FakeUpstream::completion(u"second try"_s));
        };
        const auto r = h->postJson(u"/v1/chat/completions"_s, openAIBody());
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("second try"));
        QCOMPARE(served, (QStringList{u"a"_s, u"a"_s}));
    }

    void longRetryAfterRotatesAndCools()
    {
        start({u"a"_s, u"b"_s});
        answer(u"a"_s, 429, err(u"slow down"_s), {{"Retry-After", "30"}});
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody()).status, 200);
        QCOMPARE(served, (QStringList{u"a"_s, u"b"_s}));
        QCOMPARE(accountHealth(u"a"_s).value(u"until"_s).toString(), u"2026-12-07T10:00:30Z"_s);
    }

    void refreshThenRotate()
    {
        start({u"a"_s, u"b"_s});
        h->upstream().serveTokenRefresh();
        answer(u"a"_s, 401, err(u"invalid access token or token expired"_s, u"invalid_api_key"_s));
        // The refreshed token of a is refused too: a is parked (the discontinued tier), b serves.
        answers["fresh-access-token-1"] = answers[tokenOf(u"a"_s)];
        const auto r = h->postJson(u"/v1/chat/completions"_s, openAIBody());
        QCOMPARE(r.status, 200);
        QCOMPARE(h->upstream().refreshCount(), 1);
        QCOMPARE(served.last(), u"b"_s);
        QCOMPARE(served.size(), 3); // a, a after one refresh, then b
        QCOMPARE(accountHealth(u"a"_s).value(u"state"_s).toString(), u"parked"_s);
    }

    void clientErrorsAreNotRotated()
    {
        start({u"a"_s, u"b"_s});
        answer(u"a"_s, 400, err(u"messages: bad role"_s));
        const auto r = h->postJson(u"/v1/chat/completions"_s, openAIBody());
        QCOMPARE(r.status, 400);
        QVERIFY(r.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"bad role"_s));
        QCOMPARE(served, QStringList{u"a"_s});
        QCOMPARE(accountHealth(u"a"_s).value(u"state"_s).toString(), u"healthy"_s);
    }

    void noRotationAfterTheFirstStreamedByte()
    {
        start({u"a"_s, u"b"_s});
        answers[tokenOf(u"a"_s)] = [this](const qp::http::HttpRequest &,
                                          qp::http::ResponseWriter *w) {
            h->upstream().runSse(
                w, {{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"partial"_s}})}}, true);
        };
        const auto r = h->postJson(u"/v1/chat/completions"_s, openAIBody(u"s"_s, true));
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("partial"));
        QVERIFY(r.body.contains("\"error\""));
        QCOMPARE(served, QStringList{u"a"_s});
    }

    void everyRefusalSaysWhy()
    {
        // None configured.
        start({});
        auto r = h->postJson(u"/v1/chat/completions"_s, openAIBody());
        QCOMPARE(r.status, 503);
        QVERIFY(r.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"qwen-proxy auth"_s));
        // All parked.
        start({u"a"_s, u"b"_s});
        for (const QString &a : {u"a"_s, u"b"_s})
            answer(a, 403, err(u"This account has been suspended."_s));
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody()).status, 401);
        r = h->postJson(u"/v1/messages"_s, anthropicBody());
        QCOMPARE(r.status, 503);
        QVERIFY(r.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"every account (2) is parked"_s));
        QVERIFY(r.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"suspended"_s));
        // All need a login.
        start({u"a"_s});
        h->upstream().serveTokenRefresh(400);
        answer(u"a"_s, 401, err(u"invalid access token or token expired"_s));
        QCOMPARE(h->postJson(u"/v1/chat/completions"_s, openAIBody()).status, 401);
        r = h->postJson(u"/v1/chat/completions"_s, openAIBody());
        QCOMPARE(r.status, 503);
        QVERIFY(r.json()
                    .value(u"error"_s)
                    .toObject()
                    .value(u"message"_s)
                    .toString()
                    .contains(u"the only account needs a new login"_s));
    }
};

QTEST_MAIN(TestPool)
#include "tst_pool.moc"
