// The Clients page (issue 17 §4) against a real Engine: the snippet carries the port the engine
// serves on, Copy fills the clipboard, "Write to" asks first (naming the file and its backup) and
// merges into the user's file, "Restore backup" puts the original back byte for byte, a malformed
// file is refused and left alone. HOME is a temporary directory.
#include "clientspage.h"
#include "engine.h"
#include "engineclient.h"
#include "mainwindow.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace qp;

namespace {
QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}
} // namespace

class TestClientsPage : public QObject
{
    Q_OBJECT
    QTemporaryDir m_home;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<MainWindow> m_window;
    QStringList m_questions;
    bool m_answer = true;

    ClientsPage *page() const { return m_window->clientsPage(); }
    void writeFile(const QString &path, const QByteArray &bytes)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // The page finds the clients' files under the user's home, as in the app.
        qputenv("HOME", m_home.path().toUtf8());
        // Codex's own variable moves its folder; the page follows it, as `qwen-proxy connect`.
        qputenv("CODEX_HOME", m_home.filePath(u"codex-home"_s).toUtf8());
        Engine::Options o;
        o.runtime.dataDir = m_home.filePath(u"data"_s);
        o.runtime.env = QProcessEnvironment();
        o.runtime.env.insert(u"PORT"_s, u"0"_s);
        o.runtime.env.insert(u"QP_SECRET_STORE"_s, u"memory"_s);
        o.runtime.env.insert(u"QWEN_CODE_AUTH_USE"_s, u"false"_s);
        o.runtime.env.insert(u"DEFAULT_MODEL"_s, u"qwen3.6-plus"_s);
        m_engine = std::make_unique<Engine>(std::move(o));
        m_window = std::make_unique<MainWindow>(*m_engine);
        page()->setConfirmer([this](QWidget *, const QString &, const QString &text) {
            m_questions << text;
            return m_answer;
        });
        m_engine->start();
        QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Serving, 20000);
        m_window->showPage(MainWindow::Clients);
        QCOMPARE(m_window->currentPage(), MainWindow::Clients);
        QCOMPARE(page()->homeDir(), QDir::homePath());
    }

    void snippetFollowsTheEngine()
    {
        page()->selectClient(u"claude-code"_s);
        const QString port = QString::number(m_engine->endpoints().port);
        QVERIFY(m_engine->endpoints().port != 0);
        QVERIFY2(page()->snippetText().contains(
                     u"\"ANTHROPIC_BASE_URL\": \"http://127.0.0.1:%1\""_s.arg(port)),
                 qPrintable(page()->snippetText()));
        QVERIFY(page()->snippetText().contains(u"\"ANTHROPIC_MODEL\": \"qwen3.6-plus\""_s));
        QVERIFY(page()->shellText().contains(
            u"export ANTHROPIC_BASE_URL=http://127.0.0.1:%1\n"_s.arg(port)));
        page()->copyShellButton()->click();
        QCOMPARE(QApplication::clipboard()->text(), page()->shellText());
        page()->selectClient(u"opencode"_s);
        QVERIFY(page()->shellText().isEmpty()); // opencode has no environment-only form
        page()->selectClient(u"openai-sdk"_s);
        QVERIFY(page()->snippetText().contains(
            u"export OPENAI_BASE_URL=http://127.0.0.1:%1/v1"_s.arg(port)));
        QVERIFY(!page()->writeButton()->isVisibleTo(page())); // nothing to write for an SDK
        QVERIFY(!page()->restoreButton()->isVisibleTo(page()));

        page()->copyButton()->click();
        QCOMPARE(QApplication::clipboard()->text(), page()->snippetText());
    }

    void writeAsksFirstThenMergesAndRestores()
    {
        page()->selectClient(u"claude-code"_s);
        const QString path = m_home.filePath(u".claude/settings.json"_s);
        QCOMPARE(page()->configPath(), path);
        const QByteArray original =
            "{\"theme\": \"dark\", \"env\": {\"DISABLE_TELEMETRY\": \"1\"}}";
        writeFile(path, original);
        QVERIFY(page()->writeButton()->isVisibleTo(page()));
        QVERIFY(page()->writeButton()->text().contains(u".claude"_s));

        // No: nothing happens.
        m_answer = false;
        m_questions.clear();
        page()->writeButton()->click();
        QCOMPARE(m_questions.size(), 1);
        QVERIFY2(m_questions.first().contains(QDir::toNativeSeparators(path)),
                 qPrintable(m_questions.first()));
        QVERIFY(m_questions.first().contains(u"settings.json.qwen-proxy-backup-"_s));
        QCOMPARE(readAll(path), original);

        // Yes: merged, the user's settings kept, a backup next to it.
        m_answer = true;
        page()->writeButton()->click();
        QVERIFY2(page()->resultText().contains(u"Wrote"_s), qPrintable(page()->resultText()));
        const QJsonObject o = QJsonDocument::fromJson(readAll(path)).object();
        QCOMPARE(o.value(u"theme"_s).toString(), u"dark"_s);
        const QJsonObject env = o.value(u"env"_s).toObject();
        QCOMPARE(env.value(u"DISABLE_TELEMETRY"_s).toString(), u"1"_s);
        QCOMPARE(env.value(u"ANTHROPIC_BASE_URL"_s).toString(),
                 u"http://127.0.0.1:%1"_s.arg(m_engine->endpoints().port));
        const QStringList backups =
            QDir(m_home.filePath(u".claude"_s)).entryList({u"settings.json.qwen-proxy-backup-*"_s});
        QCOMPARE(backups.size(), 1);
        QVERIFY(page()->resultText().contains(backups.first()));
        QVERIFY(page()->restoreButton()->isVisibleTo(page()));

        page()->restoreButton()->click();
        QVERIFY2(page()->resultText().contains(u"Restored"_s), qPrintable(page()->resultText()));
        QCOMPARE(readAll(path), original);
        QVERIFY(!page()->restoreButton()->isVisibleTo(page()));
    }

    // Qwen Code reads comments and trailing commas; the page says to paste by hand, names the
    // file, and writes nothing.
    void jsoncFileIsRefusedWithWhatToDo()
    {
        page()->selectClient(u"qwen-code"_s);
        const QString path = m_home.filePath(u".qwen/settings.json"_s);
        const QByteArray mine = "{ \"ui\": { \"theme\": \"x\" }, }";
        writeFile(path, mine);
        page()->writeButton()->click();
        QVERIFY2(page()->resultText().contains(u"comments or trailing commas"_s),
                 qPrintable(page()->resultText()));
        QVERIFY(page()->resultText().contains(u"paste the settings into it by hand"_s));
        QVERIFY(page()->resultText().contains(QDir::toNativeSeparators(path)));
        QCOMPARE(readAll(path), mine);
        QVERIFY(!page()->restoreButton()->isVisibleTo(page()));

        const QByteArray broken = "{ \"ui\": { \"theme\": } }";
        writeFile(path, broken);
        page()->writeButton()->click();
        QVERIFY2(page()->resultText().contains(u"not valid JSON"_s),
                 qPrintable(page()->resultText()));
        QVERIFY(page()->resultText().contains(u"left as it is"_s));
        QCOMPARE(readAll(path), broken);
    }

    void newFileRestoreRemovesIt()
    {
        page()->selectClient(u"codex"_s);
        const QString path = m_home.filePath(u"codex-home/config.toml"_s);
        QCOMPARE(page()->configPath(), path);
        QVERIFY2(page()->locationText().contains(u"$CODEX_HOME"_s),
                 qPrintable(page()->locationText()));
        QVERIFY(!QFile::exists(path));
        m_questions.clear();
        page()->writeButton()->click();
        QVERIFY(m_questions.value(0).contains(u"does not exist yet"_s));
        QVERIFY(readAll(path).contains("base_url = \"http://127.0.0.1:"));
        page()->restoreButton()->click();
        QVERIFY(!QFile::exists(path));
        QVERIFY(page()->resultText().contains(u"Removed"_s));
        QVERIFY(!QFile::exists(m_home.filePath(u".codex"_s)));
    }

    // Another home (the screenshots' demo) does not follow the session's CODEX_HOME out of it.
    void anotherHomeLeavesTheSessionsVariables()
    {
        QTemporaryDir demo;
        page()->setHomeDir(demo.path());
        page()->selectClient(u"codex"_s);
        QCOMPARE(page()->configPath(), demo.filePath(u".codex/config.toml"_s));
        QVERIFY2(!page()->locationText().contains(u"CODEX_HOME"_s),
                 qPrintable(page()->locationText()));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        if (m_engine) {
            bool done = false;
            m_engine->shutdown(0, [&done] { done = true; });
            QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        }
    }
};

QTEST_MAIN(TestClientsPage)
#include "tst_clientspage.moc"
