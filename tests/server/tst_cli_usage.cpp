// `qwen-proxy usage` (and its alias `tokens`) run as the real binary on a data dir whose usage the
// test wrote through the store: days, accounts, models, windows, text and JSON, and bad input.
#include "accounts/accountstore.h"
#include "programrun.h"
#include "usage/sqliteusagestore.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest>

using namespace qp;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kDayMs = 24 * 3600 * 1000LL;

QString binary()
{
    return QStringLiteral(QP_BINARY_DIR "/src/cli/qwen-proxy");
}

using Run = qp::test::ProgramRun;

QByteArray credsJson(const QString &suffix)
{
    return QJsonDocument(QJsonObject{{u"access_token"_s, QString(u"at-"_s + suffix)},
                                     {u"refresh_token"_s, QString(u"rt-"_s + suffix)},
                                     {u"token_type"_s, u"Bearer"_s},
                                     {u"resource_url"_s, u"portal.qwen.ai"_s},
                                     {u"expiry_date"_s,
                                      double(QDateTime::currentMSecsSinceEpoch() + 3600000)}})
        .toJson();
}

} // namespace

class TestCliUsage : public QObject
{
    Q_OBJECT
    QTemporaryDir m_home;
    QString m_dataDir;
    qint64 m_now = 0;

