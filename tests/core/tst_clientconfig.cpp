// Client settings (issue 17 §4): what is shown, how it merges into a user's own config, and
// backup / restore (clients/clientconfigwriter.h).
#include "clients/clientconfigwriter.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::clients;

namespace {
ClientEndpoints sample()
{
    return endpointsFor(u"127.0.0.1"_s, 8765, u"qwen3-coder-plus"_s, u"qwen3.6-flash"_s);
}
const ClientProfile &client(const char16_t *id)
{
    const ClientProfile *p = findClient(QStringView(id));
    Q_ASSERT(p);
    return *p;
}
QJsonObject parse(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}
QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}
void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}
QByteArray toml(const QByteArray &existing)
{
    auto r = ClientConfigWriter::merge(client(u"codex"), existing, sample());
    if (!r)
        qWarning() << r.error().message;
    return r ? r.value() : QByteArray("<refused>");
}
} // namespace

class TestClientConfig : public QObject
{
    Q_OBJECT private Q_SLOTS : void endpoints()
    {
        ClientEndpoints e = endpointsFor(u"0.0.0.0"_s, 9000, u"m"_s, {});
        QCOMPARE(e.openAIBaseUrl, u"http://127.0.0.1:9000/v1"_s);
        QCOMPARE(e.anthropicBaseUrl, u"http://127.0.0.1:9000"_s);
        QCOMPARE(e.smallModel, u"m"_s); // no small model configured: the main one
        QCOMPARE(e.apiKey, u"qwen-proxy"_s);
        e = endpointsFor(u"::1"_s, 8765, u"m"_s, u"s"_s);
        QCOMPARE(e.openAIBaseUrl, u"http://[::1]:8765/v1"_s);
    }

    void claudeKeepsTheUsersSettings()
    {
        const QByteArray existing =
            "{\"env\": {\"DISABLE_TELEMETRY\": \"1\", \"ANTHROPIC_MODEL\": \"old\"},\n"
            "\"permissions\": {\"allow\": [\"Bash(ls:*)\"]}, \"theme\": \"dark\"}";
        auto r = ClientConfigWriter::merge(client(u"claude-code"), existing, sample());
        QVERIFY(r);
        const QJsonObject o = parse(r.value());
        const QJsonObject env = o.value(u"env"_s).toObject();
        QCOMPARE(env.value(u"ANTHROPIC_BASE_URL"_s).toString(), u"http://127.0.0.1:8765"_s);
        QCOMPARE(env.value(u"ANTHROPIC_AUTH_TOKEN"_s).toString(), u"qwen-proxy"_s);
        QCOMPARE(env.value(u"ANTHROPIC_MODEL"_s).toString(), u"qwen3-coder-plus"_s);
        QCOMPARE(env.value(u"ANTHROPIC_DEFAULT_HAIKU_MODEL"_s).toString(), u"qwen3.6-flash"_s);
        QCOMPARE(env.value(u"ANTHROPIC_SMALL_FAST_MODEL"_s).toString(), u"qwen3.6-flash"_s);
        QCOMPARE(env.value(u"DISABLE_TELEMETRY"_s).toString(), u"1"_s);
        QCOMPARE(o.value(u"theme"_s).toString(), u"dark"_s);
        QCOMPARE(o.value(u"permissions"_s).toObject().value(u"allow"_s).toArray().size(), 1);
    }

