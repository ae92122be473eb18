// `qwen-proxy-tray --screenshot DIR` renders every picture offscreen and exits without a server.
#include <QDir>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

class TestScreenshots : public QObject
{
    Q_OBJECT

private slots:
    void rendersEveryPicture()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        // A data directory that must stay untouched: nothing of the engine may start.
        QTemporaryDir data;
        env.insert(u"XDG_DATA_HOME"_s, data.path());
        env.insert(u"XDG_CONFIG_HOME"_s, data.path());
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(QP_BINARY_DIR "/ui/qwen-proxy-tray"),
                {u"--screenshot"_s, dir.path()});
        QVERIFY(p.waitForFinished(100000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());

        QStringList expected;
        for (const QString &theme : {u"light"_s, u"dark"_s})
            expected << theme + u"-tray-icons.png"_s << theme + u"-tray-icons-zoom.png"_s;
        for (const QString &lang : {u"en"_s, u"zh_CN"_s})
            for (const QString &theme : {u"light"_s, u"dark"_s}) {
                const QString prefix = lang + u'-' + theme + u'-';
                expected << prefix + u"tray-menu.png"_s;
                for (const QString &state : {u"requesting"_s, u"code"_s, u"success"_s, u"expired"_s,
                                             u"denied"_s, u"network"_s, u"discontinued"_s})
                    expected << prefix + u"login-"_s + state + u".png"_s;
                // The main window's pages (pagegallery.h), two sizes each.
                for (const QString &page : {u"accounts"_s, u"providers"_s, u"usage"_s, u"logs"_s,
                                            u"clients"_s, u"settings"_s})
                    for (const QString &size : {u"900x600"_s, u"1400x900"_s})
                        expected << lang + u'-' + page + u'-' + theme + u'-' + size + u".png"_s;
                expected << lang + u"-usage-models-30d-"_s + theme + u".png"_s
                         << lang + u"-add-provider-"_s + theme + u".png"_s;
            }
        const QStringList printed =
            QString::fromUtf8(p.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(printed.size(), expected.size());
        for (const QString &name : expected) {
            const QString path = QDir(dir.path()).filePath(name);
            QVERIFY2(QFileInfo::exists(path), qPrintable(name));
            QVERIFY2(printed.contains(path), qPrintable(name));
            const QImage img(path);
            QVERIFY2(!img.isNull(), qPrintable(name));
            QVERIFY2(img.width() >= 100 && img.height() >= 100, qPrintable(name));
            // Not a blank canvas: a real picture has many colours.
            QSet<QRgb> colours;
            for (int y = 0; y < img.height(); y += 2)
                for (int x = 0; x < img.width(); x += 2)
                    colours.insert(img.pixel(x, y));
            QVERIFY2(colours.size() > 8, qPrintable(name));
        }
        QVERIFY2(QDir(data.path()).isEmpty(), "the screenshot run wrote application data");
    }
};

QTEST_GUILESS_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
