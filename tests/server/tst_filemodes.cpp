// Our files are the user's alone, whatever the session's umask: the real binary run under umask
// 000 creates its data and config folders 0700 and every file 0600 (before, the folders came out
// 0777); a secrets file left 0644 is tightened with a warning; nothing outside our own names is
// touched. POSIX modes: skipped elsewhere.
#include "fakeupstream.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {
struct Run {
    int exitCode = -1;
    QString err;
};

QFileDevice::Permissions owner(bool dir)
{
    return dir ? QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
               : QFileDevice::ReadOwner | QFileDevice::WriteOwner;
}

QFileDevice::Permissions modeOf(const QString &path)
{
    // Only the owner/group/other bits (QFile also reports ReadUser etc.).
    return QFileInfo(path).permissions() &
           (QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
            QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
            QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther);
}
} // namespace

class TestFileModes : public QObject
{
    Q_OBJECT
    QTemporaryDir m_home;
    FakeUpstream m_fake;

    QString dataDir() const { return m_home.filePath(u"data"_s); }

    Run run(const QStringList &args, const QByteArray &stdinBytes = {}, bool ownDataDir = true)
    {
        QProcessEnvironment env;
        env.insert(u"LANG"_s, u"C.UTF-8"_s);
        env.insert(u"HOME"_s, m_home.path());
        env.insert(u"XDG_CONFIG_HOME"_s, m_home.filePath(u"config"_s));
        env.insert(u"XDG_DATA_HOME"_s, m_home.filePath(u"share"_s));
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"QP_SECRET_STORE"_s, u"file"_s);
        env.insert(u"QWEN_CODE_AUTH_USE"_s, u"false"_s);
        env.insert(u"QWEN_HOME"_s, m_home.filePath(u"qwen"_s));
        QProcess p;
        p.setProcessEnvironment(env);
#ifdef Q_OS_UNIX
        p.setChildProcessModifier([] { ::umask(0); }); // the worst session there is
#endif
        p.start(QStringLiteral(QP_BINARY_DIR "/src/cli/qwen-proxy"),
                ownDataDir ? args + QStringList{u"--data-dir"_s, dataDir()} : args);
        Run r;
        if (!p.waitForStarted(10000))
            return r;
        p.write(stdinBytes);
        p.closeWriteChannel();
        if (p.state() != QProcess::NotRunning) {
            QEventLoop loop; // the fake answers from this thread's loop
            connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
            QTimer::singleShot(30000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        if (p.state() != QProcess::NotRunning)
            return r;
        r.exitCode = p.exitCode();
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
#ifndef Q_OS_UNIX
        QSKIP("POSIX file modes");
#endif
        QVERIFY(m_home.isValid());
        m_fake.on("/v1/chat/completions", [](const qp::http::HttpRequest &,
                                             qp::http::ResponseWriter *w) {
            w->sendJson(200,
                        QJsonObject{{u"choices"_s,
                                     QJsonArray{QJsonObject{
                                         {u"index"_s, 0},
                                         {u"finish_reason"_s, u"stop"_s},
                                         {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s},
                                                                    {u"content"_s, u"OK"_s}}}}}}});
        });
    }

    void underUmask000EverythingIsPrivate()
    {
        const Run r = run({u"provider"_s, u"add"_s, u"cp"_s, u"--preset"_s, u"coding-plan-intl"_s,
                           u"--base-url"_s, m_fake.baseUrl()},
                          "sk-sp-goodkey\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(QDir(dataDir()).filePath(u"secrets.json"_s)));
        int seen = 0;
        QDirIterator it(dataDir(), QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const bool dir = QFileInfo(path).isDir();
            QVERIFY2(modeOf(path) == owner(dir), qPrintable(path));
            ++seen;
        }
        QVERIFY(seen >= 2); // the database and the secrets file at least
        QCOMPARE(modeOf(dataDir()), owner(true));
        QVERIFY2(!r.err.contains(u"open to other users"_s), qPrintable(r.err)); // made so at once
    }

    void theDefaultFoldersArePrivateToo()
    {
        // Without --data-dir: the platform's data and config folders, made with mkpath, which
        // takes its modes from the umask alone.
        const Run r = run({u"provider"_s, u"list"_s}, {}, false);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        int seen = 0;
        for (const QString &root : {m_home.filePath(u"share"_s), m_home.filePath(u"config"_s)}) {
            QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                QVERIFY2(modeOf(path) == owner(QFileInfo(path).isDir()), qPrintable(path));
                ++seen;
            }
        }
        QVERIFY(seen >= 3); // folders in both, and the database
    }

    void aWiderSecretsFileIsTightenedWithAWarning()
    {
        const QString secrets = QDir(dataDir()).filePath(u"secrets.json"_s);
        const QString stranger = QDir(dataDir()).filePath(u"notes.txt"_s); // not ours
        {
            QFile f(stranger);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        const auto wide = QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                          QFileDevice::ReadGroup | QFileDevice::ReadOther;
        QVERIFY(QFile::setPermissions(secrets, wide));
        QVERIFY(QFile::setPermissions(stranger, wide));

        const Run r = run({u"provider"_s, u"list"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(modeOf(secrets), owner(false));
        QVERIFY2(r.err.contains(u"secrets.json was open to other users (mode 0644); it is "
                                u"private now (0600)"_s),
                 qPrintable(r.err));
        QCOMPARE(modeOf(stranger), wide); // someone else's business
    }
};

QTEST_GUILESS_MAIN(TestFileModes)
#include "tst_filemodes.moc"
