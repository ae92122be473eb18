// Usage accounting end to end: 1000 mixed requests through the running server (both dialects,
// streamed and not, quota answers that rotate, client errors that do not), then the usage store,
// /health, `qwen-proxy usage --json` and `qwen-proxy auth list` must all tell the fake upstream's
// own tally, to the request and the token.
#include "logging/logging.h"
#include "programrun.h"
#include "proxyharness.h"
#include "usage/usagestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {

constexpr int kRequests = 1000;
constexpr int kBatch = 8; // requests in flight at once
const QStringList kAccounts{u"a"_s, u"b"_s, u"c"_s, u"d"_s};
// Request-limited windows far from full (a full one would change the rotation under test), and
// one token window, so both dimensions reach the CLI.
const QHash<QString, QString> kPlans{{u"a"_s, u"5h:5000"_s},
                                     {u"b"_s, u"day:tokens=9000000"_s},
                                     {u"d"_s, u"utc-day:4000,week:9000"_s}};

QString binary()
{
    return QStringLiteral(QP_BINARY_DIR) + u"/src/cli/qwen-proxy"_s;
}

// What request i is: its dialect, whether it streams, how the upstream answers it.
struct Script {
    bool anthropic = false;
    bool stream = false;
    bool clientError = false; // 400 on every account: not rotated
    bool quotaFirst = false;  // the first account tried answers "quota exceeded"
    int prompt = 0, completion = 0, cached = 0;

    static Script of(int i)
    {
        Script s;
        s.anthropic = i % 3 == 0;
        s.stream = i % 10 == 3 || i % 10 == 6;
        s.clientError = i % 97 == 13 || i % 101 == 60;
        s.quotaFirst = !s.clientError && i % 50 == 7;
        s.prompt = 10 + i % 7;
        s.completion = 2 + i % 5;
        s.cached = i % 3;
        return s;
    }
};

// One answer the fake upstream gave.
struct Attempt {
    QString account;
    int status = 0;
    int prompt = 0, completion = 0, cached = 0;
};

QString tagOf(const QJsonObject &openAIBody)
{
    // The last user message carries the tag ("req-17"), as a string or as text parts.
    const QJsonArray msgs = openAIBody.value(u"messages"_s).toArray();
    for (qsizetype i = msgs.size() - 1; i >= 0; --i) {
        const QJsonObject m = msgs.at(i).toObject();
        if (m.value(u"role"_s).toString() != u"user")
            continue;
        const QJsonValue c = m.value(u"content"_s);
        if (c.isString())
            return c.toString();
        for (const auto &part : c.toArray())
            if (part.toObject().value(u"type"_s).toString() == u"text")
                return part.toObject().value(u"text"_s).toString();
    }
    return {};
}

QJsonObject completion(const Script &s)
{
    return QJsonObject{
        {u"id"_s, u"chatcmpl-u"_s},
        {u"object"_s, u"chat.completion"_s},
        {u"model"_s, u"qwen3-coder-plus"_s},
        {u"choices"_s,
         QJsonArray{QJsonObject{
             {u"index"_s, 0},
             {u"finish_reason"_s, u"stop"_s},
             {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u"ok"_s}}}}}},
        {u"usage"_s,
         QJsonObject{{u"prompt_tokens"_s, s.prompt},
                     {u"completion_tokens"_s, s.completion},
                     {u"prompt_tokens_details"_s, QJsonObject{{u"cached_tokens"_s, s.cached}}}}}};
}

QJsonObject errorBody(const QString &message, const QString &code)
{
    return QJsonObject{{u"error"_s, QJsonObject{{u"message"_s, message}, {u"code"_s, code}}}};
}

QByteArray requestBody(int i, const Script &s)
{
    const QString tag = u"req-%1"_s.arg(i);
    const QJsonArray msgs{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, tag}}};
    QJsonObject b = s.anthropic
                        ? QJsonObject{{u"model"_s, u"claude-sonnet-4-5"_s},
                                      {u"max_tokens"_s, 100},
                                      {u"messages"_s, msgs}}
                        : QJsonObject{{u"model"_s, u"qwen3-coder-plus"_s}, {u"messages"_s, msgs}};
    if (s.stream)
        b.insert(u"stream"_s, true);
    return QJsonDocument(b).toJson(QJsonDocument::Compact);
}

using CliRun = qp::test::ProgramRun;

} // namespace

class TestUsageE2E : public QObject
{
    Q_OBJECT
    std::unique_ptr<ProxyHarness> h;
    QHash<QString, QList<Attempt>> attempts; // by tag, in the order the upstream answered

