// `qwen-proxy purge --yes` as a user runs it: the real binary removes the stored secrets (from
// the OS keychain when the session has one: test.sh gives it an unlocked gnome-keyring), the data
// and config directories and the start-at-login entry, and nothing else; without --yes it
// removes nothing (issue 20 §3).
#include "accounts/account.h"
#include "programrun.h"
#include "secrets/chunkedsecretstore.h"
#include "secrets/keychainsecretstore.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

using Run = qp::test::ProgramRun;

bool useKeychain()
{
    return !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS") ||
           qEnvironmentVariableIntValue("QP_REQUIRE_KEYCHAIN") == 1;
}

// The key as the binary's keychain store holds it (secrets/secretstoreprobe.cpp).
qp::Result<QByteArray> keychainRead(const QString &key)
{
    qp::ChunkedSecretStore store(
        new qp::KeychainSecretStore(qp::KeychainSecretStore::defaultService()));
    std::optional<qp::Result<QByteArray>> out;
    QEventLoop loop;
    store.read(key, [&](qp::Result<QByteArray> r) {
        out = std::move(r);
        loop.quit();
    });
    if (!out)
        loop.exec();
    return std::move(*out);
}

} // namespace

class TestCliPurge : public QObject
{
    Q_OBJECT
    QTemporaryDir m_home;
    const QString m_provider = u"purge-"_s + QString::number(QCoreApplication::applicationPid());

    Run run(const QStringList &args, const QByteArray &stdinBytes = {})
    {
        QProcessEnvironment env;
        env.insert(u"LANG"_s, u"C.UTF-8"_s);
        env.insert(u"HOME"_s, m_home.path());
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"QP_SECRET_STORE"_s, useKeychain() ? u"keychain"_s : u"file"_s);
        env.insert(u"QWEN_CODE_AUTH_USE"_s, u"false"_s);
        if (qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"))
            env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s,
                       qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS"));
        return qp::test::runProgram(QStringLiteral(QP_BINARY_DIR "/src/cli/qwen-proxy"), args, env,
                                    stdinBytes);
    }

    QString path(const QString &relative) const { return m_home.filePath(relative); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_home.isValid()); }

    void removesWhatItKeepsAndNothingElse()
    {
        // A provider with a key, a start-at-login entry, and a file that is not ours.
        const Run added = run({u"provider"_s, u"add"_s, m_provider, u"--preset"_s, u"ollama"_s},
                              "sk-purge-test\n");
        QVERIFY2(added.exitCode == 0, qPrintable(added.err));
        QVERIFY(QDir().mkpath(path(u".config/autostart"_s)));
        QFile entry(path(u".config/autostart/io.github.qwenproxy.QwenProxy.desktop"_s));
        QVERIFY(entry.open(QIODevice::WriteOnly));
        entry.write("[Desktop Entry]\nType=Application\nName=Qwen Proxy\nExec=qwen-proxy-tray\n");
        entry.close();
        QFile foreign(path(u".config/autostart/other.desktop"_s));
        QVERIFY(foreign.open(QIODevice::WriteOnly));
        foreign.close();
        QVERIFY(QFile::exists(path(u".local/share/qwen-proxy/qwen-proxy"_s)));
        if (useKeychain())
            QVERIFY(keychainRead(qp::Account::secretKey(m_provider)).ok());

        // Without --yes: a usage error, and everything stays.
        const Run refused = run({u"purge"_s});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY(QFile::exists(path(u".local/share/qwen-proxy/qwen-proxy"_s)));
        QVERIFY(entry.exists());

        const Run purged = run({u"purge"_s, u"--yes"_s});
        QVERIFY2(purged.exitCode == 0, qPrintable(purged.err));
        QVERIFY2(purged.out.contains(u"Removed provider "_s + m_provider), qPrintable(purged.out));
        QVERIFY(!QFile::exists(path(u".local/share/qwen-proxy"_s)));
        QVERIFY(!QFile::exists(path(u".config/qwen-proxy"_s)));
        QVERIFY(!entry.exists());
        QVERIFY(foreign.exists());
        if (useKeychain()) {
            const auto gone = keychainRead(qp::Account::secretKey(m_provider));
            QVERIFY(!gone.ok());
            QCOMPARE(gone.error().kind, qp::Error::Kind::NotFound);
        }

        // Again: nothing left, and it says so.
        const Run again = run({u"purge"_s, u"--yes"_s});
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.contains(u"Nothing of Qwen Proxy's was left."_s), qPrintable(again.out));
    }
};

QTEST_GUILESS_MAIN(TestCliPurge)
#include "tst_cli_purge.moc"
