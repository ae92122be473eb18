// LogHub: the ring buffer stays bounded, debug files appear only at debug level, rotate to
// LOG_FILE_LIMIT files, are private to the user and never hold a registered secret. Lines are
// logged as warnings: ctest sets QT_LOGGING_RULES=qp.*.debug=false, which outranks our rules.
#include "logging/logging.h"
#include "logging/redact.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp;

class TestLogging : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup() { LogHub::instance().install(LogHub::Level::Off); }
    void levels_data();
    void levels();
    void ringBufferIsBounded();
    void debugFilesRotate();
    void noDebugFileBelowDebugLevel();
    void secretsNeverReachTheFile();
};

void TestLogging::levels_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("debugFlag");
    QTest::addColumn<int>("level");
    QTest::newRow("default") << u""_s << false << int(LogHub::Level::Info);
    QTest::newRow("error") << u"error"_s << false << int(LogHub::Level::Error);
    QTest::newRow("debug") << u"debug"_s << false << int(LogHub::Level::Debug);
    QTest::newRow("DEBUG_LOG wins") << u"error"_s << true << int(LogHub::Level::Debug);
}

void TestLogging::levels()
{
    QFETCH(QString, text);
    QFETCH(bool, debugFlag);
    QFETCH(int, level);
    QCOMPARE(int(LogHub::parseLevel(text, debugFlag)), level);
}

void TestLogging::ringBufferIsBounded()
{
    LogHub::instance().install(LogHub::Level::Warn); // Off would filter the lines out
    for (int i = 0; i < LogHub::capacity + 500; ++i)
        qCWarning(lcServer) << "line" << i;
    const auto all = LogHub::instance().recent(LogHub::capacity * 2);
    QCOMPARE(all.size(), LogHub::capacity);
    QVERIFY(all.last().message.contains(u"line %1"_s.arg(LogHub::capacity + 499)));
}

void TestLogging::debugFilesRotate()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Five earlier runs; a limit of 3 keeps the two newest of them plus this run's file.
    for (int i = 1; i <= 5; ++i) {
        QFile f(dir.filePath(u"debug-2020010%1-000000-000.log"_s.arg(i)));
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    LogHub::instance().install(LogHub::Level::Debug, dir.path(), 3);
    qCWarning(lcUpstream) << "this run";
    const QStringList files =
        QDir(dir.path()).entryList({u"debug-*.log"_s}, QDir::Files, QDir::Name);
    QCOMPARE(files.size(), 3);
    QCOMPARE(files.at(0), u"debug-20200104-000000-000.log"_s);
    QCOMPARE(files.at(1), u"debug-20200105-000000-000.log"_s);
    QFile current(dir.filePath(files.at(2)));
    QVERIFY(current.open(QIODevice::ReadOnly));
    QVERIFY(current.readAll().contains("qp.core.upstream: this run"));
    QCOMPARE(current.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
}

void TestLogging::noDebugFileBelowDebugLevel()
{
    QTemporaryDir dir;
    LogHub::instance().install(LogHub::Level::Debug, dir.path(), 3);
    qCWarning(lcServer) << "at debug level";
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    // Installed again at info level (the settings changed): no file any more.
    QTemporaryDir other;
    LogHub::instance().install(LogHub::Level::Info, other.path(), 3);
    qCWarning(lcServer) << "at info level";
    QCOMPARE(QDir(other.path()).entryList(QDir::Files).size(), 0);
    QFile first(dir.filePath(QDir(dir.path()).entryList(QDir::Files).first()));
    QVERIFY(first.open(QIODevice::ReadOnly));
    QVERIFY(!first.readAll().contains("at info level"));
}

void TestLogging::secretsNeverReachTheFile()
{
    QTemporaryDir dir;
    const QString secret = u"sk-test-secret-value-0123456789"_s;
    registerSecret(secret);
    LogHub::instance().install(LogHub::Level::Debug, dir.path(), 3);
    qCWarning(lcAuth) << "token is" << secret;
    qCWarning(lcAuth).noquote() << u"Authorization: Bearer %1"_s.arg(secret);
    const QString name = QDir(dir.path()).entryList(QDir::Files).first();
    QFile f(dir.filePath(name));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    QVERIFY(text.contains("token is"));
    QVERIFY(!text.contains(secret.toUtf8()));
    for (const auto &e : LogHub::instance().recent(50))
        QVERIFY(!e.message.contains(secret));
    unregisterSecret(secret);
}

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
