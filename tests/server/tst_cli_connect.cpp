// `qwen-proxy connect <client>` as a user runs it: the real binary, HOME in a temporary
// directory holding the clients' own config files (issue 17 §4).
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {
QString binary()
{
    return QStringLiteral(QP_BINARY_DIR "/src/cli/qwen-proxy");
}
struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};
QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}
} // namespace

class TestCliConnect : public QObject
{
    Q_OBJECT
    QTemporaryDir m_home;

    Run run(const QStringList &args, const QStringList &env = {})
    {
        QProcessEnvironment e;
        e.insert(u"LANG"_s, u"C.UTF-8"_s);
        e.insert(u"HOME"_s, m_home.path());
        e.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        for (const QString &kv : env)
            e.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
        QProcess p;
        p.setProcessEnvironment(e);
        p.start(binary(), QStringList{u"connect"_s} + args +
                              QStringList{u"--data-dir"_s, m_home.filePath(u"data"_s)});
        Run r;
        if (!p.waitForFinished(30000))
            return r;
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }
    QString home(const QString &rel) const { return m_home.filePath(rel); }
    QStringList backupsOf(const QString &path) const
    {
        const QFileInfo fi(path);
        return fi.absoluteDir().entryList({fi.fileName() + u".qwen-proxy-backup-*"_s},
                                          QDir::Files | QDir::Hidden, QDir::Name);
    }
    void writeFile(const QString &path, const QByteArray &bytes)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_home.isValid()); }

    void listsEveryClient()
    {
        const Run r = run({}, {u"PORT=9911"_s});
        QCOMPARE(r.exitCode, 0);
        for (const char *id :
             {"claude-code", "codex", "qwen-code", "opencode", "openai-sdk", "anthropic-sdk"})
            QVERIFY2(r.out.contains(u"qwen-proxy connect "_s + QLatin1String(id)),
                     qPrintable(r.out));
        // The base URLs come from the settings, as `serve` would print them.
        QVERIFY(r.out.contains(u"\"ANTHROPIC_BASE_URL\": \"http://127.0.0.1:9911\""_s));
        QVERIFY(r.out.contains(u"base_url = \"http://127.0.0.1:9911/v1\""_s));
        QVERIFY(r.out.contains(u"export OPENAI_BASE_URL=http://127.0.0.1:9911/v1"_s));
        QVERIFY(!QFile::exists(home(u".claude/settings.json"_s))); // listing writes nothing
    }

    void dryRunWritesNothing()
    {
        const Run r = run({u"opencode"_s, u"--dry-run"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(u"\"baseURL\": \"http://127.0.0.1:8765/v1\""_s), qPrintable(r.out));
        QVERIFY(
            r.out.contains(QDir::toNativeSeparators(home(u".config/opencode/opencode.json"_s))));
        QVERIFY(r.out.contains(u"nothing was written"_s));
        QVERIFY(!QFile::exists(home(u".config/opencode/opencode.json"_s)));
        QVERIFY(!QDir(home(u".config/opencode"_s)).exists());
    }

    void writesKeepsAndRestores()
    {
        const QString path = home(u".claude/settings.json"_s);
        const QByteArray original = "{\n  \"permissions\": {\"allow\": [\"Bash(git diff:*)\"]},\n"
                                    "  \"env\": {\"DISABLE_TELEMETRY\": \"1\"},\n"
                                    "  \"model\": \"opus\"\n}\n";
        writeFile(path, original);

        Run r = run({u"claude-code"_s}, {u"DEFAULT_MODEL=qwen3.6-plus"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(u"Wrote "_s), qPrintable(r.out + r.err));
        const QJsonObject o = QJsonDocument::fromJson(readAll(path)).object();
        const QJsonObject env = o.value(u"env"_s).toObject();
        QCOMPARE(env.value(u"ANTHROPIC_BASE_URL"_s).toString(), u"http://127.0.0.1:8765"_s);
        QCOMPARE(env.value(u"ANTHROPIC_AUTH_TOKEN"_s).toString(), u"qwen-proxy"_s);
        QCOMPARE(env.value(u"ANTHROPIC_MODEL"_s).toString(), u"qwen3.6-plus"_s);
        // The user's own settings survive.
        QCOMPARE(env.value(u"DISABLE_TELEMETRY"_s).toString(), u"1"_s);
        QCOMPARE(o.value(u"model"_s).toString(), u"opus"_s);
        QCOMPARE(o.value(u"permissions"_s).toObject().value(u"allow"_s).toVariant().toStringList(),
                 QStringList{u"Bash(git diff:*)"_s});

        const QStringList backups = backupsOf(path);
        QCOMPARE(backups.size(), 1);
        QVERIFY(r.out.contains(backups.first()));
        QCOMPARE(readAll(QFileInfo(path).dir().filePath(backups.first())), original);

        // The same again changes nothing and makes no second backup.
        r = run({u"claude-code"_s}, {u"DEFAULT_MODEL=qwen3.6-plus"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(u"nothing changed"_s));
        QCOMPARE(backupsOf(path).size(), 1);

        r = run({u"claude-code"_s, u"--restore"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(u"Restored "_s), qPrintable(r.out + r.err));
        QCOMPARE(readAll(path), original); // byte for byte
        QVERIFY(backupsOf(path).isEmpty());

        r = run({u"claude-code"_s, u"--restore"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(u"no backup"_s));
    }

    void codexTomlKeepsTheRest()
    {
        const QString path = home(u".codex/config.toml"_s);
        const QByteArray original = "model = \"gpt-5\"\napproval_policy = \"never\"\n\n"
                                    "[mcp_servers.docs]\ncommand = \"npx\"\n";
        writeFile(path, original);
        Run r = run({u"codex"_s});
        QCOMPARE(r.exitCode, 0);
        const QByteArray now = readAll(path);
        QVERIFY2(now.startsWith("model_provider = \"qwen-proxy\"\nmodel = \"qwen3-coder-plus\"\n"
                                "approval_policy = \"never\"\n\n[mcp_servers.docs]\n"
                                "command = \"npx\"\n\n[model_providers.qwen-proxy]\n"),
                 now.constData());
        QVERIFY(now.contains("wire_api = \"responses\"\n"));
        r = run({u"codex"_s, u"--restore"_s});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(readAll(path), original);
    }

    void newFileRestoreRemovesIt()
    {
        const QString path = home(u".qwen/settings.json"_s);
        QVERIFY(!QFile::exists(path));
        Run r = run({u"qwen-code"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(QFile::exists(path));
        r = run({u"qwen-code"_s, u"--restore"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(u"did not exist before"_s));
        QVERIFY(!QFile::exists(path));
    }

    // opencode reads comments; rewriting the file would lose them. Refused, untouched, and the
    // settings to paste are printed. A file broken even with comments allowed says where.
    void jsoncConfigIsRefusedWithWhatToPaste()
    {
        const QString path = home(u".config/opencode/opencode.jsonc"_s);
        const QByteArray mine = "{\n  // my comment\n  \"theme\": \"x\",\n}\n";
        writeFile(path, mine);
        for (const bool dry : {true, false}) {
            const Run r =
                run(dry ? QStringList{u"opencode"_s, u"--dry-run"_s} : QStringList{u"opencode"_s});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains(QDir::toNativeSeparators(path)), qPrintable(r.err));
            QVERIFY(r.err.contains(u"comments or trailing commas, which opencode reads"_s));
            QVERIFY(r.err.contains(u"paste the settings into it by hand"_s));
            QVERIFY(r.err.contains(u"left as it is"_s));
            QVERIFY2(r.out.contains(u"\"baseURL\": \"http://127.0.0.1:8765/v1\""_s),
                     qPrintable(r.out));
            QCOMPARE(readAll(path), mine);
            QVERIFY(backupsOf(path).isEmpty());
        }
        QFile::remove(path);

        const QString json = home(u".config/opencode/opencode.json"_s);
        const QByteArray broken = "{\n  // my comment\n  \"theme\": \n}\n";
        writeFile(json, broken);
        const Run r = run({u"opencode"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"not valid JSON"_s), qPrintable(r.err));
        QVERIFY(r.err.contains(u"line 4"_s));
        QCOMPARE(readAll(json), broken);
        QVERIFY(backupsOf(json).isEmpty());
        QFile::remove(json);
    }

    // CODEX_HOME, CLAUDE_CONFIG_DIR, QWEN_HOME and XDG_CONFIG_HOME move the files: shown, written
    // and restored where each client reads them, and nothing appears under the default paths.
    void followsTheClientsVariables()
    {
        QTemporaryDir other, freshHome; // a home of its own: nothing of the other tests in it
        QVERIFY(QDir().mkpath(other.filePath(u"codex"_s)));
        const QStringList env{u"HOME="_s + freshHome.path(),
                              u"CODEX_HOME="_s + other.filePath(u"codex"_s),
                              u"CLAUDE_CONFIG_DIR="_s + other.filePath(u"claude"_s),
                              u"QWEN_HOME="_s + other.filePath(u"qwen"_s),
                              u"XDG_CONFIG_HOME="_s + other.filePath(u"xdg"_s)};
        Run r = run({}, env);
        QCOMPARE(r.exitCode, 0);
        for (const QString &file : {u"codex/config.toml"_s, u"claude/settings.json"_s,
                                    u"qwen/settings.json"_s, u"xdg/opencode/opencode.json"_s})
            QVERIFY2(r.out.contains(QDir::toNativeSeparators(other.filePath(file))),
                     qPrintable(file + u"\n"_s + r.out));
        QVERIFY(r.out.contains(u"(the folder $CODEX_HOME names)"_s));

        for (const auto &[id, file] : {std::pair{u"codex"_s, u"codex/config.toml"_s},
                                       std::pair{u"claude-code"_s, u"claude/settings.json"_s},
                                       std::pair{u"qwen-code"_s, u"qwen/settings.json"_s},
                                       std::pair{u"opencode"_s, u"xdg/opencode/opencode.json"_s}}) {
            r = run({id}, env);
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(QFile::exists(other.filePath(file)), qPrintable(r.out + r.err));
            QVERIFY(r.out.contains(QDir::toNativeSeparators(other.filePath(file))));
        }
        QCOMPARE(QDir(freshHome.path())
                     .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList());

        r = run({u"codex"_s, u"--restore"_s}, env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(!QFile::exists(other.filePath(u"codex/config.toml"_s)));
    }

    void sdkIsShowOnly()
    {
        const Run r = run({u"anthropic-sdk"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(u"export ANTHROPIC_BASE_URL=http://127.0.0.1:8765\n"_s));
        QVERIFY(r.out.contains(u"export ANTHROPIC_API_KEY=qwen-proxy\n"_s));
    }

    void usageErrors()
    {
        Run r = run({u"vim"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(u"unknown client 'vim'"_s));
        QVERIFY(r.err.contains(u"claude-code"_s));
        r = run({u"--restore"_s});
        QCOMPARE(r.exitCode, 2);
        r = run({u"codex"_s, u"--force"_s});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliConnect)
#include "tst_cli_connect.moc"