    void jsonRefusals_data()
    {
        QTest::addColumn<QByteArray>("existing");
        QTest::addColumn<QString>("why");
        QTest::newRow("broken") << QByteArray("{\"env\": {") << u"not valid JSON"_s;
        QTest::newRow("comments") << QByteArray("{\n  // mine\n  \"a\": 1\n}") << u"line 2"_s;
        QTest::newRow("array") << QByteArray("[1]") << u"JSON object"_s;
        QTest::newRow("env not an object") << QByteArray("{\"env\": \"x\"}") << u"\"env\""_s;
    }
    void jsonRefusals()
    {
        QFETCH(QByteArray, existing);
        QFETCH(QString, why);
        auto r = ClientConfigWriter::merge(client(u"claude-code"), existing, sample());
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(why), qPrintable(r.error().message));
    }

    void qwenCode()
    {
        const QByteArray existing =
            "{\"$version\": 3, \"ui\": {\"theme\": \"GitHub\"},\n"
            "\"modelProviders\": {\"openai\": [\n"
            "{\"id\": \"gpt-4o\", \"baseUrl\": \"https://api.openai.com/v1\", \"envKey\": "
            "\"OPENAI_API_KEY\"},\n"
            "{\"id\": \"stale\", \"baseUrl\": \"http://127.0.0.1:8765/v1\", \"envKey\": \"X\"}]}}";
        auto r = ClientConfigWriter::merge(client(u"qwen-code"), existing, sample());
        QVERIFY(r);
        const QJsonObject o = parse(r.value());
        const QJsonArray list =
            o.value(u"modelProviders"_s).toObject().value(u"openai"_s).toArray();
        QCOMPARE(list.size(), 3); // ours (two models) first, the user's OpenAI entry kept
        QCOMPARE(list.at(0).toObject().value(u"id"_s).toString(), u"qwen3-coder-plus"_s);
        QCOMPARE(list.at(0).toObject().value(u"baseUrl"_s).toString(),
                 u"http://127.0.0.1:8765/v1"_s);
        QCOMPARE(list.at(0).toObject().value(u"envKey"_s).toString(), u"QWEN_PROXY_API_KEY"_s);
        QCOMPARE(list.at(1).toObject().value(u"id"_s).toString(), u"qwen3.6-flash"_s);
        QCOMPARE(list.at(2).toObject().value(u"id"_s).toString(), u"gpt-4o"_s);
        QCOMPARE(o.value(u"env"_s).toObject().value(u"QWEN_PROXY_API_KEY"_s).toString(),
                 u"qwen-proxy"_s);
        QCOMPARE(o.value(u"security"_s)
                     .toObject()
                     .value(u"auth"_s)
                     .toObject()
                     .value(u"selectedType"_s)
                     .toString(),
                 u"openai"_s);
        QCOMPARE(o.value(u"model"_s).toObject().value(u"name"_s).toString(), u"qwen3-coder-plus"_s);
        QCOMPARE(o.value(u"$version"_s).toInt(), 3);
        QCOMPARE(o.value(u"ui"_s).toObject().value(u"theme"_s).toString(), u"GitHub"_s);
    }

    void opencode()
    {
        const QByteArray existing =
            "{\"$schema\": \"https://opencode.ai/config.json\", \"theme\": \"tokyonight\",\n"
            "\"provider\": {\"ollama\": {\"npm\": \"@ai-sdk/openai-compatible\"}}}";
        auto r = ClientConfigWriter::merge(client(u"opencode"), existing, sample());
        QVERIFY(r);
        const QJsonObject o = parse(r.value());
        const QJsonObject providers = o.value(u"provider"_s).toObject();
        QVERIFY(providers.contains(u"ollama"_s));
        const QJsonObject ours = providers.value(u"qwen-proxy"_s).toObject();
        QCOMPARE(ours.value(u"npm"_s).toString(), u"@ai-sdk/openai-compatible"_s);
        QCOMPARE(ours.value(u"options"_s).toObject().value(u"baseURL"_s).toString(),
                 u"http://127.0.0.1:8765/v1"_s);
        QCOMPARE(ours.value(u"options"_s).toObject().value(u"apiKey"_s).toString(),
                 u"qwen-proxy"_s);
        QVERIFY(ours.value(u"models"_s).toObject().contains(u"qwen3-coder-plus"_s));
        QCOMPARE(o.value(u"model"_s).toString(), u"qwen-proxy/qwen3-coder-plus"_s);
        QCOMPARE(o.value(u"small_model"_s).toString(), u"qwen-proxy/qwen3.6-flash"_s);
        QCOMPARE(o.value(u"theme"_s).toString(), u"tokyonight"_s);
    }

    void codexNewFile()
    {
        QCOMPARE(toml({}), QByteArray("model_provider = \"qwen-proxy\"\n"
                                      "model = \"qwen3-coder-plus\"\n"
                                      "\n"
                                      "[model_providers.qwen-proxy]\n"
                                      "name = \"Qwen Proxy\"\n"
                                      "base_url = \"http://127.0.0.1:8765/v1\"\n"
                                      "wire_api = \"responses\"\n"
                                      "experimental_bearer_token = \"qwen-proxy\"\n"));
        QCOMPARE(ClientConfigWriter::snippet(client(u"codex"), sample()),
                 QString::fromUtf8(toml({})));
    }

    void codexKeepsEverythingElse()
    {
        const QByteArray existing = "# my codex\n"
                                    "model = \"gpt-5\"   # was this\n"
                                    "approval_policy = \"on-request\"\n"
                                    "notify = [\n"
                                    "  \"notify-send\", # [not a table]\n"
                                    "  \"done\",\n"
                                    "]\n"
                                    "instructions = \"\"\"\n"
                                    "[model_providers.qwen-proxy]\n"
                                    "model = \"inside a string\"\n"
                                    "\"\"\"\n"
                                    "\n"
                                    "[model_providers.qwen-proxy]\n"
                                    "name = \"old\"\n"
                                    "base_url = \"http://127.0.0.1:1/v1\"\n"
                                    "\n"
                                    "# about mcp\n"
                                    "[mcp_servers.docs]\n"
                                    "command = 'npx'\n"
                                    "args = [\"-y\", \"x\"]\n"
                                    "[profiles.fast]\n"
                                    "model = \"o4-mini\"";
        const QByteArray expected = "model_provider = \"qwen-proxy\"\n"
                                    "# my codex\n"
                                    "model = \"qwen3-coder-plus\"\n"
                                    "approval_policy = \"on-request\"\n"
                                    "notify = [\n"
                                    "  \"notify-send\", # [not a table]\n"
                                    "  \"done\",\n"
                                    "]\n"
                                    "instructions = \"\"\"\n"
                                    "[model_providers.qwen-proxy]\n"
                                    "model = \"inside a string\"\n"
                                    "\"\"\"\n"
                                    "\n"
                                    "[model_providers.qwen-proxy]\n"
                                    "name = \"Qwen Proxy\"\n"
                                    "base_url = \"http://127.0.0.1:8765/v1\"\n"
                                    "wire_api = \"responses\"\n"
                                    "experimental_bearer_token = \"qwen-proxy\"\n"
                                    "\n"
                                    "# about mcp\n"
                                    "[mcp_servers.docs]\n"
                                    "command = 'npx'\n"
                                    "args = [\"-y\", \"x\"]\n"
                                    "[profiles.fast]\n"
                                    "model = \"o4-mini\"";
        QCOMPARE(toml(existing), expected);
        // A second write changes nothing.
        QCOMPARE(toml(expected), expected);
    }

    void codexAppendsAndKeepsCrlf()
    {
        const QByteArray existing =
            "model_provider = \"openai\"\r\n[tui]\r\nnotifications = true\r\n";
        QCOMPARE(toml(existing), QByteArray("model = \"qwen3-coder-plus\"\r\n"
                                            "model_provider = \"qwen-proxy\"\r\n"
                                            "[tui]\r\n"
                                            "notifications = true\r\n"
                                            "\r\n"
                                            "[model_providers.qwen-proxy]\r\n"
                                            "name = \"Qwen Proxy\"\r\n"
                                            "base_url = \"http://127.0.0.1:8765/v1\"\r\n"
                                            "wire_api = \"responses\"\r\n"
                                            "experimental_bearer_token = \"qwen-proxy\"\r\n"));
    }

    void codexRefusals_data()
    {
        QTest::addColumn<QByteArray>("existing");
        QTest::addColumn<QString>("why");
        QTest::newRow("garbage") << QByteArray("model = \"a\"\nthis is not toml\n") << u"line 2"_s;
        QTest::newRow("open array") << QByteArray("x = [1,\n") << u"never closed"_s;
        QTest::newRow("open string") << QByteArray("x = \"abc\n") << u"unterminated"_s;
        QTest::newRow("bad header") << QByteArray("[tui\nx = 1\n") << u"table header"_s;
        QTest::newRow("twice") << QByteArray("[model_providers.qwen-proxy]\n[model_providers."
                                             "\"qwen-proxy\"]\n")
                               << u"twice"_s;
        QTest::newRow("not utf-8") << QByteArray("x = \"\xff\"\n") << u"UTF-8"_s;
    }
    void codexRefusals()
    {
        QFETCH(QByteArray, existing);
        QFETCH(QString, why);
        auto r = ClientConfigWriter::merge(client(u"codex"), existing, sample());
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(why), qPrintable(r.error().message));
    }

    void sdkSnippets()
    {
        const QString openai = ClientConfigWriter::snippet(client(u"openai-sdk"), sample());
        QVERIFY(openai.contains(u"export OPENAI_BASE_URL=http://127.0.0.1:8765/v1\n"_s));
        QVERIFY(openai.contains(u"export OPENAI_API_KEY=qwen-proxy\n"_s));
        const QString anthropic = ClientConfigWriter::snippet(client(u"anthropic-sdk"), sample());
        QVERIFY(anthropic.contains(u"export ANTHROPIC_BASE_URL=http://127.0.0.1:8765\n"_s));
        QVERIFY(anthropic.contains(u"export ANTHROPIC_API_KEY=qwen-proxy\n"_s));
        QVERIFY(!ClientConfigWriter::merge(client(u"openai-sdk"), {}, sample()));
    }

    void writeBackupRestore()
    {
        QTemporaryDir home;
        ClientConfigWriter w(home.path());
        const ClientProfile &c = client(u"claude-code");
        const QString path = home.filePath(u".claude/settings.json"_s);
        QCOMPARE(w.configPath(c), path);
        const QByteArray original = "{\n    \"model\": \"opus\"\n}\n";
        writeFile(path, original);
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        const QFile::Permissions privateFile = QFile::permissions(path);

        const QDateTime t0 = QDateTime(QDate(2026, 12, 7), QTime(11, 30, 0), QTimeZone::utc());
        auto r = w.write(c, sample(), t0);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QVERIFY(r->changed);
        QCOMPARE(r->backupPath, path + u".qwen-proxy-backup-20261207T113000Z"_s);
        QCOMPARE(readAll(r->backupPath), original);
        QCOMPARE(QFile::permissions(r->backupPath), privateFile); // a file with keys stays private
        QCOMPARE(QFile::permissions(path), privateFile);
        QCOMPARE(parse(readAll(path)).value(u"model"_s).toString(), u"opus"_s);

        // Unchanged settings: no write, no backup. Changed ones in the same second: a new backup.
        auto again = w.write(c, sample(), t0);
        QVERIFY(again && !again->changed);
        QCOMPARE(w.backups(c).size(), 1);
        ClientEndpoints other = sample();
        other.model = u"qwen3.6-plus"_s;
        auto second = w.write(c, other, t0);
        QVERIFY(second && second->changed);
        QCOMPARE(second->backupPath, path + u".qwen-proxy-backup-20261207T113000Z-1"_s);
        QCOMPARE(w.backups(c), QStringList({second->backupPath, r->backupPath})); // newest first

        // Restore walks back: first to our first write, then to the original, byte for byte.
        auto back = w.restore(c);
        QVERIFY(back);
        QCOMPARE(back->backupPath, second->backupPath);
        QCOMPARE(parse(readAll(path)).value(u"env"_s).toObject().value(u"ANTHROPIC_MODEL"_s),
                 u"qwen3-coder-plus"_s);
        QVERIFY(w.restore(c));
        QCOMPARE(readAll(path), original);
        QVERIFY(w.backups(c).isEmpty());
        auto none = w.restore(c);
        QVERIFY(!none);
        QVERIFY(none.error().message.contains(u"no backup"_s));
    }

    void restoreRemovesAFileWeCreated()
    {
        QTemporaryDir home;
        ClientConfigWriter w(home.path());
        const ClientProfile &c = client(u"codex");
        auto r = w.write(c, sample());
        QVERIFY(r && r->changed);
        QVERIFY(r->backupPath.endsWith(u".absent"_s));
        QVERIFY(QFile::exists(w.configPath(c)));
        auto back = w.restore(c);
        QVERIFY(back && back->removed);
        QVERIFY(!QFile::exists(w.configPath(c)));
        QVERIFY(w.backups(c).isEmpty());
    }

    // Each client's own variable moves its config directory (docs/clients.md has the sources);
    // an empty value counts as unset, as it does for every client here.
    void locationsFollowTheClientsVariables()
    {
        QTemporaryDir home, elsewhere;
        const QString home_ = home.path(), other = elsewhere.path();
        ClientConfigWriter defaults(home_);
        QCOMPARE(defaults.configPath(client(u"claude-code")), home_ + u"/.claude/settings.json"_s);
        QCOMPARE(defaults.configPath(client(u"codex")), home_ + u"/.codex/config.toml"_s);
        QCOMPARE(defaults.configPath(client(u"qwen-code")), home_ + u"/.qwen/settings.json"_s);
        QCOMPARE(defaults.configPath(client(u"opencode")),
                 home_ + u"/.config/opencode/opencode.json"_s);
        QVERIFY(defaults.variableInEffect(client(u"codex")).isEmpty());
        QVERIFY(defaults.configPath(client(u"openai-sdk")).isEmpty());

        QProcessEnvironment env;
        env.insert(u"CLAUDE_CONFIG_DIR"_s, other + u"/claude"_s);
        env.insert(u"CODEX_HOME"_s, other + u"/codex"_s);
        env.insert(u"QWEN_HOME"_s, u"~/qwen-elsewhere"_s); // Qwen Code expands a leading ~
        env.insert(u"XDG_CONFIG_HOME"_s, other + u"/xdg"_s);
        ClientConfigWriter moved(home_, env);
        QCOMPARE(moved.configPath(client(u"claude-code")), other + u"/claude/settings.json"_s);
        QCOMPARE(moved.configPath(client(u"codex")), other + u"/codex/config.toml"_s);
        QCOMPARE(moved.configPath(client(u"qwen-code")),
                 home_ + u"/qwen-elsewhere/settings.json"_s);
        QCOMPARE(moved.configPath(client(u"opencode")), other + u"/xdg/opencode/opencode.json"_s);
        QCOMPARE(moved.variableInEffect(client(u"codex")), u"CODEX_HOME"_s);
        QCOMPARE(moved.variableInEffect(client(u"opencode")), u"XDG_CONFIG_HOME"_s);

        // Written where the client reads, and backed up and restored there.
        auto r = moved.write(client(u"codex"), sample());
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QCOMPARE(r->path, other + u"/codex/config.toml"_s);
        QVERIFY(QFile::exists(r->path));
        QVERIFY(!QFile::exists(home_ + u"/.codex/config.toml"_s));
        QCOMPARE(moved.backups(client(u"codex")).size(), 1);
        QVERIFY(moved.restore(client(u"codex")));
        QVERIFY(!QFile::exists(r->path));

        // Empty means unset; a relative value is relative to the current directory, as it is for
        // the client started from here.
        QProcessEnvironment relative;
        relative.insert(u"CODEX_HOME"_s, u"rel/codex"_s);
        relative.insert(u"CLAUDE_CONFIG_DIR"_s, QString());
        ClientConfigWriter rel(home_, relative);
        QCOMPARE(rel.configPath(client(u"codex")),
                 QDir::current().absoluteFilePath(u"rel/codex/config.toml"_s));
        QCOMPARE(rel.configPath(client(u"claude-code")), home_ + u"/.claude/settings.json"_s);
        QVERIFY(rel.variableInEffect(client(u"claude-code")).isEmpty());
    }

    // opencode reads opencode.json and opencode.jsonc (the latter last, so it wins): an existing
    // file is the one edited, opencode.jsonc before opencode.json; with neither, opencode.json.
    void opencodeEditsTheFileThatExists()
    {
        QTemporaryDir home;
        ClientConfigWriter w(home.path());
        const ClientProfile &c = client(u"opencode");
        const QString json = home.filePath(u".config/opencode/opencode.json"_s);
        const QString jsonc = home.filePath(u".config/opencode/opencode.jsonc"_s);
        QCOMPARE(w.configPath(c), json);
        writeFile(jsonc, "{\"theme\": \"dark\"}");
        QCOMPARE(w.configPath(c), jsonc);
        writeFile(json, "{}");
        QCOMPARE(w.configPath(c), jsonc);
        auto r = w.write(c, sample());
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QCOMPARE(r->path, jsonc);
        QCOMPARE(parse(readAll(jsonc)).value(u"theme"_s).toString(), u"dark"_s);
        QCOMPARE(readAll(json), QByteArray("{}"));
    }

    // JSON with comments or trailing commas, which opencode and Qwen Code read: refused with a
    // message that says so and what to do, and the file is not touched. A file that is broken
    // even as JSONC, and any such file for Claude Code, gets the parser's position instead.
    void jsoncIsRefusedAndExplained_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QByteArray>("existing");
        QTest::addColumn<QString>("why");
        const QString jsonc = u"comments or trailing commas, which %1 reads"_s;
        QTest::newRow("opencode comment")
            << u"opencode"_s << QByteArray("{\n  // mine\n  \"theme\": \"x\"\n}\n")
            << jsonc.arg(u"opencode"_s);
        QTest::newRow("opencode block comment and trailing comma")
            << u"opencode"_s
            << QByteArray("{ /* a, */ \"$schema\": \"https://opencode.ai/config.json\",\n"
                          "  \"x\": [1, 2,], }")
            << jsonc.arg(u"opencode"_s);
        QTest::newRow("qwen-code trailing comma")
            << u"qwen-code"_s << QByteArray("{\"model\": {\"name\": \"a\",},}")
            << jsonc.arg(u"Qwen Code"_s);
        QTest::newRow("opencode broken")
            << u"opencode"_s << QByteArray("{\n  // mine\n  \"theme\": \n}") << u"line 4"_s;
        QTest::newRow("comment marks in a string are text")
            << u"opencode"_s << QByteArray("{\"a\": \"// text, not a comment\", \"b\": 1,}")
            << jsonc.arg(u"opencode"_s);
        QTest::newRow("claude-code comment")
            << u"claude-code"_s << QByteArray("{\n  // mine\n  \"a\": 1\n}") << u"line 2"_s;
    }
    void jsoncIsRefusedAndExplained()
    {
        QFETCH(QString, id);
        QFETCH(QByteArray, existing);
        QFETCH(QString, why);
        QTemporaryDir home;
        ClientConfigWriter w(home.path());
        const ClientProfile &c = *findClient(id);
        writeFile(w.configPath(c), existing);
        auto r = w.write(c, sample());
        QVERIFY(!r);
        const QString message = r.error().message;
        QVERIFY2(message.contains(why), qPrintable(message));
        QVERIFY2(message.contains(w.configPath(c)), qPrintable(message));
        if (why.startsWith(u"comments"_s))
            QVERIFY(message.contains(u"paste the settings into it by hand"_s));
        QCOMPARE(readAll(w.configPath(c)), existing);
        QVERIFY(w.backups(c).isEmpty());
    }

    void malformedFileIsLeftAlone()
    {
        QTemporaryDir home;
        ClientConfigWriter w(home.path());
        const ClientProfile &c = client(u"opencode");
        const QByteArray broken = "{ \"theme\": \"x\", }\n";
        writeFile(w.configPath(c), broken);
        auto r = w.write(c, sample());
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(w.configPath(c)), qPrintable(r.error().message));
        QVERIFY(r.error().message.contains(u"left as it is"_s));
        QCOMPARE(readAll(w.configPath(c)), broken);
        QVERIFY(w.backups(c).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestClientConfig)
#include "tst_clientconfig.moc"
