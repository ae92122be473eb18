// The quirk table (upstream/quirks.h, docs/quirks.md): each row, on the upstreams and models it
// names and on those it does not.
#include "models/modelcatalog.h"
#include "protocol/openaichat.h"
#include "upstream/errorclass.h"
#include "upstream/quirks.h"
#include "upstream/upstream.h"
#include "upstream/upstreamerror.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp;

namespace {
Upstream upstreamOf(UpstreamProfile p)
{
    Upstream u;
    switch (p) {
    case UpstreamProfile::QwenOAuth:
        u.auth = Upstream::Auth::QwenOAuth;
        u.qwenQuirks = true;
        break;
    case UpstreamProfile::QwenKey:
        u.auth = Upstream::Auth::ApiKey;
        u.baseUrl = QUrl(u"https://coding-intl.dashscope.aliyuncs.com/v1"_s);
        u.qwenQuirks = true;
        break;
    case UpstreamProfile::Generic:
        u.auth = Upstream::Auth::ApiKey;
        u.baseUrl = QUrl(u"https://openrouter.ai/api/v1"_s);
        break;
    case UpstreamProfile::Strict:
        u.auth = Upstream::Auth::ApiKey;
        u.baseUrl = QUrl(u"https://api.example.com/v1"_s);
        u.strictFields = true;
        break;
    }
    return u;
}

QJsonObject prepared(UpstreamProfile p, const QString &model, QJsonObject body)
{
    static const ModelCatalog catalog;
    if (!body.contains(u"messages"_s))
        body.insert(u"messages"_s,
                    QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}});
    return prepareChatBody(body,
                           ChatPrepareOptions{model, quirksFor(upstreamOf(p), model, &catalog)});
}

QJsonObject obj(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

const QList<UpstreamProfile> kAll = {UpstreamProfile::QwenOAuth, UpstreamProfile::QwenKey,
                                     UpstreamProfile::Generic, UpstreamProfile::Strict};
} // namespace

