// The terminal QR code encodes exactly qrcodegen's matrix for the verification URL.
#include "auth/terminalqr.h"

#include <QtTest>
#include <qrcodegen/qrcodegen.hpp>

using namespace qp;

class TestTerminalQr : public QObject
{
    Q_OBJECT
private slots:
    void rendersTheUrlsMatrix_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("quietZone");
        QTest::addColumn<bool>("darkOnLight");
        const QString url =
            QStringLiteral("https://chat.qwen.ai/authorize?user_code=ABCD-1234&client=qwen-code");
        QTest::newRow("verification url, dark terminal") << url << 2 << false;
        QTest::newRow("verification url, light terminal") << url << 2 << true;
        QTest::newRow("odd height (quiet zone 1)") << url << 1 << false;
        QTest::newRow("short text, spec quiet zone") << QStringLiteral("hi") << 4 << false;
    }
    void rendersTheUrlsMatrix()
    {
        QFETCH(QString, text);
        QFETCH(int, quietZone);
        QFETCH(bool, darkOnLight);
        // Independent reference: qrcodegen itself, same error-correction level.
        const auto ref =
            qrcodegen::QrCode::encodeText(text.toUtf8().constData(), qrcodegen::QrCode::Ecc::LOW);
        const QString out = terminalqr::render(text, quietZone, darkOnLight);
        const QStringList lines = out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        const int full = ref.getSize() + 2 * quietZone;
        QCOMPARE(lines.size(), (full + 1) / 2);
        for (const QString &l : lines)
            QCOMPARE(l.size(), full);
        const auto parsed = terminalqr::parse(out, quietZone, darkOnLight);
        QCOMPARE(parsed.size, ref.getSize());
        for (int y = 0; y < ref.getSize(); ++y)
            for (int x = 0; x < ref.getSize(); ++x)
                QVERIFY2(parsed.dark(x, y) == ref.getModule(x, y),
                         qPrintable(QStringLiteral("module %1,%2").arg(x).arg(y)));
        // The quiet zone is light all round.
        const QChar light = darkOnLight ? QLatin1Char(' ') : QChar(u'\u2588');
        QVERIFY(lines.first().count(light) == full || quietZone == 1);
    }

    void fitsAStandardTerminal()
    {
        const QString url =
            QStringLiteral("https://chat.qwen.ai/authorize?user_code=ABCD-1234&client=qwen-code");
        const QStringList lines =
            terminalqr::render(url).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(lines.size() <= 24, qPrintable(QString::number(lines.size())));
        QVERIFY(lines.first().size() <= 80);
    }

    void tooLongTextGivesNothing()
    {
        QVERIFY(terminalqr::render(QString(8000, QLatin1Char('x'))).isEmpty());
        QCOMPARE(terminalqr::encode(QString(8000, QLatin1Char('x'))).size, 0);
    }
};

QTEST_GUILESS_MAIN(TestTerminalQr)
#include "tst_terminalqr.moc"
