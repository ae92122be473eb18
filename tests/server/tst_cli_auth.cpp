// `qwen-proxy auth ...` end to end: the real built binary, run with QProcess against the in-process
// fake OAuth server, with HOME, QWEN_HOME and the data dir in temporary folders and the file secret
// store, so the test never touches the user's keychain or ~/.qwen.
#include "accounts/account.h"
#include "accounts/accountstore.h"
#include "auth/terminalqr.h"
#include "secrets/filesecretstore.h"
#include "support/fakeoauthserver.h"
#include "usage/sqliteusagestore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

using namespace qp;
using namespace Qt::StringLiterals;
using qp::test::FakeOAuthServer;

namespace {

// Tokens the fake hands out or the import files hold: none may ever reach the console.
const QStringList kSecrets{u"at-cli-SECRET"_s, u"rt-cli-SECRET"_s, u"at-file-SECRET"_s,
                           u"rt-file-SECRET"_s};

struct Run {
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QString out;
    QString err;
};

QByteArray credsJson(const QString &suffix, qint64 expiryMs)
{
    return QJsonDocument(QJsonObject{{u"access_token"_s, QString(u"at-file-SECRET"_s + suffix)},
                                     {u"refresh_token"_s, QString(u"rt-file-SECRET"_s + suffix)},
                                     {u"token_type"_s, u"Bearer"_s},
                                     {u"resource_url"_s, u"portal.qwen.ai"_s},
                                     {u"expiry_date"_s, double(expiryMs)}})
        .toJson();
}

qint64 inOneHour()
{
    return QDateTime::currentMSecsSinceEpoch() + 3600 * 1000;
}

// The lines of the QR block: after the "scan this QR code" line, up to the countdown.
QString qrBlock(const QString &out)
{
    const QStringList lines = out.split(u'\n');
    QStringList block;
    bool inside = false;
    for (const QString &l : lines) {
        if (l.startsWith(u"Or scan this QR code")) {
            inside = true;
            continue;
        }
        if (inside && (l.startsWith(u"Waiting") || l.startsWith(u"Signed")))
            break;
        if (inside)
            block.append(l);
    }
    return block.isEmpty() ? QString() : block.join(u'\n') + u'\n';
}

// The `auth list` row of `id`, or an empty string.
QString listRow(const QString &listOut, const QString &id)
{
    const QRegularExpression re(u"^[ *]\\s+"_s + QRegularExpression::escape(id) + u"\\s.*$"_s,
                                QRegularExpression::MultilineOption);
    return re.match(listOut).captured(0);
}

} // namespace

