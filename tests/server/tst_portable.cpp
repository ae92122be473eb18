// Portable mode as a user meets it: a copy of the program with an empty `.portable` next to it
// keeps its database, settings and secrets (a file, not the keychain) in `data` beside it, writes
// nothing to the home directory, offers no start at login, and `purge --yes` empties only its
// own `data` folder (issue 20 §4, platform/portable.h).
#include "programrun.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

using Run = qp::test::ProgramRun;

// Every file under `dir`, relative to it.
QStringList filesUnder(const QString &dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << QDir(dir).relativeFilePath(it.next());
    out.sort();
    return out;
}

} // namespace

class TestPortable : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_app;  // the portable folder: the programs, .portable, data/
    QString m_home; // HOME of the runs: must stay empty

    Run run(const QString &program, const QStringList &args, const QByteArray &stdinBytes = {})
    {
        QProcessEnvironment env;
        env.insert(u"LANG"_s, u"C.UTF-8"_s);
        env.insert(u"HOME"_s, m_home);
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"QWEN_CODE_AUTH_USE"_s, u"false"_s);
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        // A session bus with a keychain, when the suite has one: portable must not use it.
        if (qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"))
            env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s,
                       qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS"));
        return qp::test::runProgram(QDir(m_app).filePath(program), args, env, stdinBytes);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_app = m_tmp.filePath(u"Qwen Proxy"_s);
        m_home = m_tmp.filePath(u"home"_s);
        QVERIFY(QDir().mkpath(m_app));
        QVERIFY(QDir().mkpath(m_home));
        QVERIFY(QFile::copy(QStringLiteral(QP_BINARY_DIR "/src/cli/qwen-proxy"),
                            QDir(m_app).filePath(u"qwen-proxy"_s)));
        const QString tray = QStringLiteral(QP_BINARY_DIR "/ui/qwen-proxy-tray");
        if (QFile::exists(tray))
            QVERIFY(QFile::copy(tray, QDir(m_app).filePath(u"qwen-proxy-tray"_s)));
        QFile marker(QDir(m_app).filePath(u".portable"_s));
        QVERIFY(marker.open(QIODevice::WriteOnly));
    }

    void keepsEverythingInItsFolder()
    {
        const Run added =
            run(u"qwen-proxy"_s, {u"provider"_s, u"add"_s, u"local"_s, u"--preset"_s, u"ollama"_s},
                "sk-portable-test\n");
        QVERIFY2(added.exitCode == 0, qPrintable(added.err));
        const QStringList data = filesUnder(QDir(m_app).filePath(u"data"_s));
        QVERIFY2(data.contains(u"qwen-proxy.sqlite"_s), qPrintable(data.join(u' ')));
        // The key went to the file store in data/, not to a keychain.
        bool keyFile = false;
        for (const QString &f : data)
            keyFile = keyFile || f.contains(u"secret"_s);
        QVERIFY2(keyFile, qPrintable(data.join(u' ')));
        QVERIFY2(filesUnder(m_home).isEmpty(), qPrintable(filesUnder(m_home).join(u' ')));

        const Run listed = run(u"qwen-proxy"_s, {u"provider"_s, u"list"_s});
        QVERIFY2(listed.out.contains(u"local"_s), qPrintable(listed.out + listed.err));
    }

    void offersNoStartAtLogin()
    {
        if (!QFile::exists(QDir(m_app).filePath(u"qwen-proxy-tray"_s)))
            QSKIP("built without the desktop app");
        const Run on = run(u"qwen-proxy-tray"_s, {u"--autostart"_s, u"on"_s});
        QCOMPARE(on.exitCode, 1);
        QVERIFY2(on.err.contains(u"portable"_s), qPrintable(on.err));
        QVERIFY2(filesUnder(m_home).isEmpty(), qPrintable(filesUnder(m_home).join(u' ')));
    }

    void purgeEmptiesOnlyItsDataFolder()
    {
        const Run purged = run(u"qwen-proxy"_s, {u"purge"_s, u"--yes"_s});
        QVERIFY2(purged.exitCode == 0, qPrintable(purged.err));
        QVERIFY(!QFile::exists(QDir(m_app).filePath(u"data"_s)));
        QVERIFY(QFile::exists(QDir(m_app).filePath(u"qwen-proxy"_s)));
        QVERIFY(QFile::exists(QDir(m_app).filePath(u".portable"_s)));
        QVERIFY2(filesUnder(m_home).isEmpty(), qPrintable(filesUnder(m_home).join(u' ')));
    }
};

QTEST_GUILESS_MAIN(TestPortable)
#include "programrun.h"
#include "tst_portable.moc"
