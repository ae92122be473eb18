// The page gallery renders every page with demo data in both themes and sizes. Set
// QP_GALLERY_DIR to keep the pictures (to look at them); otherwise they go to a temporary dir.
#include "pagegallery.h"

#include <QApplication>
#include <QDir>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestPageGallery : public QObject
{
    Q_OBJECT
private slots:
    void rendersEveryPage()
    {
        QTemporaryDir tmp;
        const QString dir = qEnvironmentVariableIsSet("QP_GALLERY_DIR")
                                ? qEnvironmentVariable("QP_GALLERY_DIR")
                                : tmp.path();
        QString error;
        const QStringList files = qp::renderPageGallery(dir, {}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(files.size(), (6 * 2 + 2) * 2); // (pages x sizes + two views) x themes
        QVERIFY(files.contains(QDir(dir).filePath(u"clients-dark-900x600.png"_s)));
        for (const QString &f : files) {
            const QImage img(f);
            QVERIFY2(!img.isNull(), qPrintable(f));
            if (f.contains(u"900x600"_s))
                QVERIFY(img.width() >= 900);
            else if (f.contains(u"1400x900"_s))
                QVERIFY(img.width() >= 1400);
        }
    }
};

QTEST_MAIN(TestPageGallery)
#include "tst_pagegallery.moc"