class TestCliAuth : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeOAuthServer> m_fake;
    std::unique_ptr<QTemporaryDir> m_home;
    QString m_dataDir;
    QString m_qwenHome;
    QStringList m_allOutput; // every stdout/stderr seen, for the no-token check

    static QString binary() { return QStringLiteral(QP_BINARY_DIR "/src/cli/qwen-proxy"); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // Nothing from the developer's shell may leak in: settings, upstreams, displays (no
        // browser may open), XDG dirs (the data dir must follow HOME).
        for (const QString &k : env.keys())
            if (k.startsWith(u"QWEN_") || k.startsWith(u"QP_") || k.startsWith(u"OPENAI_") ||
                k.startsWith(u"HAIKU_") || k.startsWith(u"XDG_") || k == u"DISPLAY" ||
                k == u"WAYLAND_DISPLAY" || k == u"LOG_LEVEL" || k == u"DEBUG_LOG")
                env.remove(k);
        env.insert(u"HOME"_s, m_home->path());
        env.insert(u"QWEN_HOME"_s, m_qwenHome);
        env.insert(u"QP_SECRET_STORE"_s, u"file"_s);
        env.insert(u"QWEN_OAUTH_BASE_URL"_s, m_fake->baseUrl().toString());
        env.insert(u"QP_DEVICE_POLL_MS"_s, u"20"_s);
        return env;
    }

    void startProcess(QProcess &p, QStringList args)
    {
        args << u"--data-dir"_s << m_dataDir;
        p.setProcessEnvironment(environment());
        p.setProgram(binary());
        p.setArguments(args);
        p.start();
    }

    // Runs `qwen-proxy auth <args> --data-dir <tmp>` and keeps this event loop (and with it the
    // fake server) running while it does.
    Run runAuth(QStringList args)
    {
        QProcess p;
        QSignalSpy finished(&p, &QProcess::finished);
        startProcess(p, QStringList{u"auth"_s} + args);
        Run r;
        if (!p.waitForStarted(10000))
            return r;
        if (!finished.wait(60000)) {
            p.kill();
            p.waitForFinished();
            return r;
        }
        r.exitCode = p.exitCode();
        r.status = p.exitStatus();
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        m_allOutput << r.out << r.err;
        return r;
    }

    QString secretsPath() const { return QDir(m_dataDir).filePath(u"secrets.json"_s); }

    // The credentials JSON stored for `id`, or empty.
    QByteArray storedSecret(const QString &id) const
    {
        FileSecretStore store(secretsPath());
        auto r = store.readNow(Account::secretKey(id));
        return r ? r.value() : QByteArray();
    }

    void writeQwenFile(const QString &name, const QByteArray &content)
    {
        QFile f(QDir(m_qwenHome).filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(binary()).isExecutable(),
                 qPrintable(u"build the qwen-proxy target first: "_s + binary()));
    }

    void init()
    {
        m_fake = std::make_unique<FakeOAuthServer>();
        QVERIFY(m_fake->start());
        m_home = std::make_unique<QTemporaryDir>();
        QVERIFY(m_home->isValid());
        m_dataDir = m_home->filePath(u"data"_s);
        m_qwenHome = m_home->filePath(u"qwen"_s);
        QVERIFY(QDir().mkpath(m_qwenHome));
    }

    void cleanup()
    {
        for (const QString &text : std::as_const(m_allOutput))
            for (const QString &secret : kSecrets)
                QVERIFY2(!text.contains(secret), qPrintable(u"a token was printed: "_s + text));
        m_allOutput.clear();
        m_fake.reset();
        m_home.reset();
    }

    void addSucceedsAfterPending_data()
    {
        QTest::addColumn<bool>("noQr");
        QTest::newRow("with qr code") << false;
        QTest::newRow("no-qr") << true;
    }
    void addSucceedsAfterPending()
    {
        QFETCH(bool, noQr);
        m_fake->queuePending(2);
        m_fake->queue(FakeOAuthServer::success(u"at-cli-SECRET"_s, u"rt-cli-SECRET"_s));
        QStringList args{u"add"_s, u"work"_s, u"--no-browser"_s};
        if (noQr)
            args << u"--no-qr"_s;
        const Run r = runAuth(args);
        QCOMPARE(r.status, QProcess::NormalExit);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(m_fake->tokenRequests(), 3);

        const QString url = m_fake->lastVerificationUriComplete();
        QVERIFY2(r.out.contains(url), qPrintable(r.out));
        QVERIFY(r.out.contains(u"ABCD-1234"_s));
        QVERIFY(r.out.contains(u"Waiting for approval"_s)); // the countdown, as a plain line
        QVERIFY(!r.out.contains(u'\r'));                    // stdout is a pipe, not a terminal
        QVERIFY(r.out.contains(u"Signed in: account \"work\" stored (default account)."_s));
        const QString qr = qrBlock(r.out);
        if (noQr) {
            QVERIFY(qr.isEmpty());
            QVERIFY(!r.out.contains(u"\u2580"_s) && !r.out.contains(u"\u2584"_s) &&
                    !r.out.contains(u"\u2588"_s));
        } else {
            // The drawn code decodes to exactly the URL's QR matrix: a phone reads that URL.
            const terminalqr::Matrix drawn = terminalqr::parse(qr);
            const terminalqr::Matrix expected = terminalqr::encode(url);
            QVERIFY(expected.size > 0);
            QCOMPARE(drawn.size, expected.size);
            QCOMPARE(drawn.modules, expected.modules);
        }

        // Stored: the secret holds the fake's tokens, the file is private, the list shows it.
        QVERIFY(storedSecret(u"work"_s).contains("at-cli-SECRET"));
        QCOMPARE(QFile::permissions(secretsPath()) & 0x0077, QFileDevice::Permissions());
        const Run list = runAuth({u"list"_s});
        QCOMPARE(list.exitCode, 0);
        const QString row = listRow(list.out, u"work"_s);
        QVERIFY2(row.startsWith(u'*'), qPrintable(list.out));
        QVERIFY2(row.contains(u" healthy "_s), qPrintable(row));
    }

    void addExistingIdNeedsReplace()
    {
        m_fake->queue(FakeOAuthServer::success(u"at-cli-SECRET"_s, u"rt-cli-SECRET"_s));
        QCOMPARE(runAuth({u"add"_s, u"work"_s, u"--no-browser"_s, u"--no-qr"_s}).exitCode, 0);
        const Run again = runAuth({u"add"_s, u"work"_s, u"--no-browser"_s, u"--no-qr"_s});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(u"already exists"_s), qPrintable(again.err));
        QCOMPARE(m_fake->deviceCodeRequests(), 1); // refused before any login started

        m_fake->queue(FakeOAuthServer::success(u"at-cli-SECRET2"_s, u"rt-cli-SECRET2"_s));
        const Run replaced =
            runAuth({u"add"_s, u"work"_s, u"--replace"_s, u"--no-browser"_s, u"--no-qr"_s});
        QVERIFY2(replaced.exitCode == 0, qPrintable(replaced.err));
        QVERIFY(storedSecret(u"work"_s).contains("at-cli-SECRET2"));
    }

    void loginFailures_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("message");
        QTest::newRow("access_denied")
            << 400 << u"access_denied"_s << u"Authorization denied by user"_s;
        QTest::newRow("expired_token") << 400 << u"expired_token"_s << u"Device code expired"_s;
    }
    void loginFailures()
    {
        QFETCH(int, status);
        QFETCH(QString, error);
        QFETCH(QString, message);
        m_fake->queuePending(1);
        m_fake->queue(FakeOAuthServer::oauthError(status, error));
        const Run r = runAuth({u"add"_s, u"work"_s, u"--no-browser"_s, u"--no-qr"_s});
        QCOMPARE(r.status, QProcess::NormalExit);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(storedSecret(u"work"_s).isEmpty());
        const Run list = runAuth({u"list"_s});
        QVERIFY(listRow(list.out, u"work"_s).isEmpty());
        QVERIFY(list.out.contains(u"No accounts"_s));
    }

    void ctrlCCancelsAndLeavesNothing()
    {
        // The fake answers "pending" for ever: only the interrupt can end this login.
        QProcess p;
        QSignalSpy finished(&p, &QProcess::finished);
        startProcess(p, {u"auth"_s, u"add"_s, u"work"_s, u"--no-browser"_s, u"--no-qr"_s});
        QVERIFY(p.waitForStarted(10000));
        QString out;
        QTRY_VERIFY_WITH_TIMEOUT((out += QString::fromUtf8(p.readAllStandardOutput()))
                                     .contains(u"Waiting for approval"_s),
                                 20000);
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->tokenRequests() >= 1, 20000); // polling is under way
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(finished.wait(20000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit); // handled, not killed by the signal
        QCOMPARE(p.exitCode(), 1);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        m_allOutput << out << err;
        QVERIFY2(err.contains(u"Login cancelled; nothing was stored."_s), qPrintable(err));

        QVERIFY(storedSecret(u"work"_s).isEmpty());
        const Run list = runAuth({u"list"_s});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(list.out.contains(u"No accounts"_s));
    }

    void importBothLayouts_data()
    {
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QStringList>("ids");
        QTest::newRow("qwen-code oauth_creds.json")
            << QStringList{u"oauth_creds.json"_s} << QStringList{u"default"_s};
        QTest::newRow("proxy oauth_creds_work.json")
            << QStringList{u"oauth_creds_work.json"_s} << QStringList{u"work"_s};
        QTest::newRow("both") << QStringList{u"oauth_creds.json"_s, u"oauth_creds_work.json"_s}
                              << QStringList{u"default"_s, u"work"_s};
    }
    void importBothLayouts()
    {
        QFETCH(QStringList, files);
        QFETCH(QStringList, ids);
        for (qsizetype i = 0; i < files.size(); ++i)
            writeQwenFile(files.at(i), credsJson(QString::number(i), inOneHour()));

        const Run r = runAuth({u"import"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        for (qsizetype i = 0; i < files.size(); ++i) {
            QVERIFY2(r.out.contains(u"imported "_s), qPrintable(r.out));
            QVERIFY2(QRegularExpression(u"imported\\s+"_s +
                                        QRegularExpression::escape(files.at(i)) + u" -> "_s +
                                        ids.at(i))
                         .match(r.out)
                         .hasMatch(),
                     qPrintable(r.out));
            QVERIFY(storedSecret(ids.at(i)).contains(
                QByteArray(QByteArray("at-file-SECRET") + QByteArray::number(i))));
        }
        QVERIFY(r.out.contains(u"%1 imported"_s.arg(files.size())));

        const Run list = runAuth({u"list"_s});
        for (const QString &id : ids)
            QVERIFY2(listRow(list.out, id).contains(u" healthy "_s), qPrintable(list.out));

        // A second import keeps what is stored and says so; that is not a failure.
        const Run again = runAuth({u"import"_s});
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.out.contains(u"0 imported"_s));
    }

    void importReportsBadFilesAndEmptyDirs()
    {
        const Run empty = runAuth({u"import"_s});
        QCOMPARE(empty.exitCode, 1);
        QVERIFY(empty.err.contains(u"no oauth_creds.json"_s));

        writeQwenFile(u"oauth_creds_good.json"_s, credsJson(u"g"_s, inOneHour()));
        writeQwenFile(u"oauth_creds_bad.json"_s, "{ not json");
        const Run r = runAuth({u"import"_s});
        QCOMPARE(r.exitCode, 1); // one file could not be imported
        QVERIFY2(r.out.contains(u"oauth_creds_bad.json"_s), qPrintable(r.out));
        QVERIFY(r.out.contains(u"1 imported"_s));
        QVERIFY(!storedSecret(u"good"_s).isEmpty());
        QVERIFY(storedSecret(u"bad"_s).isEmpty());
    }

    void defaultAndRemove()
    {
        writeQwenFile(u"oauth_creds_a.json"_s, credsJson(u"a"_s, inOneHour()));
        writeQwenFile(u"oauth_creds_b.json"_s, credsJson(u"b"_s, inOneHour()));
        QCOMPARE(runAuth({u"import"_s}).exitCode, 0);
        QVERIFY(listRow(runAuth({u"list"_s}).out, u"a"_s).startsWith(u'*')); // first one

        const Run setDefault = runAuth({u"default"_s, u"b"_s});
        QCOMPARE(setDefault.exitCode, 0);
        Run list = runAuth({u"list"_s});
        QVERIFY2(listRow(list.out, u"b"_s).startsWith(u'*'), qPrintable(list.out));
        QVERIFY(!listRow(list.out, u"a"_s).startsWith(u'*'));

        const Run removed = runAuth({u"remove"_s, u"b"_s});
        QVERIFY2(removed.exitCode == 0, qPrintable(removed.err));
        QVERIFY(removed.out.contains(u"Default account: \"a\""_s));
        QVERIFY(storedSecret(u"b"_s).isEmpty()); // the tokens are gone from the 0600 file
        QVERIFY(!storedSecret(u"a"_s).isEmpty());
        QFile secrets(secretsPath());
        QVERIFY(secrets.open(QIODevice::ReadOnly));
        QVERIFY(!secrets.readAll().contains("account/b"));
        list = runAuth({u"list"_s});
        QVERIFY(listRow(list.out, u"b"_s).isEmpty());
        QVERIFY(listRow(list.out, u"a"_s).startsWith(u'*'));

        const Run missing = runAuth({u"remove"_s, u"b"_s});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains(u"No account"_s));
        QCOMPARE(runAuth({u"default"_s, u"nobody"_s}).exitCode, 1);
    }

    void disableAndEnable()
    {
        writeQwenFile(u"oauth_creds_a.json"_s, credsJson(u"a"_s, inOneHour()));
        QCOMPARE(runAuth({u"import"_s}).exitCode, 0);
        const Run off =
            runAuth({u"disable"_s, u"a"_s, u"--reason"_s, u"shared with a colleague"_s});
        QVERIFY2(off.exitCode == 0, qPrintable(off.err));
        QVERIFY(listRow(runAuth({u"list"_s}).out, u"a"_s).contains(u"disabled"_s));
        QVERIFY(runAuth({u"list"_s}).exitCode == 0);
        const Run on = runAuth({u"enable"_s, u"a"_s});
        QVERIFY2(on.exitCode == 0, qPrintable(on.err));
        QVERIFY(listRow(runAuth({u"list"_s}).out, u"a"_s).contains(u"healthy"_s));
        QCOMPARE(runAuth({u"disable"_s, u"nobody"_s}).exitCode, 1);
        QCOMPARE(runAuth({u"enable"_s}).exitCode, 2);
    }

    void countsShowTodayAndReset()
    {
        writeQwenFile(u"oauth_creds_work.json"_s, credsJson(u"w"_s, inOneHour()));
        writeQwenFile(u"oauth_creds_idle.json"_s, credsJson(u"i"_s, inOneHour()));
        QCOMPARE(runAuth({u"import"_s}).exitCode, 0);
        const QDate today = QDateTime::currentDateTimeUtc().date();
        {
            auto store =
                SqliteUsageStore::open(QDir(m_dataDir).filePath(AccountStore::defaultFileName()));
            QVERIFY(store);
            UsageRecord r;
            r.accountId = u"work"_s;
            r.status = 200;
            r.inputTokens = 10;
            for (int i = 0; i < 3; ++i)
                store.value()->record(r); // stamped now: today
            r.atMs = QDateTime::currentMSecsSinceEpoch() - 24 * 3600 * 1000;
            store.value()->record(r);
            r.atMs = 0;
            r.status = 499; // the client left: neither a request the quota counts nor an error
            store.value()->record(r);
        } // the store flushes as it closes
        const Run r = runAuth({u"counts"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(u"%1 00:00 UTC"_s.arg(today.addDays(1).toString(Qt::ISODate))),
                 qPrintable(r.out));
        QVERIFY2(
            QRegularExpression(u"^[ *]\\s+work\\s+3\\s+0$"_s, QRegularExpression::MultilineOption)
                .match(r.out)
                .hasMatch(),
            qPrintable(r.out));
        QVERIFY(
            QRegularExpression(u"^[ *]\\s+idle\\s+0\\s+0$"_s, QRegularExpression::MultilineOption)
                .match(r.out)
                .hasMatch());
        const QString row = listRow(runAuth({u"list"_s}).out, u"work"_s);
        QVERIFY2(row.contains(QRegularExpression(u"\\s3\\s"_s)), qPrintable(row));
    }

    void planSetsLimitsAndListShowsWindows()
    {
        writeQwenFile(u"oauth_creds_work.json"_s, credsJson(u"w"_s, inOneHour()));
        writeQwenFile(u"oauth_creds_idle.json"_s, credsJson(u"i"_s, inOneHour()));
        QCOMPARE(runAuth({u"import"_s}).exitCode, 0);
        const QString db = QDir(m_dataDir).filePath(AccountStore::defaultFileName());
        auto stored = [&](const QString &id) {
            auto store = AccountStore::open(db);
            return store ? store.value()->get(id).value() : Account{};
        };

        // A preset, with both caps.
        Run r = runAuth({u"plan"_s, u"work"_s, u"coding-plan-lite"_s, u"--concurrency"_s, u"3"_s,
                         u"--rpm=20"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(u"5h:1200,week:9000,month:18000"_s), qPrintable(r.out));
        Account a = stored(u"work"_s);
        QCOMPARE(a.quotaPlan, u"coding-plan-lite"_s);
        QCOMPARE(a.maxConcurrent, 3);
        QCOMPARE(a.maxPerMinute, 20);

        // Quota use in the store shows up in the list's windows, and the state beside it.
        {
            auto usage = SqliteUsageStore::open(db);
            QVERIFY(usage);
            usage.value()->addQuotaUse(
                QuotaBucket{u"work"_s, QDateTime::currentMSecsSinceEpoch(), 312, 4000});
        }
        Run list = runAuth({u"list"_s});
        QString row = listRow(list.out, u"work"_s);
        QVERIFY2(row.contains(u" healthy "_s), qPrintable(row));
        QVERIFY2(row.contains(u"5h 312/1200, week 312/9000, month 312/18k"_s), qPrintable(row));
        QVERIFY2(listRow(list.out, u"idle"_s).contains(u"  -  "_s), qPrintable(list.out));

        // A spec; caps not given stay as they were.
        r = runAuth({u"plan"_s, u"work"_s, u"5h:100, day:tokens=2m"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        a = stored(u"work"_s);
        QCOMPARE(a.quotaPlan, u"5h:100, day:tokens=2m"_s);
        QCOMPARE(a.maxConcurrent, 3);
        QCOMPARE(a.maxPerMinute, 20);
        row = listRow(runAuth({u"list"_s}).out, u"work"_s);
        QVERIFY2(row.contains(u"5h 312/100, day 4000/2M tok"_s), qPrintable(row));

        // none: no windows at all; a cap set back to 0 is no cap.
        r = runAuth({u"plan"_s, u"work"_s, u"none"_s, u"--rpm"_s, u"0"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        a = stored(u"work"_s);
        QCOMPARE(a.quotaPlan, QString());
        QCOMPARE(a.maxConcurrent, 3);
        QCOMPARE(a.maxPerMinute, 0);
        row = listRow(runAuth({u"list"_s}).out, u"work"_s);
        QVERIFY2(row.contains(u"  -  "_s) && !row.contains(u"5h"_s), qPrintable(row));

        // A disabled account says so.
        {
            auto store = AccountStore::open(db);
            QVERIFY(store);
            QVERIFY(!store.value()->setStatus(u"idle"_s, AccountStatus::Disabled));
        }
        QVERIFY2(listRow(runAuth({u"list"_s}).out, u"idle"_s).contains(u" disabled "_s),
                 qPrintable(list.out));

        // An unknown account is a failure (1), not a usage error.
        r = runAuth({u"plan"_s, u"nobody"_s, u"none"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"nobody"_s), qPrintable(r.err));
    }

    void planRejectsBadInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("named"); // what the one error line must name
        QTest::newRow("unknown window")
            << QStringList{u"5h:1200,weak:9000"_s} << u"unknown window 'weak'"_s;
        QTest::newRow("unknown preset")
            << QStringList{u"coding-plan-max"_s} << u"unknown quota plan 'coding-plan-max'"_s;
        QTest::newRow("bad amount") << QStringList{u"5h:12x"_s} << u"'5h:12x'"_s;
        QTest::newRow("twice") << QStringList{u"5h:1,5h:2"_s} << u"given twice"_s;
        QTest::newRow("bad concurrency")
            << QStringList{u"none"_s, u"--concurrency"_s, u"-1"_s} << u"--concurrency"_s;
        QTest::newRow("bad rpm") << QStringList{u"none"_s, u"--rpm"_s, u"many"_s} << u"'many'"_s;
    }
    void planRejectsBadInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, named);
        writeQwenFile(u"oauth_creds_work.json"_s, credsJson(u"w"_s, inOneHour()));
        QCOMPARE(runAuth({u"import"_s}).exitCode, 0);
        const Run r = runAuth(QStringList{u"plan"_s, u"work"_s} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        const QStringList lines = r.err.trimmed().split(u'\n');
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().startsWith(u"qwen-proxy auth: "_s) && lines.first().contains(named),
                 qPrintable(r.err));
        auto store = AccountStore::open(QDir(m_dataDir).filePath(AccountStore::defaultFileName()));
        QVERIFY(store);
        QCOMPARE(store.value()->get(u"work"_s)->quotaPlan, QString()); // nothing was written
    }

    void noVerbLogsInThenRefreshes()
    {
        // No account: `qwen-proxy auth` logs in "default".
        m_fake->queue(FakeOAuthServer::success(u"at-cli-SECRET"_s, u"rt-cli-SECRET"_s));
        const Run first = runAuth({u"--no-browser"_s, u"--no-qr"_s});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        QVERIFY(first.out.contains(u"Signed in: account \"default\""_s));
        QCOMPARE(m_fake->deviceCodeRequests(), 1);

        // Still valid: nothing to do, no new login.
        const Run second = runAuth({u"--no-browser"_s, u"--no-qr"_s});
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        QVERIFY(second.out.contains(u"is signed in"_s));
        QCOMPARE(m_fake->deviceCodeRequests(), 1);
    }

    void noVerbLogsInAgainWhenRefreshFails()
    {
        // An expired token whose refresh the server refuses (the fake only knows the device
        // grant): the default account needs a new login, stored under the same id.
        writeQwenFile(u"oauth_creds_main.json"_s,
                      credsJson(u"m"_s, QDateTime::currentMSecsSinceEpoch() - 60000));
        QCOMPARE(runAuth({u"import"_s}).exitCode, 0);
        m_fake->queue(FakeOAuthServer::success(u"at-cli-SECRET"_s, u"rt-cli-SECRET"_s));
        const Run r = runAuth({u"--no-browser"_s, u"--no-qr"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(u"Account \"main\" needs a new login"_s));
        QVERIFY(r.out.contains(u"Signed in: account \"main\""_s));
        QVERIFY(storedSecret(u"main"_s).contains("at-cli-SECRET"));
    }

    void sharedQwenCodeLoginIsListedNotStored()
    {
        // Not imported: the server uses qwen-code's file as "default" (QWEN_CODE_AUTH_USE).
        writeQwenFile(u"oauth_creds.json"_s, credsJson(u"q"_s, inOneHour()));
        const Run list = runAuth({u"list"_s});
        const QString row = listRow(list.out, u"default"_s);
        QVERIFY2(row.startsWith(u'*') && row.contains(u"qwen-code login"_s), qPrintable(list.out));

        const Run removed = runAuth({u"remove"_s, u"default"_s});
        QCOMPARE(removed.exitCode, 1);
        QVERIFY2(removed.err.contains(u"QWEN_CODE_AUTH_USE=false"_s), qPrintable(removed.err));
        QVERIFY(QFile::exists(QDir(m_qwenHome).filePath(u"oauth_creds.json"_s))); // untouched

        // `qwen-proxy auth` finds it valid: nothing to log in.
        const Run check = runAuth({u"--no-browser"_s});
        QCOMPARE(check.exitCode, 0);
        QVERIFY(check.out.contains(u"Account \"default\" is signed in"_s));
        QCOMPARE(m_fake->deviceCodeRequests(), 0);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("unknown verb") << QStringList{u"frobnicate"_s};
        QTest::newRow("add without id") << QStringList{u"add"_s};
        QTest::newRow("remove without id") << QStringList{u"remove"_s};
        QTest::newRow("default without id") << QStringList{u"default"_s};
        QTest::newRow("invalid id") << QStringList{u"add"_s, u"no spaces"_s};
        QTest::newRow("extra argument") << QStringList{u"list"_s, u"extra"_s};
        QTest::newRow("unknown flag") << QStringList{u"list"_s, u"--bogus"_s};
        QTest::newRow("flag without value") << QStringList{u"add"_s, u"x"_s, u"--label"_s};
        QTest::newRow("add flag on list") << QStringList{u"list"_s, u"--no-qr"_s};
        QTest::newRow("plan without plan") << QStringList{u"plan"_s, u"work"_s};
        QTest::newRow("plan with a bad spec") << QStringList{u"plan"_s, u"work"_s, u"5h:"_s};
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QProcess p;
        QSignalSpy finished(&p, &QProcess::finished);
        // No --data-dir appended: a usage error must stop before anything is created.
        p.setProcessEnvironment(environment());
        p.start(binary(), QStringList{u"auth"_s} + args);
        QVERIFY(finished.wait(20000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardOutput().isEmpty());
        QVERIFY(p.readAllStandardError().contains("qwen-proxy auth: "));
        QVERIFY(!QFileInfo::exists(m_home->filePath(u".local/share/qwen-proxy"_s)));
        QCOMPARE(m_fake->deviceCodeRequests(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCliAuth)
#include "tst_cli_auth.moc"
