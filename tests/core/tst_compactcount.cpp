// The one compact formatter (common/compactcount.h): the CLI's `usage` and the tray app's pages,
// chart axes, menu and tooltip all print through it, so the same number reads the same.
#include "common/compactcount.h"

#include <QtTest>

using namespace Qt::StringLiterals;

class TestCompactCount : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void figures_data()
    {
        QTest::addColumn<qint64>("n");
        QTest::addColumn<QString>("text");
        QTest::newRow("small") << qint64(0) << u"0"_s;
        QTest::newRow("in full below 10,000") << qint64(9999) << u"9999"_s;
        QTest::newRow("k") << qint64(10000) << u"10k"_s;
        QTest::newRow("one decimal") << qint64(12345) << u"12.3k"_s;
        QTest::newRow("none from 100 up") << qint64(312'400) << u"312k"_s;
        QTest::newRow("axis tick") << qint64(300'000) << u"300k"_s;
        QTest::newRow("carry into M") << qint64(999'600) << u"1M"_s;
        QTest::newRow("M") << qint64(3'400'000) << u"3.4M"_s;
        QTest::newRow("G") << qint64(1'260'000'000) << u"1.3G"_s;
        QTest::newRow("negative") << qint64(-12345) << u"-12.3k"_s;
    }
    void figures()
    {
        QFETCH(qint64, n);
        QFETCH(QString, text);
        QCOMPARE(qp::compactCount(n, QLocale::c()), text);
        // The tray's two languages print exactly what the CLI prints under LANG=C.
        QCOMPARE(qp::compactCount(n, QLocale(QLocale::English, QLocale::UnitedStates)), text);
        QCOMPARE(qp::compactCount(n, QLocale(QLocale::Chinese, QLocale::China)), text);
    }

    // The locale gives the decimal separator: a German desktop reads 3,4M.
    void localeDecimalSeparator()
    {
        const QLocale de(QLocale::German, QLocale::Germany);
        QCOMPARE(qp::compactCount(3'400'000, de), u"3,4M"_s);
        QCOMPARE(qp::compactCount(2'000'000, de), u"2M"_s);
        QCOMPARE(qp::compactCount(9999, de), u"9999"_s); // no group separator in a count
    }

    // Without an argument: the process's default locale, the same for the CLI and the tray app.
    void defaultLocale()
    {
        const QLocale saved;
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        QCOMPARE(qp::compactCount(12345), u"12,3k"_s);
        QLocale::setDefault(saved);
        QCOMPARE(qp::compactCount(12345), qp::compactCount(12345, saved));
    }
};

QTEST_GUILESS_MAIN(TestCompactCount)
#include "tst_compactcount.moc"
