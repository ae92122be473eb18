// Every SecretStore implementation passes the same round trip; plus the file store's modes, the
// chunking for Windows' credential size limit, and the start-up probe with its file fallback.
// The real keychain runs when a secret service is reachable (CI: see README / report command).
#include "secrets/chunkedsecretstore.h"
#include "secrets/filesecretstore.h"
#include "secrets/keychainsecretstore.h"
#include "secrets/memorysecretstore.h"
#include "secrets/secretstoreprobe.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QUuid>
#include <QtTest>
#include <memory>

using namespace qp;

namespace {

// Runs one store operation to completion; tests may spin the event loop, production code not.
std::optional<Error> writeSync(SecretStore &s, const QString &k, const QByteArray &v)
{
    std::optional<std::optional<Error>> out;
    s.write(k, v, [&](std::optional<Error> e) { out = e; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 10000))
        return Error::make(Error::Kind::Internal, QStringLiteral("timeout"));
    return *out;
}

Result<QByteArray> readSync(SecretStore &s, const QString &k)
{
    std::optional<Result<QByteArray>> out;
    s.read(k, [&](Result<QByteArray> r) { out = std::move(r); });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 10000))
        return Error::make(Error::Kind::Internal, QStringLiteral("timeout"));
    return *out;
}

std::optional<Error> removeSync(SecretStore &s, const QString &k)
{
    std::optional<std::optional<Error>> out;
    s.remove(k, [&](std::optional<Error> e) { out = e; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 10000))
        return Error::make(Error::Kind::Internal, QStringLiteral("timeout"));
    return *out;
}

QByteArray binaryValue(int size)
{
    QByteArray v(size, '\0');
    for (int i = 0; i < size; ++i)
        v[i] = char(i * 7 % 256);
    return v;
}

bool keychainRequired()
{
    return qEnvironmentVariableIntValue("QP_REQUIRE_KEYCHAIN") == 1;
}

} // namespace

