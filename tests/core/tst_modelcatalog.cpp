#include "models/modelcatalog.h"
#include "upstream/upstream.h"

#include <QtTest>

using namespace Qt::StringLiterals;

class TestModelCatalog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void glob_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("match");
        QTest::newRow("star middle")
            << u"claude-*haiku*"_s << u"claude-3-5-haiku-20241022"_s << true;
        QTest::newRow("case-insensitive") << u"claude-*"_s << u"Claude-Sonnet"_s << true;
        QTest::newRow("suffix") << u"*-vision"_s << u"claude-sonnet-vision"_s << true;
        QTest::newRow("suffix mismatch") << u"*-vision"_s << u"vision-model"_s << false;
        QTest::newRow("question mark") << u"qwen?"_s << u"qwen3"_s << true;
        QTest::newRow("anchored start") << u"claude-*"_s << u"my-claude-x"_s << false;
        QTest::newRow("backtracking") << u"a*b*c"_s << u"aXbXbXc"_s << true;
        QTest::newRow("empty pattern") << QString() << u"x"_s << false;
    }
    void glob()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, text);
        QFETCH(bool, match);
        QCOMPARE(qp::globMatches(pattern, text), match);
    }

    void resolve_data()
    {
        QTest::addColumn<QString>("client");
        QTest::addColumn<bool>("images");
        QTest::addColumn<bool>("passThrough");
        QTest::addColumn<QString>("expected");
        QTest::newRow("opus -> default")
            << u"claude-opus-4-1"_s << false << false << u"qwen3-coder-plus"_s;
        QTest::newRow("sonnet -> default")
            << u"claude-sonnet-4-5"_s << false << false << u"qwen3-coder-plus"_s;
        QTest::newRow("3-5-sonnet-latest")
            << u"claude-3-5-sonnet-latest"_s << false << false << u"qwen3-coder-plus"_s;
        QTest::newRow("haiku -> default")
            << u"claude-3-5-haiku-latest"_s << false << false << u"qwen3-coder-plus"_s;
        QTest::newRow("-vision suffix")
            << u"claude-sonnet-4-vision"_s << false << false << u"vision-model"_s;
        QTest::newRow("image to text-only model")
            << u"claude-sonnet-4"_s << true << false << u"vision-model"_s;
        QTest::newRow("image, vision-capable model kept")
            << u"coder-model"_s << true << false << u"coder-model"_s;
        QTest::newRow("alias to canonical")
            << u"qwen3.5-plus"_s << false << false << u"coder-model"_s;
        QTest::newRow("unknown -> default (Qwen OAuth)")
            << u"gpt-4o"_s << false << false << u"qwen3-coder-plus"_s;
        QTest::newRow("unknown passes (API key)") << u"gpt-4o"_s << false << true << u"gpt-4o"_s;
        QTest::newRow("MODEL_MAP rule first")
            << u"claude-opus-4-1"_s << false << false << u"big-model"_s;
    }
    void resolve()
    {
        QFETCH(QString, client);
        QFETCH(bool, images);
        QFETCH(bool, passThrough);
        QFETCH(QString, expected);
        const bool custom = QByteArray(QTest::currentDataTag()).startsWith("MODEL_MAP");
        qp::ModelCatalog c(u"qwen3-coder-plus"_s,
                           custom ? u"claude-*opus*=big-model"_s : QString());
        QCOMPARE(c.resolve(client, images, passThrough).model, expected);
    }

    // The OAuth tier's names (coder-model, vision-model) apply to Qwen OAuth accounts only.
    void resolvePerUpstream_data()
    {
        QTest::addColumn<int>("kind"); // 0 OAuth, 1 Alibaba key, 2 generic key
        QTest::addColumn<QString>("client");
        QTest::addColumn<bool>("images");
        QTest::addColumn<QString>("expected");
        QTest::newRow("oauth: qwen3.6-plus -> coder-model")
            << 0 << u"qwen3.6-plus"_s << false << u"coder-model"_s;
        QTest::newRow("oauth: qwen3-vl-plus -> vision-model")
            << 0 << u"qwen3-vl-plus"_s << false << u"vision-model"_s;
        QTest::newRow("oauth: image -> vision-model")
            << 0 << u"qwen3-coder-plus"_s << true << u"vision-model"_s;
        QTest::newRow("alibaba key: qwen3.6-plus stays")
            << 1 << u"qwen3.6-plus"_s << false << u"qwen3.6-plus"_s;
        QTest::newRow("alibaba key: qwen3.5-plus stays")
            << 1 << u"qwen3.5-plus"_s << false << u"qwen3.5-plus"_s;
        QTest::newRow("alibaba key: image -> qwen3.6-plus")
            << 1 << u"qwen3-coder-plus"_s << true << u"qwen3.6-plus"_s;
        QTest::newRow("alibaba key: vision model kept")
            << 1 << u"qwen3.7-plus"_s << true << u"qwen3.7-plus"_s;
        QTest::newRow("alibaba key: -vision suffix")
            << 1 << u"claude-sonnet-4-vision"_s << false << u"qwen3.6-plus"_s;
        QTest::newRow("generic: qwen3.6-plus stays")
            << 2 << u"qwen3.6-plus"_s << false << u"qwen3.6-plus"_s;
        QTest::newRow("generic: image keeps the model")
            << 2 << u"qwen3-coder-plus"_s << true << u"qwen3-coder-plus"_s;
    }
    void resolvePerUpstream()
    {
        QFETCH(int, kind);
        QFETCH(QString, client);
        QFETCH(bool, images);
        QFETCH(QString, expected);
        qp::Upstream u;
        u.auth = kind == 0 ? qp::Upstream::Auth::QwenOAuth : qp::Upstream::Auth::ApiKey;
        u.qwenQuirks = kind != 2;
        u.passThroughUnknownModels = kind != 0;
        qp::ModelCatalog c;
        QCOMPARE(c.resolve(client, images, u).model, expected);
    }

    void catalogue()
    {
        qp::ModelCatalog c;
        const auto ids = [](const QList<qp::ModelInfo> &l) {
            QStringList out;
            for (const auto &m : l)
                out << m.id;
            return out;
        };
        const QStringList keyed = ids(c.advertised(false));
        for (const char *id :
             {"qwen3.6-plus", "qwen3.7-plus", "qwen3.7-max", "qwen3.8-max", "qwen3.5-plus",
              "qwen3-coder-plus", "qwen3-coder-next", "qwen3-max-2026-01-23", "glm-5", "glm-4.7",
              "kimi-k2.5", "MiniMax-M2.5", "qwen3.6-flash", "deepseek-v4-pro", "deepseek-v4-flash",
              "kimi-k2.6", "glm-5.1"})
            QVERIFY2(keyed.contains(QLatin1String(id)), id);
        QVERIFY(!keyed.contains(u"coder-model"_s));
        QVERIFY(!keyed.contains(u"vision-model"_s));
        QVERIFY(!keyed.contains(u"qwen3-coder-flash"_s));
        const QStringList oauth = ids(c.advertised(true));
        QVERIFY(oauth.contains(u"coder-model"_s));
        QVERIFY(oauth.contains(u"vision-model"_s));
        QVERIFY(!oauth.contains(u"glm-5"_s));
        const qp::ModelInfo *flagship = c.find(u"qwen3.8-max"_s);
        QVERIFY(flagship);
        QVERIFY(flagship->thinksByDefault);
        QCOMPARE(flagship->contextWindow, 1000000);
        QCOMPARE(flagship->maxOutputTokens, 131072);
        QCOMPARE(c.find(u"qwen3-coder-plus"_s)->contextWindow, 1000000);
        QVERIFY(!c.find(u"qwen3-coder-plus"_s)->thinksByDefault);
    }

    void clamp()
    {
        qp::ModelCatalog c;
        QCOMPARE(c.clampMaxTokens(u"qwen3-coder-plus"_s, 200000), 32768);
        QCOMPARE(c.clampMaxTokens(u"qwen3.6-plus"_s, 200000), 65536);
        QCOMPARE(c.clampMaxTokens(u"qwen3.5-plus"_s, 200000), 65536);
        QCOMPARE(c.clampMaxTokens(u"coder-model"_s, 200000), 65536);
        QCOMPARE(c.clampMaxTokens(u"qwen3.8-max"_s, 200000), 131072);
        QCOMPARE(c.clampMaxTokens(u"vision-model"_s, 50000), 32768);
        QCOMPARE(c.clampMaxTokens(u"qwen3-vl-plus"_s, 50000), 32768);
        QCOMPARE(c.clampMaxTokens(u"qwen3-coder-plus"_s, 100), 100);
        QCOMPARE(c.clampMaxTokens(u"unknown"_s, 999999), 999999);
    }
};

QTEST_GUILESS_MAIN(TestModelCatalog)
#include "tst_modelcatalog.moc"
