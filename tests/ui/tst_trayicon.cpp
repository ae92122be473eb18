// The tray icon: every state has its own silhouette (compared on the alpha channel alone, so not
// colour), light and dark variants differ only in colour, the quota ring shows what is left, and
// sizes are exact at 1x and 2x.
#include "tray/trayicon.h"

#include <QtTest>

using namespace qp;

namespace {

// Pixels that are clearly painted (alpha over one half).
QList<bool> mask(const QImage &img)
{
    QList<bool> m;
    const QImage a = img.convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            m.append(qAlpha(a.pixel(x, y)) > 127);
    return m;
}

int differences(const QList<bool> &a, const QList<bool> &b)
{
    int n = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        n += a[i] != b[i];
    return n;
}

const QList<TrayIconState> kStates = {TrayIconState::Serving, TrayIconState::Degraded,
                                      TrayIconState::NoUsableAccount, TrayIconState::Stopped};

} // namespace

class TestTrayIcon : public QObject
{
    Q_OBJECT

private slots:
    void sizesAndPixelRatio()
    {
        for (const int size : {16, 22, 32, 64}) {
            for (const qreal dpr : {1.0, 2.0}) {
                const QImage img = TrayIconPainter::render(TrayIconState::Serving, TrayTheme::Light,
                                                           0.5, size, dpr);
                QCOMPARE(img.width(), int(size * dpr));
                QCOMPARE(img.height(), int(size * dpr));
                QCOMPARE(img.devicePixelRatio(), dpr);
            }
        }
        const QIcon icon = TrayIconPainter::icon(TrayIconState::Serving, TrayTheme::Dark, 0.5);
        QVERIFY(icon.availableSizes().contains(QSize(16, 16)));
        QVERIFY(icon.availableSizes().contains(QSize(22, 22)));
        QVERIFY(icon.availableSizes().contains(QSize(64, 64)));
    }

    void everyStateHasItsOwnShape_data()
    {
        QTest::addColumn<int>("size");
        for (const int size : {16, 22, 32, 64})
            QTest::newRow(qPrintable(QString::number(size))) << size;
    }

    void everyStateHasItsOwnShape()
    {
        QFETCH(int, size);
        QList<QList<bool>> masks;
        for (const TrayIconState s : kStates)
            masks.append(mask(TrayIconPainter::render(s, TrayTheme::Light, std::nullopt, size)));
        // At least 8 % of the pixels differ between any two states' alpha masks: told apart
        // by someone who cannot see the colours, even at 16 px.
        const int minDiff = size * size * 8 / 100;
        for (int i = 0; i < masks.size(); ++i)
            for (int j = i + 1; j < masks.size(); ++j)
                QVERIFY2(differences(masks[i], masks[j]) >= minDiff,
                         qPrintable(QStringLiteral("states %1 and %2 at %3 px differ in %4 pixels")
                                        .arg(i)
                                        .arg(j)
                                        .arg(size)
                                        .arg(differences(masks[i], masks[j]))));
    }

    void lightAndDarkDifferInColourOnly()
    {
        for (const TrayIconState s : kStates) {
            const QImage light = TrayIconPainter::render(s, TrayTheme::Light, 0.4, 32);
            const QImage dark = TrayIconPainter::render(s, TrayTheme::Dark, 0.4, 32);
            QVERIFY(light != dark);
            // The same shape (a few antialiased pixels may round differently).
            QVERIFY(differences(mask(light), mask(dark)) <= 4);
            // Dark glyph on light panels, light glyph on dark panels.
            const QPoint centre(16, 16);
            const QImage l = light.convertToFormat(QImage::Format_ARGB32);
            const QImage d = dark.convertToFormat(QImage::Format_ARGB32);
            // (The no-account sign's centre is its red slash.)
            if (s != TrayIconState::NoUsableAccount) {
                QCOMPARE(qAlpha(l.pixel(centre)), 255);
                QVERIFY(qGray(l.pixel(centre)) < 80);
                QVERIFY(qGray(d.pixel(centre)) > 180);
            }
        }
    }

    void ringShowsTheQuotaLeft()
    {
        // The bright arc runs clockwise from 12 o'clock: a quarter left lights the upper right
        // quadrant of the ring only.
        const QImage quarter =
            TrayIconPainter::render(TrayIconState::Serving, TrayTheme::Light, 0.25, 64)
                .convertToFormat(QImage::Format_ARGB32);
        const QImage full =
            TrayIconPainter::render(TrayIconState::Serving, TrayTheme::Light, std::nullopt, 64)
                .convertToFormat(QImage::Format_ARGB32);
        const QPoint upperRight(32 + 20, 32 - 20); // on the ring, at 45 degrees
        const QPoint upperLeft(32 - 20, 32 - 20);
        QCOMPARE(qAlpha(quarter.pixel(upperRight)), 255);
        QVERIFY(qAlpha(quarter.pixel(upperLeft)) < 128); // the used part is faint
        QVERIFY(qAlpha(quarter.pixel(upperLeft)) > 0);   // but still there: the ring's outline
        QCOMPARE(qAlpha(full.pixel(upperLeft)), 255);
        // Nothing left at all still draws the faint ring, and "almost nothing" a sliver.
        const QImage none =
            TrayIconPainter::render(TrayIconState::Serving, TrayTheme::Light, 0.0, 64)
                .convertToFormat(QImage::Format_ARGB32);
        const QImage sliver =
            TrayIconPainter::render(TrayIconState::Serving, TrayTheme::Light, 0.001, 64)
                .convertToFormat(QImage::Format_ARGB32);
        const QPoint top(33, 3);
        QVERIFY(qAlpha(none.pixel(top)) < 128);
        QCOMPARE(qAlpha(sliver.pixel(top)), 255);
    }

    void quotaPieFillsTheUsedShare()
    {
        QPalette palette;
        palette.setColor(QPalette::Window, Qt::white);
        palette.setColor(QPalette::Text, Qt::black);
        const QImage empty = TrayIconPainter::quotaPie(0.0, palette).pixmap(16, 16).toImage();
        const QImage half = TrayIconPainter::quotaPie(0.5, palette).pixmap(16, 16).toImage();
        QCOMPARE(empty.size(), QSize(16, 16));
        // The right half (used, clockwise from 12) is filled, the left is not.
        QCOMPARE(qAlpha(empty.pixel(10, 8)), 0);
        QVERIFY(qAlpha(half.pixel(10, 8)) > 200);
        QCOMPARE(qAlpha(half.pixel(5, 8)), 0);
    }
};

QTEST_MAIN(TestTrayIcon)
#include "tst_trayicon.moc"