class TestSecretStores : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;

    // Builds the store named in the current data row; nullptr + reason to skip.
    std::unique_ptr<SecretStore> makeStore(const QString &kind, QString *skipReason)
    {
        if (kind == QLatin1String("memory"))
            return std::make_unique<MemorySecretStore>();
        if (kind == QLatin1String("file"))
            return std::make_unique<FileSecretStore>(m_tmp.filePath(
                QUuid::createUuid().toString(QUuid::Id128) + QStringLiteral("/secrets.json")));
        if (kind == QLatin1String("chunked memory"))
            return std::make_unique<ChunkedSecretStore>(new MemorySecretStore, 100);
        if (kind == QLatin1String("keychain")) {
            if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
                *skipReason = QStringLiteral(
                    "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset): run under "
                    "dbus-run-session with an unlocked gnome-keyring to test the OS keychain");
                return nullptr;
            }
            std::unique_ptr<SecretStore> s(SecretStoreProbe::makeKeychainStore(
                QStringLiteral("qwen-proxy-test-") + QUuid::createUuid().toString(QUuid::Id128)));
            const QString key = QStringLiteral("probe");
            if (auto e = writeSync(*s, key, "x")) {
                *skipReason = QStringLiteral("a session bus exists but the keychain refuses "
                                             "writes (%1); unlock a keyring to test it")
                                  .arg(e->message);
                return nullptr;
            }
            removeSync(*s, key);
            return s;
        }
        return nullptr;
    }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("memory") << "memory";
        QTest::newRow("file") << "file";
        QTest::newRow("chunked memory") << "chunked memory";
        QTest::newRow("keychain") << "keychain";
    }
    void roundTrip()
    {
        QFETCH(QString, kind);
        QString skip;
        auto store = makeStore(kind, &skip);
        if (!store) {
            if (kind == QLatin1String("keychain") && keychainRequired())
                QFAIL(qPrintable(QStringLiteral("QP_REQUIRE_KEYCHAIN=1 but: ") + skip));
            QSKIP(qPrintable(skip));
        }
        QCOMPARE(store->kind(),
                 kind == QLatin1String("chunked memory") ? QStringLiteral("memory") : kind);

        auto missing = readSync(*store, QStringLiteral("account/none"));
        QVERIFY(!missing);
        QCOMPARE(missing.error().kind, Error::Kind::NotFound);

        QVERIFY(!writeSync(*store, QStringLiteral("account/a"), "first"));
        QCOMPARE(readSync(*store, QStringLiteral("account/a")).value(), QByteArray("first"));
        QVERIFY(!writeSync(*store, QStringLiteral("account/a"), "second"));
        QCOMPARE(readSync(*store, QStringLiteral("account/a")).value(), QByteArray("second"));

        // Binary and large (above Windows' 2560-byte credential limit) values survive.
        const QByteArray big = binaryValue(7000);
        QVERIFY(!writeSync(*store, QStringLiteral("account/big"), big));
        QCOMPARE(readSync(*store, QStringLiteral("account/big")).value(), big);
        QVERIFY(!writeSync(*store, QStringLiteral("account/big"), "small again"));
        QCOMPARE(readSync(*store, QStringLiteral("account/big")).value(),
                 QByteArray("small again"));

        QVERIFY(!removeSync(*store, QStringLiteral("account/a")));
        QCOMPARE(readSync(*store, QStringLiteral("account/a")).error().kind, Error::Kind::NotFound);
        QVERIFY(!removeSync(*store, QStringLiteral("account/a"))); // removing nothing succeeds
        QCOMPARE(readSync(*store, QStringLiteral("account/big")).value(),
                 QByteArray("small again"));
        QVERIFY(!removeSync(*store, QStringLiteral("account/big")));
    }

    void operationsKeepIssueOrderAndReportLater_data() { roundTrip_data(); }
    void operationsKeepIssueOrderAndReportLater()
    {
        QFETCH(QString, kind);
        QString skip;
        auto store = makeStore(kind, &skip);
        if (!store)
            QSKIP(qPrintable(skip));
        QStringList events;
        bool returned = false;
        const QByteArray big = binaryValue(3000);
        store->write(QStringLiteral("k"), big, [&](std::optional<Error> e) {
            QVERIFY(returned); // never inside the call
            events << (e ? QStringLiteral("write failed") : QStringLiteral("written"));
        });
        returned = true;
        store->read(QStringLiteral("k"), [&](Result<QByteArray> r) {
            events << (r && r.value() == big ? QStringLiteral("read same")
                                             : QStringLiteral("read other"));
        });
        store->remove(QStringLiteral("k"), [&](std::optional<Error> e) {
            events << (e ? QStringLiteral("remove failed") : QStringLiteral("removed"));
        });
        store->read(QStringLiteral("k"), [&](Result<QByteArray> r) {
            events << (!r && r.error().kind == Error::Kind::NotFound
                           ? QStringLiteral("gone")
                           : QStringLiteral("still there"));
        });
        QTRY_COMPARE_WITH_TIMEOUT(events.size(), 4, 10000);
        QCOMPARE(events, (QStringList{QStringLiteral("written"), QStringLiteral("read same"),
                                      QStringLiteral("removed"), QStringLiteral("gone")}));
    }

    void fileStoreIsOwnerOnly()
    {
        const QString dir = m_tmp.filePath(QStringLiteral("data-owner-only"));
        const QString path = dir + QStringLiteral("/secrets.json");
        FileSecretStore store(path);
        QVERIFY(!QFile::exists(path));
        QCOMPARE(readSync(store, QStringLiteral("x")).error().kind, Error::Kind::NotFound);
        QVERIFY(!QFile::exists(path)); // reading creates nothing
        QVERIFY(!writeSync(store, QStringLiteral("x"), "secret-value"));
        QCOMPARE(QFile::permissions(path), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                               QFileDevice::ReadUser | QFileDevice::WriteUser);
        QCOMPARE(QFile::permissions(dir) & 0x0077,
                 QFileDevice::Permissions()); // 0700: no group/other bits
        QVERIFY(!writeSync(store, QStringLiteral("y"), "other"));
        QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden),
                 QStringList{QStringLiteral("secrets.json")});
        // A second instance (another process) sees both values.
        FileSecretStore again(path);
        QCOMPARE(readSync(again, QStringLiteral("x")).value(), QByteArray("secret-value"));
        QCOMPARE(readSync(again, QStringLiteral("y")).value(), QByteArray("other"));
    }

    void fileStoreReportsCorruption()
    {
        const QString path = m_tmp.filePath(QStringLiteral("corrupt.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{not json");
        f.close();
        FileSecretStore store(path);
        auto r = readSync(store, QStringLiteral("x"));
        QVERIFY(!r);
        QCOMPARE(r.error().kind, Error::Kind::Internal);
        QVERIFY(
            writeSync(store, QStringLiteral("x"), "v")); // never overwrite a file we cannot read
    }

    void chunkingLayout()
    {
        auto *inner = new MemorySecretStore;
        ChunkedSecretStore store(inner, 100);
        QVERIFY(!writeSync(store, QStringLiteral("k"), binaryValue(250)));
        QCOMPARE(inner->contents().value(QStringLiteral("k")), QByteArray("qp-split/v1 3"));
        QCOMPARE(inner->contents().value(QStringLiteral("k#part1")).size(), 100);
        QCOMPARE(inner->contents().value(QStringLiteral("k#part3")).size(), 50);
        // Shorter value: stale parts go.
        QVERIFY(!writeSync(store, QStringLiteral("k"), binaryValue(150)));
        QCOMPARE(inner->contents().size(), 3);
        QVERIFY(!inner->contents().contains(QStringLiteral("k#part3")));
        // A small value that looks like a header is still stored faithfully.
        QVERIFY(!writeSync(store, QStringLiteral("k"), "qp-split/v1 7"));
        QCOMPARE(readSync(store, QStringLiteral("k")).value(), QByteArray("qp-split/v1 7"));
        QVERIFY(!removeSync(store, QStringLiteral("k")));
        QVERIFY(inner->contents().isEmpty());
        // A header without its parts is an error, not an empty secret.
        QVERIFY(!writeSync(*inner, QStringLiteral("h"), "qp-split/v1 2"));
        auto r = readSync(store, QStringLiteral("h"));
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(QStringLiteral("lacks part 1")));
    }

    void probeKeepsAWorkingStore()
    {
        std::optional<SecretStoreChoice> choice;
        auto *candidate = new MemorySecretStore;
        SecretStoreProbe::choose(candidate, m_tmp.filePath(QStringLiteral("unused.json")),
                                 [&](SecretStoreChoice c) { choice = c; });
        QTRY_VERIFY(choice.has_value());
        std::unique_ptr<SecretStore> owned(choice->store);
        QCOMPARE(choice->store, candidate);
        QVERIFY(!choice->usingFallback);
        QVERIFY(choice->warning.isEmpty());
        QVERIFY(candidate->contents().isEmpty()); // the probe key was deleted
        QVERIFY(!QFile::exists(m_tmp.filePath(QStringLiteral("unused.json"))));
    }

    void probeFallsBackOnFailure()
    {
        std::optional<SecretStoreChoice> choice;
        auto *candidate = new MemorySecretStore;
        candidate->setFailure(
            Error::make(Error::Kind::Internal, QStringLiteral("Cannot autolaunch D-Bus")));
        const QString path = m_tmp.filePath(QStringLiteral("fallback/secrets.json"));
        SecretStoreProbe::choose(candidate, path, [&](SecretStoreChoice c) { choice = c; });
        QTRY_VERIFY(choice.has_value());
        std::unique_ptr<SecretStore> owned(choice->store);
        QVERIFY(choice->usingFallback);
        QCOMPARE(choice->store->kind(), QStringLiteral("file"));
        QVERIFY(choice->warning.contains(QStringLiteral("Cannot autolaunch D-Bus")));
        QVERIFY(choice->warning.contains(path));
        QVERIFY(choice->warning.contains(QStringLiteral("NOT encrypted")));
        QVERIFY(!writeSync(*choice->store, QStringLiteral("a"), "b"));
    }

    void probeTimesOut()
    {
        // A keychain that never answers (a prompter nobody sees) must not block start-up.
        class Silent : public SecretStore
        {
        public:
            QString kind() const override { return QStringLiteral("keychain"); }
            QString describe() const override { return QStringLiteral("silent keychain"); }
            void write(const QString &, const QByteArray &, DoneCallback) override {}
            void read(const QString &, ReadCallback) override {}
            void remove(const QString &, DoneCallback) override {}
        };
        std::optional<SecretStoreChoice> choice;
        SecretStoreProbe::choose(
            new Silent, m_tmp.filePath(QStringLiteral("t/secrets.json")),
            [&](SecretStoreChoice c) { choice = c; }, 50);
        QTRY_VERIFY(choice.has_value());
        std::unique_ptr<SecretStore> owned(choice->store);
        QVERIFY(choice->usingFallback);
        QVERIFY(choice->warning.contains(QStringLiteral("no answer within")));
    }

    // The real QtKeychain probe without any secret service: it runs in a child process whose
    // session bus address points nowhere (D-Bus connections are per process and cached).
    void probeFallsBackWithoutSecretService()
    {
        if (qEnvironmentVariableIsSet("QP_PROBE_CHILD"))
            QSKIP("runs in the child only through probeChild");
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QP_PROBE_CHILD"), QStringLiteral("1"));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=") + m_tmp.filePath(QStringLiteral("no-bus")));
        env.remove(QStringLiteral("DISPLAY")); // no X11 autolaunch either
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("probeChild")});
        QVERIFY(child.waitForFinished(60000));
        const QByteArray out = child.readAllStandardOutput() + child.readAllStandardError();
        QVERIFY2(child.exitCode() == 0, out.constData());
        QVERIFY2(out.contains("PASS   : TestSecretStores::probeChild()"), out.constData());
    }

    void probeChild()
    {
        if (!qEnvironmentVariableIsSet("QP_PROBE_CHILD"))
            QSKIP("helper of probeFallsBackWithoutSecretService");
        std::optional<SecretStoreChoice> choice;
        const QString path = m_tmp.filePath(QStringLiteral("child/secrets.json"));
        SecretStoreProbe::chooseDefault(QStringLiteral("qwen-proxy-test"), path, false,
                                        [&](SecretStoreChoice c) { choice = c; });
        QTRY_VERIFY_WITH_TIMEOUT(choice.has_value(), 30000);
        std::unique_ptr<SecretStore> owned(choice->store);
        QVERIFY2(choice->usingFallback, "the keychain probe passed without a session bus");
        QCOMPARE(choice->store->kind(), QStringLiteral("file"));
        QVERIFY(choice->warning.startsWith(QStringLiteral("The OS keychain")));
        qInfo().noquote() << "fallback warning:" << choice->warning;
    }

    void skipKeychainSetting()
    {
        std::optional<SecretStoreChoice> choice;
        SecretStoreProbe::chooseDefault(QStringLiteral("unused"),
                                        m_tmp.filePath(QStringLiteral("s.json")), true,
                                        [&](SecretStoreChoice c) { choice = c; });
        QTRY_VERIFY(choice.has_value());
        std::unique_ptr<SecretStore> owned(choice->store);
        QCOMPARE(choice->store->kind(), QStringLiteral("file"));
        QVERIFY(choice->warning.isEmpty()); // asked for: nothing to warn about
    }
};

QTEST_GUILESS_MAIN(TestSecretStores)
#include "tst_secretstores.moc"
