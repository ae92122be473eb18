// Client keys: the format, parsing of what callers present, the stored digest, the comparison.
#include "access/clientkey.h"

#include <QSet>
#include <QTest>

using namespace qp;

class TestClientKey : public QObject
{
    Q_OBJECT
private slots:
    void generatedKeysParseBackToTheirDigest()
    {
        const NewClientKey k = clientkey::generate();
        QCOMPARE(k.key.size(), 4 + clientkey::kIdLength + 1 + clientkey::kSecretLength);
        QVERIFY(k.key.startsWith(QLatin1String("qpk_") + k.id + QLatin1Char('_')));
        const auto parts = clientkey::parse(k.key.toLatin1());
        QVERIFY(parts);
        QCOMPARE(parts->id, k.id);
        QVERIFY(clientkey::sameDigest(clientkey::digest(parts->secret), k.digest));
        QCOMPARE(k.digest.size(), 32);
        QVERIFY(!k.key.toLatin1().contains(k.digest)); // the key is not its digest
    }

    void keysAreUnique()
    {
        QSet<QString> keys, ids;
        for (int i = 0; i < 200; ++i) {
            const NewClientKey k = clientkey::generate();
            keys.insert(k.key);
            ids.insert(k.id);
        }
        QCOMPARE(keys.size(), 200);
        QVERIFY(ids.size() > 190); // 36^8 ids: a clash in 200 would be a broken generator
    }

    void parseRefuses_data()
    {
        QTest::addColumn<QByteArray>("presented");
        const QByteArray good = clientkey::generate().key.toLatin1();
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("another vendor's key") << QByteArray("sk-proj-abcdef");
        QTest::newRow("prefix only") << QByteArray("qpk_");
        QTest::newRow("upper-case prefix") << QByteArray("QPK_" + good.mid(4));
        QTest::newRow("one character short") << good.chopped(1);
        QTest::newRow("one character long") << QByteArray(good + "a");
        QTest::newRow("upper case in the id") << QByteArray("qpk_ABCDEFGH" + good.mid(12));
        QTest::newRow("separator missing") << QByteArray(good.left(12) + "x" + good.mid(13));
        QTest::newRow("padding in the secret") << QByteArray(good.chopped(1) + "=");
        QTest::newRow("space in the secret") << QByteArray(good.chopped(1) + " ");
        QTest::newRow("standard base64 '+'") << QByteArray(good.chopped(1) + "+");
    }
    void parseRefuses()
    {
        QFETCH(QByteArray, presented);
        QVERIFY(!clientkey::parse(presented));
    }

    void sameDigestComparesEveryByte()
    {
        const QByteArray a = clientkey::digest("one");
        QVERIFY(clientkey::sameDigest(a, a));
        QByteArray lastDiffers = a;
        lastDiffers[31] = char(lastDiffers[31] ^ 1);
        QVERIFY(!clientkey::sameDigest(a, lastDiffers));
        QVERIFY(!clientkey::sameDigest(a, a.left(31)));
        QVERIFY(!clientkey::sameDigest(a, QByteArray()));
    }
};

QTEST_GUILESS_MAIN(TestClientKey)
#include "tst_clientkey.moc"
