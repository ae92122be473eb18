#include "models/modelcatalog.h"

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
        QTest::newRow("star middle") << u"claude-*haiku*"_s << u"claude-3-5-haiku-20241022"_s << true;
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
        QTest::newRow("opus -> default") << u"claude-opus-4-1"_s << false << false << u"qwen3-coder-plus"_s;
        QTest::newRow("sonnet -> default") << u"claude-sonnet-4-5"_s << false << false << u"qwen3-coder-plus"_s;
        QTest::newRow("3-5-sonnet-latest") << u"claude-3-5-sonnet-latest"_s << false << false << u"qwen3-coder-plus"_s;
        QTest::newRow("haiku -> flash") << u"claude-3-5-haiku-latest"_s << false << false << u"qwen3-coder-flash"_s;
        QTest::newRow("-vision suffix") << u"claude-sonnet-4-vision"_s << false << false << u"vision-model"_s;
        QTest::newRow("image to text-only model") << u"claude-sonnet-4"_s << true << false << u"vision-model"_s;
        QTest::newRow("image, vision-capable model kept") << u"coder-model"_s << true << false << u"coder-model"_s;
        QTest::newRow("alias to canonical") << u"qwen3.5-plus"_s << false << false << u"coder-model"_s;
        QTest::newRow("unknown -> default (Qwen OAuth)") << u"gpt-4o"_s << false << false << u"qwen3-coder-plus"_s;
        QTest::newRow("unknown passes (API key)") << u"gpt-4o"_s << false << true << u"gpt-4o"_s;
        QTest::newRow("MODEL_MAP rule first") << u"claude-opus-4-1"_s << false << false << u"big-model"_s;
    }
    void resolve()
    {
        QFETCH(QString, client);
        QFETCH(bool, images);
        QFETCH(bool, passThrough);
        QFETCH(QString, expected);
        const bool custom = QByteArray(QTest::currentDataTag()).startsWith("MODEL_MAP");
        qp::ModelCatalog c(u"qwen3-coder-plus"_s, custom ? u"claude-*opus*=big-model"_s : QString());
        QCOMPARE(c.resolve(client, images, passThrough).model, expected);
    }

    void clamp()
    {
        qp::ModelCatalog c;
        QCOMPARE(c.clampMaxTokens(u"qwen3-coder-plus"_s, 200000), 65536);
        QCOMPARE(c.clampMaxTokens(u"vision-model"_s, 50000), 32768);
        QCOMPARE(c.clampMaxTokens(u"qwen3-vl-plus"_s, 50000), 32768);
        QCOMPARE(c.clampMaxTokens(u"qwen3-coder-plus"_s, 100), 100);
        QCOMPARE(c.clampMaxTokens(u"unknown"_s, 999999), 999999);
    }
};

QTEST_GUILESS_MAIN(TestModelCatalog)
#include "tst_modelcatalog.moc"
