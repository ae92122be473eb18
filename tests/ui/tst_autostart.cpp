// Start at login: the entry is written, rewritten when the binary moved, and removed; on Linux
// an XDG autostart file named after the application id whose Exec line quotes the path as the
// Desktop Entry spec says and starts the app minimized, and the older name is moved over.
#include "platform/autostart.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace qp;

class TestAutostart : public QObject
{
    Q_OBJECT
private slots:
    void writtenRewrittenAndRemoved()
    {
#if defined(Q_OS_WIN)
        QSKIP("writes the real HKCU Run key");
#endif
        QTemporaryDir root;
        QVERIFY(!Autostart::isEnabled(root.path()));
        QString error;
        QVERIFY2(
            Autostart::apply(true, u"/opt/Qwen Proxy/bin/qwen-proxy-tray"_s, &error, root.path()),
            qPrintable(error));
        QVERIFY(Autostart::isEnabled(root.path()));
        QFile f(Autostart::location(root.path()));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        f.close();
#if !defined(Q_OS_MACOS)
        QVERIFY2(text.contains(u"Exec=\"/opt/Qwen Proxy/bin/qwen-proxy-tray\" --minimized\n"_s),
                 qPrintable(text));
        QVERIFY2(text.contains(u"Icon=io.github.qwenproxy.QwenProxy\n"_s), qPrintable(text));
        QCOMPARE(Autostart::location(root.path()),
                 root.path() + u"/autostart/io.github.qwenproxy.QwenProxy.desktop"_s);
        QVERIFY(text.startsWith(u"[Desktop Entry]\n"_s));
#endif
        // A moved binary: the next launch rewrites the entry.
        QVERIFY(Autostart::apply(true, u"/usr/bin/qwen-proxy-$tray"_s, &error, root.path()));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString moved = QString::fromUtf8(f.readAll());
        f.close();
#if !defined(Q_OS_MACOS)
        QVERIFY2(moved.contains(u"Exec=\"/usr/bin/qwen-proxy-\\$tray\" --minimized\n"_s),
                 qPrintable(moved));
#endif
        QVERIFY(Autostart::apply(false, {}, &error, root.path()));
        QVERIFY(!Autostart::isEnabled(root.path()));
        QVERIFY(Autostart::apply(false, {}, &error, root.path())); // already off: fine
    }

    // An entry under the name older versions used counts as on, and applying the setting
    // leaves exactly one entry, under the new name (or none).
    void olderEntryNameIsMovedOver()
    {
#if defined(Q_OS_WIN) || defined(Q_OS_MACOS)
        QSKIP("the XDG autostart file only");
#endif
        for (const bool enabled : {true, false}) {
            QTemporaryDir root;
            const QString old = root.path() + u"/autostart/qwen-proxy-tray.desktop"_s;
            QVERIFY(QDir().mkpath(root.path() + u"/autostart"_s));
            QFile f(old);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("[Desktop Entry]\nExec=/old/qwen-proxy-tray\n");
            f.close();
            QVERIFY(Autostart::isEnabled(root.path()));
            QString error;
            QVERIFY2(Autostart::apply(enabled, u"/usr/bin/qwen-proxy-tray"_s, &error, root.path()),
                     qPrintable(error));
            QVERIFY(!QFile::exists(old));
            QCOMPARE(QFile::exists(Autostart::location(root.path())), enabled);
            QCOMPARE(Autostart::isEnabled(root.path()), enabled);
        }
    }
};

QTEST_GUILESS_MAIN(TestAutostart)
#include "tst_autostart.moc"
