// Every provider preset: where it points and what keys it takes (issue 15 §1, §8).
#include "providers/provider.h"
#include "providers/providerpreset.h"
#include "routing/routetable.h"
#include "upstream/quirks.h"

#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp;

class TestProviderPresets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void presetUrls_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("kind");
        const struct {
            const char *preset, *url, *kind;
        } rows[] = {
            {"coding-plan-cn", "https://coding.dashscope.aliyuncs.com/v1", "openai"},
            {"coding-plan-intl", "https://coding-intl.dashscope.aliyuncs.com/v1", "openai"},
            {"coding-plan-intl-anthropic",
             "https://coding-intl.dashscope.aliyuncs.com/apps/anthropic", "anthropic"},
            {"token-plan-beijing",
             "https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1", "openai"},
            {"token-plan-singapore",
             "https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1", "openai"},
            {"token-plan-beijing-anthropic",
             "https://token-plan.cn-beijing.maas.aliyuncs.com/apps/anthropic", "anthropic"},
            {"token-plan-singapore-anthropic",
             "https://token-plan.ap-southeast-1.maas.aliyuncs.com/apps/anthropic", "anthropic"},
            {"modelstudio-beijing", "https://dashscope.aliyuncs.com/compatible-mode/v1", "openai"},
            {"modelstudio-singapore", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
             "openai"},
            {"modelstudio-us", "https://dashscope-us.aliyuncs.com/compatible-mode/v1", "openai"},
            {"modelstudio-hongkong",
             "https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1", "openai"},
            {"modelstudio-singapore-anthropic",
             "https://dashscope-intl.aliyuncs.com/apps/anthropic", "anthropic"},
            {"modelscope", "https://api-inference.modelscope.cn/v1", "openai"},
            {"openrouter", "https://openrouter.ai/api/v1", "openai"},
            {"ollama", "http://localhost:11434/v1", "openai"},
            {"lmstudio", "http://localhost:1234/v1", "openai"},
            {"vllm", "http://localhost:8000/v1", "openai"},
            {"llamacpp", "http://localhost:8080/v1", "openai"},
            {"custom", "", "openai"},
            {"custom-strict", "", "openai"},
            {"anthropic", "", "anthropic"},
        };
        for (const auto &r : rows)
            QTest::newRow(r.preset) << QString::fromLatin1(r.preset) << QString::fromLatin1(r.url)
                                    << QString::fromLatin1(r.kind);
    }
    void presetUrls()
    {
        QFETCH(QString, preset);
        QFETCH(QString, url);
        QFETCH(QString, kind);
        const ProviderPreset *p = findProviderPreset(preset);
        QVERIFY(p);
        QCOMPARE(p->baseUrl, url);
        QCOMPARE(providerKindName(p->kind), kind);
        // Remote hosts only over TLS; plain http only for servers on this machine.
        if (!url.isEmpty())
            QCOMPARE(url.startsWith(u"https://"_s), !p->local);
        // Alibaba's hosts get the Qwen profile (DashScope headers, Qwen-only fields).
        QCOMPARE(p->qwenFlavour, url.contains(u"aliyuncs.com"_s));
    }

    void everyPresetIsListedOnce()
    {
        QStringList ids = providerPresetIds();
        QCOMPARE(ids.size(), 22);
        ids.removeDuplicates();
        QCOMPARE(ids.size(), 22);
        QVERIFY(findProviderPreset(u"CODING-PLAN-INTL"_s)); // names are case-insensitive
        QVERIFY(!findProviderPreset(u"coding-plan"_s));
    }

    void keyChecks_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("refusal"); // empty: accepted; else a word of the message
        QTest::newRow("coding plan key")
            << u"coding-plan-intl"_s << u"sk-sp-0123abc"_s << QString();
        QTest::newRow("pay-as-you-go key on coding plan")
            << u"coding-plan-cn"_s << u"sk-0123abc"_s << u"sk-sp-"_s;
        QTest::newRow("coding plan key on pay-as-you-go")
            << u"modelstudio-beijing"_s << u"sk-sp-0123"_s << u"another plan"_s;
        QTest::newRow("pay-as-you-go key") << u"modelstudio-us"_s << u"sk-0123"_s << QString();
        QTest::newRow("coding plan key on token plan")
            << u"token-plan-singapore"_s << u"sk-sp-0123"_s << u"another plan"_s;
        QTest::newRow("token plan key") << u"token-plan-beijing"_s << u"tp-0123"_s << QString();
        QTest::newRow("openrouter key") << u"openrouter"_s << u"sk-or-v1-abc"_s << QString();
        QTest::newRow("not an openrouter key") << u"openrouter"_s << u"sk-abc"_s << u"sk-or-"_s;
        QTest::newRow("missing key") << u"modelscope"_s << QString() << u"needs an API key"_s;
        QTest::newRow("local without key") << u"ollama"_s << QString() << QString();
        QTest::newRow("pasted with a space")
            << u"coding-plan-intl"_s << u"sk-sp-abc def"_s << u"spaces"_s;
        QTest::newRow("pasted with a newline") << u"custom"_s << u"abc\ndef"_s << u"spaces"_s;
    }
    void keyChecks()
    {
        QFETCH(QString, preset);
        QFETCH(QString, key);
        QFETCH(QString, refusal);
        const auto why = checkProviderKey(*findProviderPreset(preset), key);
        QCOMPARE(why.has_value(), !refusal.isEmpty());
        if (why) {
            QVERIFY2(why->contains(refusal), qPrintable(*why));
            if (!key.isEmpty())
                QVERIFY2(!why->contains(key), "the key must not be echoed");
        }
    }

    void upstreamFromAProvider()
    {
        ProviderConfig c;
        c.id = u"cp"_s;
        c.preset = u"coding-plan-intl"_s;
        c.baseUrl = findProviderPreset(c.preset)->baseUrl;
        ProviderSecret s;
        s.apiKey = u"sk-sp-x"_s;
        s.proxyUrl = u"socks5h://u:p@127.0.0.1:1080"_s;
        s.headers = {{"X-Team", "blue"}};
        const ProviderSecret back = ProviderSecret::fromJson(s.toJson());
        QCOMPARE(back.apiKey, s.apiKey);
        QCOMPARE(back.proxyUrl, s.proxyUrl);
        QCOMPARE(back.headers, s.headers);
        const Upstream u = upstreamFor(c, back);
        QCOMPARE(u.providerId, u"cp"_s);
        QCOMPARE(u.auth, Upstream::Auth::ApiKey);
        QCOMPARE(u.api, Upstream::Api::OpenAIChat);
        QCOMPARE(profileOf(u), UpstreamProfile::QwenKey);
        QCOMPARE(u.proxy.type(), QNetworkProxy::Socks5Proxy);
        QCOMPARE(u.proxy.port(), quint16(1080));
        QCOMPARE(u.extraHeaders.size(), 1);
        QCOMPARE(c.defaultModel(), u"qwen3-coder-plus"_s);

        c.preset = u"custom-strict"_s;
        QCOMPARE(profileOf(upstreamFor(c, back)), UpstreamProfile::Strict);
        c.preset = u"coding-plan-intl-anthropic"_s;
        c.kind = ProviderKind::AnthropicCompatible;
        QCOMPARE(upstreamFor(c, back).api, Upstream::Api::AnthropicMessages);
        // No proxy given: the system's.
        s.proxyUrl.clear();
        QCOMPARE(upstreamFor(c, s).proxy.type(), QNetworkProxy::DefaultProxy);
    }

    void routeSpecs()
    {
        auto rules = parseRoutes(u"claude-*opus*=cp:qwen3.7-max|ms:qwen3.8-max; "
                                 u"gpt-*=ollama:qwen3-coder:30b;*=cp"_s);
        QVERIFY(rules.ok());
        QCOMPARE(rules->size(), 3);
        QCOMPARE(rules->at(0).steps.size(), 2);
        QCOMPARE(rules->at(0).steps.at(1).provider, u"ms"_s);
        QCOMPARE(rules->at(0).steps.at(1).model, u"qwen3.8-max"_s);
        QCOMPARE(rules->at(1).steps.at(0).model, u"qwen3-coder:30b"_s); // only the first ':' splits
        QCOMPARE(rules->at(2).steps.at(0).model, QString());
        QCOMPARE(matchRoute(*rules, u"claude-opus-4-1"_s), &rules->at(0));
        QCOMPARE(matchRoute(*rules, u"GPT-4o"_s), &rules->at(1));
        QCOMPARE(matchRoute(*rules, u"qwen3.7-plus"_s), &rules->at(2));
        QCOMPARE(parseRoutes(routesToSpec(*rules))->size(), 3);
        for (const QString &bad : {u"nothing"_s, u"a="_s, u"=cp"_s, u"a=cp:"_s, u"a=|cp"_s})
            QVERIFY2(!parseRoutes(bad).ok(), qPrintable(bad));
    }
};

QTEST_MAIN(TestProviderPresets)
#include "tst_providerpresets.moc"