    CliRun runCli(const QStringList &args)
    {
        QProcessEnvironment env;
        // A UTF-8 locale, as a user's shell has: Qt 6.8 warns on stderr without one.
        env.insert(u"LANG"_s, u"C.UTF-8"_s);
        env.insert(u"HOME"_s, h->dataDir());
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"QWEN_HOME"_s, h->qwenHome());
        env.insert(u"QP_SECRET_STORE"_s, u"file"_s);
        env.insert(u"QWEN_CODE_AUTH_USE"_s, u"false"_s);
        return qp::test::runProgram(
            binary(), args + QStringList{u"--data-dir"_s, h->dataDir() + u"/data"_s}, env, {});
    }

    void answer(const qp::http::HttpRequest &req, qp::http::ResponseWriter *w)
    {
        const QByteArray token = req.header("authorization").mid(7);
        const QJsonObject body = QJsonDocument::fromJson(req.body).object();
        const QString tag = tagOf(body);
        const Script s = Script::of(tag.mid(4).toInt());
        QList<Attempt> &seen = attempts[tag];
        Attempt a{QString::fromUtf8(token.mid(4)), 200, 0, 0, 0};
        if (s.clientError) {
            a.status = 400;
            seen.append(a);
            w->sendJson(400, errorBody(u"messages: bad role"_s, u"invalid_request_error"_s));
            return;
        }
        if (s.quotaFirst && seen.isEmpty()) {
            a.status = 429;
            seen.append(a);
            w->sendJson(429,
                        errorBody(u"Free allocated quota exceeded."_s, u"insufficient_quota"_s),
                        {{"Retry-After", "1"}});
            return;
        }
        a.prompt = s.prompt;
        a.completion = s.completion;
        a.cached = s.cached;
        seen.append(a);
        if (!body.value(u"stream"_s).toBool()) {
            w->sendJson(200, completion(s));
            return;
        }
        h->upstream().runSse(
            w,
            {{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"o"_s}})},
             {0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"k"_s}}, u"stop"_s)},
             {0, FakeUpstream::usageChunk(s.prompt, s.completion, s.cached)},
             {0, "[DONE]"}},
            false);
    }

    // The upstream's tally: each client request counts once, for the account that gave the last
    // answer, with that answer's status and usage.
    QHash<QString, qp::UsageTotals> expectedTotals() const
    {
        QHash<QString, qp::UsageTotals> out;
        for (const QList<Attempt> &list : attempts) {
            const Attempt &last = list.last();
            qp::UsageRecord r;
            r.status = last.status;
            r.inputTokens = last.prompt;
            r.outputTokens = last.completion;
            r.cachedTokens = last.cached;
            out[last.account].add(r);
        }
        return out;
    }

    static QString describe(const qp::UsageTotals &t)
    {
        return u"requests %1 ok %2 errors %3 in %4 out %5 cached %6"_s.arg(t.requests)
            .arg(t.successes)
            .arg(t.errors)
            .arg(t.inputTokens)
            .arg(t.outputTokens)
            .arg(t.cachedTokens);
    }

