// The C++ Qwen3 tokenizer must give exactly the ids of the reference JavaScript tokenizer
// (expected.json, written by tools/tokenizer/make_expected.mjs) on a corpus of English, Chinese,
// code, emoji, whitespace, numbers and added tokens.

#include "tokenizer/qwentokenizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThreadPool>
#include <QtTest>

using qp::QwenTokenizer;

namespace {

QJsonObject readJson(const QString &name)
{
    QFile f(QStringLiteral(QP_TEST_DATA_DIR "/tokenizer/") + name);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QList<int> toIds(const QJsonArray &a)
{
    QList<int> ids;
    for (const QJsonValue &v : a)
        ids.append(v.toInt());
    return ids;
}

// Mixed prose, Chinese and code, about `bytes` UTF-8 bytes, with little repetition so the word
// cache does not flatter the timing.
QString mixedText(int bytes)
{
    const QJsonArray entries = readJson(QStringLiteral("corpus.json"))[u"entries"].toArray();
    QString out;
    int round = 0;
    while (out.toUtf8().size() < bytes) {
        for (const QJsonValue &e : entries) {
            out += e[u"text"].toString();
            out += QStringLiteral("\nround %1 item %2 v%3\n")
                       .arg(round)
                       .arg(out.size())
                       .arg(round * 7919 % 1000);
        }
        ++round;
    }
    return out;
}

} // namespace

class TestQwenTokenizer : public QObject
{
    Q_OBJECT

private slots:
    void preloadInBackgroundLoadsShared();
    void resourceLoads();
    void matchesReference_data();
    void matchesReference();
    void concatenatedCorpusCount();
    void roundTrip_data();
    void roundTrip();
    void specialTokensAreSingleIds_data();
    void specialTokensAreSingleIds();
    void badDataIsNotLoaded_data();
    void badDataIsNotLoaded();
    void unloadedCountFallsBackToEstimate();
    void concurrentCountsAgree();
    void benchmarkCount100KB();
};

void TestQwenTokenizer::preloadInBackgroundLoadsShared()
{
    // First use in this process: the load happens on a pool thread.
    QwenTokenizer::preloadInBackground();
    QVERIFY(QThreadPool::globalInstance()->waitForDone(60000));
    QVERIFY(QwenTokenizer::shared().loaded());
}

void TestQwenTokenizer::resourceLoads()
{
    const QwenTokenizer &tok = QwenTokenizer::shared();
    QVERIFY2(tok.loaded(), qPrintable(tok.errorString()));
    QCOMPARE(tok.vocabularySize(), 151669);
    QCOMPARE(&QwenTokenizer::shared(), &tok);
}

void TestQwenTokenizer::matchesReference_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<int>>("expected");

    const QJsonObject corpus = readJson(QStringLiteral("corpus.json"));
    const QJsonObject expected = readJson(QStringLiteral("expected.json"));
    QHash<QString, QList<int>> ids;
    for (const QJsonValue &e : expected[u"entries"].toArray())
        if (e[u"ids"].isArray())
            ids.insert(e[u"name"].toString(), toIds(e[u"ids"].toArray()));
    const QJsonArray entries = corpus[u"entries"].toArray();
    QVERIFY(entries.size() >= 30);
    for (const QJsonValue &e : entries) {
        const QString name = e[u"name"].toString();
        QVERIFY2(ids.contains(name), qPrintable(QStringLiteral("expected.json lacks ") + name));
        QTest::newRow(qPrintable(name)) << e[u"text"].toString() << ids.value(name);
    }
}

void TestQwenTokenizer::matchesReference()
{
    QFETCH(QString, text);
    QFETCH(QList<int>, expected);
    const QwenTokenizer &tok = QwenTokenizer::shared();
    QCOMPARE(tok.encode(text), expected);
    QCOMPARE(tok.count(text), expected.size());
}

void TestQwenTokenizer::concatenatedCorpusCount()
{
    const QJsonArray entries = readJson(QStringLiteral("corpus.json"))[u"entries"].toArray();
    QStringList texts;
    for (const QJsonValue &e : entries)
        texts.append(e[u"text"].toString());
    int expected = -1;
    for (const QJsonValue &e : readJson(QStringLiteral("expected.json"))[u"entries"].toArray())
        if (e[u"name"].toString() == u"all_concatenated")
            expected = e[u"count"].toInt();
    QVERIFY(expected > 0);
    QCOMPARE(QwenTokenizer::shared().count(texts.join(u'\n')), expected);
}