class TestQuirks : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tableIsOneRowPerQuirk()
    {
        QSet<int> quirks;
        QSet<QByteArray> names;
        for (const QuirkRow &r : quirkTable()) {
            QVERIFY2(!quirks.contains(int(r.quirk)), r.name);
            quirks.insert(int(r.quirk));
            names.insert(r.name);
            QVERIFY2(r.profiles != 0, r.name);
            QVERIFY2(qstrlen(r.why) > 20, r.name);
        }
        QCOMPARE(quirks.size(), int(Quirk::HtmlIsBlock) + 1);
        QCOMPARE(names.size(), quirks.size());
    }

    void profiles_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<int>("auth");
        QTest::addColumn<bool>("qwenQuirks");
        QTest::addColumn<bool>("strict");
        QTest::addColumn<QString>("profile");
        const int oauth = int(Upstream::Auth::QwenOAuth), key = int(Upstream::Auth::ApiKey);
        QTest::newRow("oauth account") << QString() << oauth << true << false << u"qwen-oauth"_s;
        QTest::newRow("alibaba plan (flag)")
            << u"https://example.com/v1"_s << key << true << false << u"qwen-key"_s;
        QTest::newRow("dashscope by host")
            << u"https://dashscope-intl.aliyuncs.com/compatible-mode/v1"_s << key << false << false
            << u"qwen-key"_s;
        QTest::newRow("not a suffix trick")
            << u"https://evilaliyuncs.com/v1"_s << key << false << false << u"generic"_s;
        QTest::newRow("openrouter")
            << u"https://openrouter.ai/api/v1"_s << key << false << false << u"generic"_s;
        QTest::newRow("ollama") << u"http://127.0.0.1:11434/v1"_s << int(Upstream::Auth::None)
                                << false << false << u"generic"_s;
        QTest::newRow("strict wins")
            << u"https://dashscope.aliyuncs.com/v1"_s << key << true << true << u"strict"_s;
    }
    void profiles()
    {
        QFETCH(QString, url);
        QFETCH(int, auth);
        QFETCH(bool, qwenQuirks);
        QFETCH(bool, strict);
        QFETCH(QString, profile);
        Upstream u;
        u.baseUrl = QUrl(url);
        u.auth = Upstream::Auth(auth);
        u.qwenQuirks = qwenQuirks;
        u.strictFields = strict;
        QCOMPARE(profileName(profileOf(u)), profile);
    }

    // Rows dashscope-headers and dashscope-oauth-authtype (the headers on the wire: e2e test).
    void dashScopeHeaderRows()
    {
        for (UpstreamProfile p : kAll) {
            const QuirkSet q = quirksFor(upstreamOf(p), u"qwen3-coder-plus"_s);
            const bool qwen = p == UpstreamProfile::QwenOAuth || p == UpstreamProfile::QwenKey;
            QCOMPARE(q.has(Quirk::DashScopeHeaders), qwen);
            QCOMPARE(q.has(Quirk::OAuthAuthTypeHeader), p == UpstreamProfile::QwenOAuth);
        }
    }

    void qwenOnlyFields()
    {
        const QJsonObject body = obj(R"({"enable_thinking":true,"thinking_budget":100,
            "repetition_penalty":1.1,"top_k":20,"vl_high_resolution_images":true,
            "preserve_thinking":true})");
        for (UpstreamProfile p : kAll) {
            const QJsonObject out = prepared(p, u"qwen3-coder-plus"_s, body);
            const bool qwen = p == UpstreamProfile::QwenOAuth || p == UpstreamProfile::QwenKey;
            for (const QString &f : qwenOnlyChatFields())
                QVERIFY2(out.contains(f) == qwen, qPrintable(profileName(p) + u": "_s + f));
        }
    }

    void reasoningEffortToThinking_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QJsonValue>("qwen");    // enable_thinking sent to Qwen
        QTest::addColumn<QJsonValue>("generic"); // ... and to a generic upstream
        const QJsonValue absent = QJsonValue(QJsonValue::Undefined);
        QTest::newRow("reasoning_effort none")
            << QByteArray(R"({"reasoning_effort":"none"})") << QJsonValue(false) << absent;
        QTest::newRow("reasoning.effort none")
            << QByteArray(R"({"reasoning":{"effort":"none"}})") << QJsonValue(false) << absent;
        QTest::newRow("reasoning.effort high")
            << QByteArray(R"({"reasoning":{"effort":"high"}})") << QJsonValue(true) << absent;
        QTest::newRow("reasoning_effort low leaves the default")
            << QByteArray(R"({"reasoning_effort":"low"})") << absent << absent;
        QTest::newRow("explicit enable_thinking wins")
            << QByteArray(R"({"reasoning_effort":"none","enable_thinking":true})")
            << QJsonValue(true) << absent;
    }
    void reasoningEffortToThinking()
    {
        QFETCH(QByteArray, body);
        QFETCH(QJsonValue, qwen);
        QFETCH(QJsonValue, generic);
        const QJsonObject in = QJsonDocument::fromJson(body).object();
        QCOMPARE(
            prepared(UpstreamProfile::QwenKey, u"qwen3.6-plus"_s, in).value(u"enable_thinking"_s),
            qwen);
        QCOMPARE(
            prepared(UpstreamProfile::QwenOAuth, u"coder-model"_s, in).value(u"enable_thinking"_s),
            qwen);
        QCOMPARE(
            prepared(UpstreamProfile::Generic, u"qwen3.6-plus"_s, in).value(u"enable_thinking"_s),
            generic);
    }

    void standardFieldsOnly()
    {
        QJsonObject body;
        for (const QString &f : standardChatFields())
            if (f != u"messages")
                body.insert(f, f == u"stream" ? QJsonValue(true) : QJsonValue(1));
        body.insert(u"reasoning"_s, QJsonObject{{u"effort"_s, u"high"_s}});
        body.insert(u"top_k"_s, 20);
        body.insert(u"enable_thinking"_s, true);
        body.insert(u"provider"_s, QJsonObject{{u"order"_s, QJsonArray{u"x"_s}}});
        body.insert(u"tools"_s, QJsonArray{QJsonObject{{u"type"_s, u"function"_s}}});
        const QJsonObject strict = prepared(UpstreamProfile::Strict, u"m"_s, body);
        for (const QString &k : strict.keys())
            QVERIFY2(standardChatFields().contains(k), qPrintable(k));
        for (const QString &f : standardChatFields())
            QVERIFY2(strict.contains(f), qPrintable(f)); // nothing standard is lost
        // A generic upstream keeps what it may understand (provider routing, reasoning).
        const QJsonObject generic = prepared(UpstreamProfile::Generic, u"m"_s, body);
        QVERIFY(generic.contains(u"provider"_s));
        QVERIFY(generic.contains(u"reasoning"_s));
        QVERIFY(!generic.contains(u"top_k"_s));
    }

    void noEmptyTools()
    {
        const QJsonObject body =
            obj(R"({"tools":[],"tool_choice":"required","parallel_tool_calls":true})");
        for (UpstreamProfile p : kAll) {
            const QJsonObject out = prepared(p, u"qwen3.8-max"_s, body);
            QVERIFY2(!out.contains(u"tools"_s), qPrintable(profileName(p)));
            QVERIFY(!out.contains(u"tool_choice"_s));
            QVERIFY(!out.contains(u"parallel_tool_calls"_s));
            // No tools: nothing is forced, thinking stays as the model's default.
            QVERIFY(!out.contains(u"enable_thinking"_s));
        }
        const QJsonObject withTools =
            prepared(UpstreamProfile::Generic, u"m"_s,
                     obj(R"({"tools":[{"type":"function","function":{"name":"f"}}],
                             "tool_choice":"auto"})"));
        QCOMPARE(withTools.value(u"tools"_s).toArray().size(), 1);
        QCOMPARE(withTools.value(u"tool_choice"_s).toString(), u"auto"_s);
    }

    void maxTokensCap_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("requested");
        QTest::addColumn<int>("sent");
        QTest::newRow("qwen3.8-max") << u"qwen3.8-max"_s << 500000 << 131072;
        QTest::newRow("qwen3.6-plus") << u"qwen3.6-plus"_s << 100000 << 65536;
        QTest::newRow("qwen3-coder-plus") << u"qwen3-coder-plus"_s << 65536 << 32768;
        QTest::newRow("glm-4.7") << u"glm-4.7"_s << 32000 << 16384;
        QTest::newRow("under the cap") << u"qwen3.8-max"_s << 1000 << 1000;
        QTest::newRow("unknown model") << u"my-local-model"_s << 500000 << 500000;
    }
    void maxTokensCap()
    {
        QFETCH(QString, model);
        QFETCH(int, requested);
        QFETCH(int, sent);
        for (UpstreamProfile p : kAll) {
            const QJsonObject out = prepared(
                p, model,
                QJsonObject{{u"max_tokens"_s, requested}, {u"max_completion_tokens"_s, requested}});
            QCOMPARE(out.value(u"max_tokens"_s).toInt(), sent);
            QCOMPARE(out.value(u"max_completion_tokens"_s).toInt(), sent);
        }
    }

    void thinkingOffForForcedTools_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QByteArray>("extra");
        QTest::addColumn<QJsonValue>("thinking"); // enable_thinking sent to Qwen
        const QJsonValue absent = QJsonValue(QJsonValue::Undefined);
        QTest::newRow("required") << u"qwen3.8-max"_s << QByteArray(R"("tool_choice":"required")")
                                  << QJsonValue(false);
        QTest::newRow("dated snapshot")
            << u"qwen3.8-max-2026-11-30"_s << QByteArray(R"("tool_choice":"required")")
            << QJsonValue(false);
        QTest::newRow("named function")
            << u"qwen3.8-max"_s
            << QByteArray(R"("tool_choice":{"type":"function","function":{"name":"f"}})")
            << QJsonValue(false);
        QTest::newRow("explicitly on, still forced")
            << u"qwen3.8-max"_s
            << QByteArray(R"("tool_choice":"required","enable_thinking":true,"thinking_budget":9)")
            << QJsonValue(false);
        QTest::newRow("auto keeps thinking")
            << u"qwen3.8-max"_s << QByteArray(R"("tool_choice":"auto")") << absent;
        QTest::newRow("not a thinking model")
            << u"qwen3-coder-plus"_s << QByteArray(R"("tool_choice":"required")") << absent;
    }
    void thinkingOffForForcedTools()
    {
        QFETCH(QString, model);
        QFETCH(QByteArray, extra);
        QFETCH(QJsonValue, thinking);
        const QJsonObject body =
            QJsonDocument::fromJson(R"({"tools":[{"type":"function","function":{"name":"f"}}],)" +
                                    extra + "}")
                .object();
        QVERIFY(!body.isEmpty());
        const QJsonObject qwen = prepared(UpstreamProfile::QwenKey, model, body);
        QCOMPARE(qwen.value(u"enable_thinking"_s), thinking);
        if (thinking == QJsonValue(false))
            QVERIFY(!qwen.contains(u"thinking_budget"_s));
        QCOMPARE(qwen.value(u"tool_choice"_s), body.value(u"tool_choice"_s)); // never downgraded
        // Other upstreams get no Qwen field for it.
        QVERIFY(!prepared(UpstreamProfile::Generic, model, body).contains(u"enable_thinking"_s));
    }

    void htmlIsBlock_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("kind");
        const QByteArray waf = "<!DOCTYPE html><html><head><title>Access Denied</title></head>"
                               "<body>captcha</body></html>";
        const int blocked = int(Error::Kind::UpstreamBlocked);
        QTest::newRow("403 waf page") << 403 << QByteArray("text/html") << waf << blocked;
        QTest::newRow("405 by body") << 405 << QByteArray() << waf << blocked;
        QTest::newRow("html with json type")
            << 400 << QByteArray("application/json") << QByteArray("\n  <html>x</html>") << blocked;
        QTest::newRow("503 html stays transient")
            << 503 << QByteArray("text/html") << waf << int(Error::Kind::UpstreamError);
        QTest::newRow("429 html stays throttling")
            << 429 << QByteArray("text/html") << waf << int(Error::Kind::RateLimited);
        QTest::newRow("json 400 untouched")
            << 400 << QByteArray("application/json") << QByteArray(R"({"error":{"message":"bad"}})")
            << int(Error::Kind::InvalidRequest);
    }
    void htmlIsBlock()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(int, kind);
        const Error e = classifyHttpError(status, body, contentType, QByteArray(), u"cp"_s);
        QCOMPARE(int(e.kind), kind);
        QVERIFY2(!e.message.contains(u"<html"_s, Qt::CaseInsensitive), qPrintable(e.message));
        if (e.kind == Error::Kind::UpstreamBlocked) {
            QCOMPARE(errorClassOf(e), ErrorClass::Blocked);
            QVERIFY(isRotatable(ErrorClass::Blocked));
            QCOMPARE(errorClassName(ErrorClass::Blocked), u"blocked"_s);
            QVERIFY2(e.message.contains(u"HTML page instead of JSON"_s), qPrintable(e.message));
        }
    }

    void htmlDetection()
    {
        QVERIFY(looksLikeHtml("text/html; charset=utf-8", "{}"));
        QVERIFY(looksLikeHtml({}, "\xEF\xBB\xBF<!doctype html>"));
        QVERIFY(looksLikeHtml({}, " \r\n<html>"));
        QVERIFY(!looksLikeHtml("application/json", "{\"a\":\"<b>\"}"));
        QVERIFY(!looksLikeHtml("text/event-stream", "data: {}"));
        QVERIFY(!looksLikeHtml({}, ""));
        const Error e =
            upstreamBlockedError(200, "<html><title> Verify\n you are human </title>", u"cp"_s);
        QCOMPARE(e.upstreamStatus, 200);
        QVERIFY2(e.message.contains(u"\"Verify you are human\""_s), qPrintable(e.message));
        QVERIFY2(e.message.contains(u"WAF"_s), qPrintable(e.message));
    }
};

QTEST_GUILESS_MAIN(TestQuirks)
#include "tst_quirks.moc"