    Run run(const QStringList &args, bool withDataDir = true)
    {
        QProcessEnvironment env;
        // A UTF-8 locale, as a user's shell has: Qt 6.8 warns on stderr without one.
        env.insert(u"LANG"_s, u"C.UTF-8"_s);
        env.insert(u"HOME"_s, m_home.path());
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"QWEN_HOME"_s, m_home.filePath(u"qwen"_s));
        env.insert(u"QP_SECRET_STORE"_s, u"file"_s);
        env.insert(u"QWEN_CODE_AUTH_USE"_s, u"false"_s);
        return qp::test::runProgram(
            binary(),
            args + (withDataDir ? QStringList{u"--data-dir"_s, m_dataDir} : QStringList{}), env,
            {});
    }

    QJsonObject json(const QStringList &args)
    {
        const Run r = run(QStringList{u"usage"_s, u"--json"_s} + args);
        if (r.exitCode != 0)
            qWarning() << r.err;
        return QJsonDocument::fromJson(r.out.toUtf8()).object();
    }

    static QJsonObject account(const QJsonObject &doc, const QString &id)
    {
        for (const auto &v : doc.value(u"accounts"_s).toArray())
            if (v.toObject().value(u"id"_s).toString() == id)
                return v.toObject();
        return {};
    }

    static UsageRecord record(const QString &account, const QString &model, qint64 atMs, int status,
                              qint64 in, qint64 out, qint64 cached = 0)
    {
        UsageRecord r;
        r.accountId = account;
        r.model = model;
        r.atMs = atMs;
        r.status = status;
        r.inputTokens = in;
        r.outputTokens = out;
        r.cachedTokens = cached;
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(binary()).isExecutable(), qPrintable(binary()));
        QVERIFY(m_home.isValid());
        m_dataDir = m_home.filePath(u"data"_s);
        QVERIFY(QDir().mkpath(m_home.filePath(u"qwen"_s)));
        for (const QString &id : {u"work"_s, u"home"_s}) {
            QFile f(m_home.filePath(u"qwen/oauth_creds_%1.json"_s.arg(id)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(credsJson(id));
        }
        QCOMPARE(run({u"auth"_s, u"import"_s}).exitCode, 0);
        QCOMPARE(run({u"auth"_s, u"plan"_s, u"work"_s, u"5h:100,week:tokens=1m"_s}).exitCode, 0);

        // Usage a server would have written: today, three days ago and ten days ago.
        m_now = QDateTime::currentMSecsSinceEpoch();
        const QString db = QDir(m_dataDir).filePath(AccountStore::defaultFileName());
        auto store = SqliteUsageStore::open(db);
        QVERIFY(store);
        UsageStore &s = *store.value();
        for (int i = 0; i < 3; ++i)
            s.record(record(u"work"_s, u"qwen3-coder-plus"_s, m_now, 200, 100, 20, 10));
        s.record(record(u"work"_s, u"qwen3-coder-flash"_s, m_now, 200, 50, 5));
        s.record(record(u"work"_s, u"qwen3-coder-plus"_s, m_now, 400, 0, 0));
        s.record(record(u"home"_s, u"qwen3-coder-plus"_s, m_now - 3 * kDayMs, 200, 1000, 200));
        s.record(record(u"home"_s, u"qwen3-coder-plus"_s, m_now - 10 * kDayMs, 200, 7, 3));
        s.addQuotaUse(QuotaBucket{u"work"_s, m_now - 10 * 60000, 4, 405});
    }

    void textReadsInEightyColumns()
    {
        for (const QString &command : {u"usage"_s, u"tokens"_s}) {
            const Run r = run({command});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QVERIFY(r.err.isEmpty());
            const QString today = QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate);
            QVERIFY2(r.out.startsWith(u"Usage per UTC day, last 7 days ("_s), qPrintable(r.out));
            QVERIFY(r.out.contains(u"times are UTC"_s));
            // Today's row for work: 5 requests, 4 ok, 1 error, 350 in, 65 out, 30 cached.
            QVERIFY2(QRegularExpression(u"^"_s + today +
                                            u"\\s+work\\s+5\\s+4\\s+1\\s+350\\s+65\\s+30$"_s,
                                        QRegularExpression::MultilineOption)
                         .match(r.out)
                         .hasMatch(),
                     qPrintable(r.out));
            QVERIFY(r.out.contains(u"Lifetime"_s));
            QVERIFY2(QRegularExpression(u"^home\\s+2\\s+2\\s+0\\s+1007\\s+203\\s+0$"_s,
                                        QRegularExpression::MultilineOption)
                         .match(r.out)
                         .hasMatch(),
                     qPrintable(r.out));
            // The windows: work's 5h has 4 of 100 used, 96 left, and frees up when all of the
            // bucket's minute has left it (5 h after the minute's end); home has no plan.
            const qint64 minute = (m_now - 10 * 60000) / 60000 * 60000;
            const QString windowsPart = r.out.mid(r.out.indexOf(u"Quota windows"_s));
            const QString resets =
                QDateTime::fromMSecsSinceEpoch(minute + 5 * 3600 * 1000LL + 60000, QTimeZone::utc())
                    .toString(u"yyyy-MM-dd HH:mm"_s);
            QVERIFY2(QRegularExpression(u"^work\\s+5h\\s+4/100\\s+96\\s+"_s + resets +
                                            u" \\(in 4h 5\\dm\\)$"_s,
                                        QRegularExpression::MultilineOption)
                         .match(r.out)
                         .hasMatch(),
                     qPrintable(windowsPart));
            QVERIFY2(QRegularExpression(u"^\\s+week\\s+405/1M tok\\s+1M tok\\s"_s,
                                        QRegularExpression::MultilineOption)
                         .match(r.out)
                         .hasMatch(),
                     qPrintable(windowsPart));
            QVERIFY(r.out.contains(u"(no plan)"_s));
            QVERIFY2(QRegularExpression(u"^work\\s+healthy\\s+5\\s+4\\s+1\\s"_s,
                                        QRegularExpression::MultilineOption)
                         .match(r.out)
                         .hasMatch(),
                     qPrintable(r.out));
            for (const QString &line : r.out.split(u'\n'))
                QVERIFY2(line.size() <= 80, qPrintable(line));
        }
    }

    void jsonAndDays()
    {
        QJsonObject doc = json({});
        QCOMPARE(doc.value(u"days"_s).toInt(), 7);
        QCOMPARE(doc.value(u"time_zone"_s).toString(), u"UTC"_s);
        // Seven days hold today's five and home's request of three days ago.
        QCOMPARE(doc.value(u"totals"_s).toObject().value(u"requests"_s).toInt(), 6);
        QCOMPARE(doc.value(u"lifetime"_s).toObject().value(u"requests"_s).toInt(), 7);
        QCOMPARE(doc.value(u"daily"_s).toArray().size(), 2);
        const QJsonObject work = account(doc, u"work"_s);
        QCOMPARE(work.value(u"state"_s).toString(), u"healthy"_s);
        QCOMPARE(work.value(u"plan"_s).toString(), u"5h:100,week:tokens=1m"_s);
        const QJsonObject period = work.value(u"period"_s).toObject();
        QCOMPARE(period.value(u"requests"_s).toInt(), 5);
        QCOMPARE(period.value(u"successes"_s).toInt(), 4);
        QCOMPARE(period.value(u"errors"_s).toInt(), 1);
        QCOMPARE(period.value(u"input_tokens"_s).toInt(), 350);
        QCOMPARE(period.value(u"output_tokens"_s).toInt(), 65);
        QCOMPARE(period.value(u"cached_tokens"_s).toInt(), 30);
        const QJsonArray windows = work.value(u"windows"_s).toArray();
        QCOMPARE(windows.size(), 2);
        QCOMPARE(windows.at(0).toObject().value(u"used_requests"_s).toInt(), 4);
        QCOMPARE(windows.at(0).toObject().value(u"remaining_requests"_s).toInt(), 96);
        QCOMPARE(windows.at(1).toObject().value(u"window"_s).toString(), u"week"_s);
        QCOMPARE(windows.at(1).toObject().value(u"remaining_tokens"_s).toInt(), 1000000 - 405);
        QVERIFY(windows.at(0).toObject().value(u"resets_at"_s).toString().endsWith(u'Z'));
        QCOMPARE(account(doc, u"home"_s).value(u"windows"_s).toArray().size(), 0);

        doc = json({u"--days"_s, u"1"_s});
        QCOMPARE(doc.value(u"totals"_s).toObject().value(u"requests"_s).toInt(), 5);
        QCOMPARE(doc.value(u"daily"_s).toArray().size(), 1);
        doc = json({u"--days=30"_s});
        QCOMPARE(doc.value(u"totals"_s).toObject().value(u"requests"_s).toInt(), 7);
        QCOMPARE(doc.value(u"daily"_s).toArray().size(), 3);
    }

    void oneAccountAndModels()
    {
        QJsonObject doc = json({u"--account"_s, u"home"_s, u"--days"_s, u"30"_s});
        QCOMPARE(doc.value(u"accounts"_s).toArray().size(), 1);
        QCOMPARE(doc.value(u"totals"_s).toObject().value(u"requests"_s).toInt(), 2);
        for (const auto &d : doc.value(u"daily"_s).toArray())
            QCOMPARE(d.toObject().value(u"account"_s).toString(), u"home"_s);

        doc = json({u"--account"_s, u"work"_s, u"--by-model"_s});
        QHash<QString, int> byModel;
        for (const auto &d : doc.value(u"daily"_s).toArray())
            byModel[d.toObject().value(u"model"_s).toString()] +=
                d.toObject().value(u"requests"_s).toInt();
        QCOMPARE(byModel.value(u"qwen3-coder-plus"_s), 4);
        QCOMPARE(byModel.value(u"qwen3-coder-flash"_s), 1);

        const Run text = run({u"usage"_s, u"--by-model"_s, u"--account"_s, u"work"_s});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(QRegularExpression(u"^\\s+qwen3-coder-flash\\s+1\\s+1\\s+0\\s+50\\s+5\\s+0$"_s,
                                    QRegularExpression::MultilineOption)
                     .match(text.out)
                     .hasMatch(),
                 qPrintable(text.out));
    }

    void unknownAccountIsOneLine()
    {
        const Run r = run({u"usage"_s, u"--account"_s, u"nobody"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.isEmpty());
        QCOMPARE(r.err.trimmed().split(u'\n').size(), 1);
        QVERIFY2(r.err.startsWith(u"qwen-proxy usage: no account 'nobody'"_s), qPrintable(r.err));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("named");
        QTest::addColumn<bool>("oneLine"); // a bad value: one line, nothing more to read
        QTest::newRow("days zero") << QStringList{u"--days"_s, u"0"_s} << u"--days"_s << true;
        QTest::newRow("days word") << QStringList{u"--days"_s, u"week"_s} << u"'week'"_s << true;
        QTest::newRow("days negative") << QStringList{u"--days=-3"_s} << u"'-3'"_s << true;
        QTest::newRow("days too many") << QStringList{u"--days"_s, u"99999"_s} << u"3660"_s << true;
        QTest::newRow("days without value") << QStringList{u"--days"_s} << u"--days"_s << false;
        QTest::newRow("unknown flag") << QStringList{u"--bogus"_s} << u"--bogus"_s << false;
        QTest::newRow("argument") << QStringList{u"work"_s} << u"'work'"_s << false;
    }
    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, named);
        QFETCH(bool, oneLine);
        // No --data-dir: a usage error stops before anything is opened or created.
        const Run r = run(QStringList{u"usage"_s} + args, false);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        const QStringList lines = r.err.trimmed().split(u'\n');
        QVERIFY2(lines.first().startsWith(u"qwen-proxy usage: "_s) && lines.first().contains(named),
                 qPrintable(r.err));
        if (oneLine)
            QCOMPARE(lines.size(), 1);
        QVERIFY(!QFileInfo::exists(m_home.filePath(u".local/share/qwen-proxy"_s)));
    }
};

QTEST_GUILESS_MAIN(TestCliUsage)
#include "tst_cli_usage.moc"