void TestQwenTokenizer::roundTrip_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("ascii") << QStringLiteral("Hello, world!  \n\tfoo(bar);");
    QTest::newRow("chinese") << QStringLiteral("你好，世界！");
    QTest::newRow("emoji") << QStringLiteral("👨‍👩‍👧‍👦 🇨🇳");
    QTest::newRow("special") << QStringLiteral("<|im_start|>user\nhi<|im_end|>\n");
    QTest::newRow("long_run") << QString(500, u'-');
}

void TestQwenTokenizer::roundTrip()
{
    QFETCH(QString, text);
    const QwenTokenizer &tok = QwenTokenizer::shared();
    QCOMPARE(tok.decode(tok.encode(text)), text);
}

void TestQwenTokenizer::specialTokensAreSingleIds_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("id");
    QTest::newRow("endoftext") << QStringLiteral("<|endoftext|>") << 151643;
    QTest::newRow("im_start") << QStringLiteral("<|im_start|>") << 151644;
    QTest::newRow("im_end") << QStringLiteral("<|im_end|>") << 151645;
    QTest::newRow("tool_call") << QStringLiteral("<tool_call>") << 151657;
    QTest::newRow("think") << QStringLiteral("<think>") << 151667;
    QTest::newRow("think_close") << QStringLiteral("</think>") << 151668;
}

void TestQwenTokenizer::specialTokensAreSingleIds()
{
    QFETCH(QString, text);
    QFETCH(int, id);
    QCOMPARE(QwenTokenizer::shared().encode(text), QList<int>{id});
}

void TestQwenTokenizer::badDataIsNotLoaded_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not_compressed") << QByteArray("QPTK\x01\0\0\0", 8);
    QTest::newRow("wrong_magic") << qCompress(QByteArray("NOPE\x01\0\0\0\0\0\0\0", 12));
    QFile f(QStringLiteral(":/qp/tokenizer/qwen3.bin"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray raw = qUncompress(f.readAll());
    QVERIFY(raw.size() > 1000);
    QTest::newRow("truncated") << qCompress(raw.left(raw.size() / 2));
    QByteArray otherRegex = raw;
    otherRegex[14] = 'X'; // first byte of the pre-tokenizer regex
    QTest::newRow("other_pretokenizer") << qCompress(otherRegex);
}

void TestQwenTokenizer::badDataIsNotLoaded()
{
    QFETCH(QByteArray, data);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("tokenizer not loaded")));
    QwenTokenizer tok(data);
    QVERIFY(!tok.loaded());
    QVERIFY(!tok.errorString().isEmpty());
    QVERIFY(tok.encode(u"hello").isEmpty());
}

void TestQwenTokenizer::unloadedCountFallsBackToEstimate()
{
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("tokenizer not loaded")));
    QwenTokenizer tok{QByteArray()};
    QCOMPARE(tok.count(u"12345678"), 2);
    QCOMPARE(tok.count(u"123456789"), 3);
    QCOMPARE(tok.count(u""), 0);
}

void TestQwenTokenizer::concurrentCountsAgree()
{
    // The word cache is shared between threads; counts must not depend on who filled it. A fresh
    // tokenizer starts with an empty cache so the threads race to fill it.
    QFile f(QStringLiteral(":/qp/tokenizer/qwen3.bin"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QwenTokenizer tok(f.readAll());
    QVERIFY(tok.loaded());
    const QString text = mixedText(40 * 1024);
    const int expected = QwenTokenizer::shared().count(text);
    QList<int> results(4, -1);
    QList<QThread *> threads;
    for (int i = 0; i < results.size(); ++i) {
        threads.append(
            QThread::create([&tok, &text, &results, i] { results[i] = tok.count(text); }));
        threads.last()->start();
    }
    for (QThread *t : threads) {
        QVERIFY(t->wait(60000));
        delete t;
    }
    for (int r : results)
        QCOMPARE(r, expected);
}

void TestQwenTokenizer::benchmarkCount100KB()
{
    // Timing is reported, not asserted; tools/tokenizer/README.md has Release figures.
    const QString text = mixedText(100 * 1024);
    const QwenTokenizer &tok = QwenTokenizer::shared();
    int n = 0;
    QBENCHMARK
    {
        n = tok.count(text);
    }
    QVERIFY(n > 10000);
}

QTEST_GUILESS_MAIN(TestQwenTokenizer)
#include "tst_qwentokenizer.moc"
