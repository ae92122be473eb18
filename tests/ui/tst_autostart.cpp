// Start at login: the entry is written, rewritten when the binary moved, and removed; on Linux
// an XDG autostart file whose Exec line quotes the path as the Desktop Entry spec says.
#include "platform/autostart.h"

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
        QVERIFY2(Autostart::apply(true, u"/opt/Qwen Proxy/bin/qwen-proxy-tray"_s, &error,
                                  root.path()),
                 qPrintable(error));
        QVERIFY(Autostart::isEnabled(root.path()));
        QFile f(Autostart::location(root.path()));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        f.close();
#if !defined(Q_OS_MACOS)
        QVERIFY2(text.contains(u"Exec=\"/opt/Qwen Proxy/bin/qwen-proxy-tray\"\n"_s),
                 qPrintable(text));
        QVERIFY(text.startsWith(u"[Desktop Entry]\n"_s));
#endif
        // A moved binary: the next launch rewrites the entry.
        QVERIFY(Autostart::apply(true, u"/usr/bin/qwen-proxy-$tray"_s, &error, root.path()));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString moved = QString::fromUtf8(f.readAll());
        f.close();
#if !defined(Q_OS_MACOS)
        QVERIFY2(moved.contains(u"Exec=\"/usr/bin/qwen-proxy-\\$tray\"\n"_s), qPrintable(moved));
#endif
        QVERIFY(Autostart::apply(false, {}, &error, root.path()));
        QVERIFY(!Autostart::isEnabled(root.path()));
        QVERIFY(Autostart::apply(false, {}, &error, root.path())); // already off: fine
    }
};

QTEST_GUILESS_MAIN(TestAutostart)
#include "tst_autostart.moc"