private Q_SLOTS:
    void initTestCase()
    {
        qp::LogHub::instance().install(qp::LogHub::Level::Off);
        QVERIFY2(QFileInfo(binary()).isExecutable(), qPrintable(binary()));
    }

    void thousandRequestsAddUpEverywhere()
    {
        h = std::make_unique<ProxyHarness>();
        // Real time, so the binary (system clock) later reads the same day and windows; the fake
        // clock only moves on so that an account cooled by a quota answer comes back.
        qp::FakeClock &clock = h->useFakeClock(QDateTime::currentMSecsSinceEpoch());
        const QDate startDay = QDateTime::currentDateTimeUtc().date();
        QString e;
        QVERIFY2(h->start({{u"QWEN_CODE_AUTH_USE"_s, u"false"_s},
                           {u"RETRY_BACKOFF_MS"_s, u"1"_s},
                           {u"REQUEST_LOG_PER_SECOND"_s, u"0"_s}},
                          &e),
                 qPrintable(e));
        for (const QString &a : kAccounts)
            QVERIFY2(h->addAccount(a, u"tok-"_s + a, kPlans.value(a), &e), qPrintable(e));
        h->upstream().on("/v1/chat/completions",
                         [this](const qp::http::HttpRequest &req, qp::http::ResponseWriter *w) {
                             answer(req, w);
                         });

        QElapsedTimer timer;
        timer.start();
        QHash<int, int> clientStatus;
        for (int first = 0; first < kRequests; first += kBatch) {
            QList<QNetworkReply *> replies;
            bool quota = false;
            for (int i = first; i < std::min(kRequests, first + kBatch); ++i) {
                const Script s = Script::of(i);
                quota = quota || s.quotaFirst;
                QNetworkRequest req(
                    h->url(s.anthropic ? u"/v1/messages"_s : u"/v1/chat/completions"_s));
                req.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/json"));
                QNetworkReply *reply = h->client().post(req, requestBody(i, s));
                reply->setProperty("index", i);
                replies.append(reply);
            }
            for (QNetworkReply *reply : std::as_const(replies)) {
                const int i = reply->property("index").toInt();
                const ClientReply r = waitForReply(reply, 10000);
                QVERIFY2(!r.timedOut, qPrintable(u"request %1 timed out"_s.arg(i)));
                clientStatus[i] = r.status;
                const Script s = Script::of(i);
                QCOMPARE(r.status, s.clientError ? 400 : 200);
                if (s.stream && !s.clientError)
                    QVERIFY2(r.body.contains("ok") || r.body.contains("\"o\""), r.body.constData());
            }
            if (quota)
                clock.advanceMs(2000); // the cooled account is back for the next batch
        }
        QVERIFY2(timer.elapsed() < 40000, qPrintable(u"%1 ms"_s.arg(timer.elapsed())));
        QCOMPARE(attempts.size(), kRequests);

        // Every quota answer rotated (two attempts, two accounts); no client error did.
        int rotated = 0, clientErrors = 0;
        for (int i = 0; i < kRequests; ++i) {
            const Script s = Script::of(i);
            const QList<Attempt> &list = attempts.value(u"req-%1"_s.arg(i));
            QCOMPARE(list.size(), s.quotaFirst ? 2 : 1);
            if (s.quotaFirst) {
                QVERIFY(list.first().account != list.last().account);
                ++rotated;
            }
            clientErrors += s.clientError ? 1 : 0;
        }
        QVERIFY(rotated >= 15);
        QVERIFY(clientErrors >= 15);

        // The store, read the way production reads it, equals the upstream's tally exactly.
        const QHash<QString, qp::UsageTotals> expected = expectedTotals();
        auto stored = h->runtime().usage().totalsByAccount(qp::UsageStore::kLifetime);
        QVERIFY(stored);
        QCOMPARE(stored->keys().size(), expected.keys().size());
        qp::UsageTotals all;
        for (const QString &a : kAccounts) {
            QVERIFY2(expected.value(a).requests > 100, qPrintable(a));
            QVERIFY2(stored->value(a) == expected.value(a),
                     qPrintable(a + u": stored "_s + describe(stored->value(a)) + u"; upstream "_s +
                                describe(expected.value(a))));
            all += expected.value(a);
        }
        QCOMPARE(all.requests, kRequests);
        QCOMPARE(all.errors, clientErrors);
        // The request log holds each request once, under the account that answered last.
        qp::RequestLogQuery q;
        q.limit = 2 * kRequests;
        auto log = h->runtime().usage().requestLog(q);
        QVERIFY(log);
        QCOMPARE(log->size(), kRequests);
        QHash<QString, int> logged;
        for (const qp::UsageRecord &r : log.value())
            ++logged[r.accountId];
        for (const QString &a : kAccounts)
            QCOMPARE(logged.value(a), int(expected.value(a).requests));

        // /health: today's numbers per account and in the summary, and the windows.
        const QJsonObject health = h->get(u"/health"_s).json();
        const bool sameDay = QDateTime::currentDateTimeUtc().date() == startDay;
        QHash<QString, QJsonObject> healthOf;
        for (const auto &v : health.value(u"accounts"_s).toArray())
            healthOf.insert(v.toObject().value(u"id"_s).toString(), v.toObject());
        auto today = h->runtime().usage().totalsByAccount(1);
        QVERIFY(today);
        qint64 requestsToday = 0, tokensToday = 0;
        for (const QString &a : kAccounts) {
            const QJsonObject o = healthOf.value(a);
            const qp::UsageTotals t = sameDay ? expected.value(a) : today->value(a);
            QCOMPARE(o.value(u"requests_today"_s).toInteger(), t.successes);
            QCOMPARE(o.value(u"tokens_today"_s).toInteger(), t.inputTokens + t.outputTokens);
            requestsToday += t.successes;
            tokensToday += t.inputTokens + t.outputTokens;
        }
        const QJsonObject summary = health.value(u"summary"_s).toObject();
        QCOMPARE(summary.value(u"requests_today"_s).toInteger(), requestsToday);
        QCOMPARE(summary.value(u"tokens_today"_s).toInteger(), tokensToday);
        // The pool's windows count what the upstream served: successes, and their tokens.
        QHash<QString, QJsonArray> healthWindows;
        for (const QString &a : kAccounts) {
            healthWindows.insert(a, healthOf.value(a).value(u"windows"_s).toArray());
            for (const auto &w : healthWindows.value(a)) {
                QCOMPARE(w.toObject().value(u"used_requests"_s).toInteger(),
                         expected.value(a).successes);
                QCOMPARE(w.toObject().value(u"used_tokens"_s).toInteger(),
                         expected.value(a).inputTokens + expected.value(a).outputTokens);
            }
        }
        QCOMPARE(healthWindows.value(u"c"_s).size(), 0);
        QCOMPARE(healthWindows.value(u"d"_s).size(), 2);

        // The real binary, on the same data dir once the runtime is gone (it flushes).
        h->stop();
        const CliRun usage = runCli({u"usage"_s, u"--json"_s});
        QVERIFY2(usage.exitCode == 0, qPrintable(usage.err));
        QJsonParseError perr;
        const QJsonObject doc = QJsonDocument::fromJson(usage.out.toUtf8(), &perr).object();
        QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(usage.out));
        QCOMPARE(doc.value(u"time_zone"_s).toString(), u"UTC"_s);
        QCOMPARE(doc.value(u"lifetime"_s).toObject().value(u"requests"_s).toInteger(), kRequests);
        QCOMPARE(doc.value(u"lifetime"_s).toObject().value(u"errors"_s).toInteger(), clientErrors);
        QHash<QString, QJsonObject> cliOf;
        for (const auto &v : doc.value(u"accounts"_s).toArray())
            cliOf.insert(v.toObject().value(u"id"_s).toString(), v.toObject());
        QCOMPARE(cliOf.size(), kAccounts.size());
        qint64 dailyRequests = 0;
        for (const auto &v : doc.value(u"daily"_s).toArray())
            dailyRequests += v.toObject().value(u"requests"_s).toInteger();
        QCOMPARE(dailyRequests, kRequests);
        for (const QString &a : kAccounts) {
            const qp::UsageTotals t = expected.value(a);
            const QJsonObject lifetime = cliOf.value(a).value(u"lifetime"_s).toObject();
            QCOMPARE(lifetime.value(u"requests"_s).toInteger(), t.requests);
            QCOMPARE(lifetime.value(u"successes"_s).toInteger(), t.successes);
            QCOMPARE(lifetime.value(u"errors"_s).toInteger(), t.errors);
            QCOMPARE(lifetime.value(u"input_tokens"_s).toInteger(), t.inputTokens);
            QCOMPARE(lifetime.value(u"output_tokens"_s).toInteger(), t.outputTokens);
            QCOMPARE(lifetime.value(u"cached_tokens"_s).toInteger(), t.cachedTokens);
            QCOMPARE(cliOf.value(a).value(u"plan"_s).toString(), kPlans.value(a));
            // The same windows as the server's pool had, from the stored minutes.
            const QJsonArray cliWindows = cliOf.value(a).value(u"windows"_s).toArray();
            QCOMPARE(cliWindows.size(), healthWindows.value(a).size());
            for (qsizetype i = 0; i < cliWindows.size(); ++i) {
                const QJsonObject c = cliWindows.at(i).toObject();
                const QJsonObject s = healthWindows.value(a).at(i).toObject();
                for (const QString &key :
                     {u"window"_s, u"used_requests"_s, u"used_tokens"_s, u"limit_requests"_s,
                      u"remaining_requests"_s, u"limit_tokens"_s, u"remaining_tokens"_s})
                    QVERIFY2(c.value(key) == s.value(key),
                             qPrintable(a + u" "_s + key + u": cli "_s +
                                        QString::number(c.value(key).toDouble()) + u", server "_s +
                                        QString::number(s.value(key).toDouble())));
            }
        }

        const CliRun list = runCli({u"auth"_s, u"list"_s});
        QVERIFY2(list.exitCode == 0, qPrintable(list.err));
        for (const QString &a : kAccounts) {
            const QRegularExpression re(u"^[ *]\\s+"_s + a +
                                            u"\\s+healthy\\s+\\S+ \\S+\\s+(\\d+)\\s+(.*)$"_s,
                                        QRegularExpression::MultilineOption);
            const auto m = re.match(list.out);
            QVERIFY2(m.hasMatch(), qPrintable(list.out));
            if (sameDay)
                QCOMPARE(m.captured(1).toLongLong(), expected.value(a).successes);
            const qp::UsageTotals t = expected.value(a);
            const QString windows = m.captured(2);
            if (a == u"a")
                QVERIFY2(windows.startsWith(u"5h %1/5000"_s.arg(t.successes)), qPrintable(windows));
            if (a == u"b")
                QVERIFY2(windows.startsWith(u"day %1/9M tok"_s.arg(t.inputTokens + t.outputTokens)),
                         qPrintable(windows));
            if (a == u"c")
                QVERIFY2(windows.startsWith(u"-"_s), qPrintable(windows));
            if (a == u"d")
                QVERIFY2(windows.startsWith(u"utc-day %1/4000, week %1/9000"_s.arg(t.successes)),
                         qPrintable(windows));
        }
    }

    void cleanup() { h.reset(); }
};

QTEST_MAIN(TestUsageE2E)
#include "tst_usage_e2e.moc"
