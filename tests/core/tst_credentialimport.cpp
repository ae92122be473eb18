// `auth import`: qwen-code's oauth_creds.json and the seeds' oauth_creds_<id>.json files are
// copied into the account store, each file reported, nothing refreshed, the sources untouched.
#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "accounts/credentialimport.h"
#include "accounts/storedcredentialsource.h"
#include "secrets/memorysecretstore.h"
#include "support/accountbackend.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace qp;
using qp::test::AccountBackend;
using Outcome = ImportReportEntry::Outcome;

namespace {

QByteArray credsFile(const QString &access, const QString &refresh)
{
    // qwen-code's layout (§A.4): 2-space pretty JSON, expiry in ms.
    return QStringLiteral("{\n  \"access_token\": \"%1\",\n  \"refresh_token\": \"%2\",\n"
                          "  \"token_type\": \"Bearer\",\n  \"resource_url\": \"portal.qwen.ai\",\n"
                          "  \"expiry_date\": 1760000000000\n}\n")
        .arg(access, refresh)
        .toUtf8();
}

void put(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

QByteArray digestOfDir(const QString &dir)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    for (const QFileInfo &fi : QDir(dir).entryInfoList(QDir::Files, QDir::Name)) {
        QFile f(fi.absoluteFilePath());
        if (f.open(QIODevice::ReadOnly))
            h.addData(QByteArray(fi.fileName().toUtf8() + f.readAll()));
    }
    return h.result();
}

} // namespace

class TestCredentialImport : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_qwen;
    std::unique_ptr<AccountBackend> m_b; // store, secrets, service

    QList<ImportReportEntry> runImport(bool replace)
    {
        std::optional<QList<ImportReportEntry>> report;
        m_b->service->importFrom(m_qwen, replace, [&](QList<ImportReportEntry> r) { report = r; });
        if (!QTest::qWaitFor([&] { return report.has_value(); }, 5000))
            return {};
        return *report;
    }

    static const ImportReportEntry *entryFor(const QList<ImportReportEntry> &r, const QString &file)
    {
        for (const auto &e : r)
            if (QFileInfo(e.filePath).fileName() == file)
                return &e;
        return nullptr;
    }

private slots:
    void init()
    {
        m_qwen = m_tmp.filePath(QStringLiteral("qwen-%1").arg(QDateTime::currentMSecsSinceEpoch()));
        QVERIFY(QDir().mkpath(m_qwen));
        put(m_qwen + QStringLiteral("/oauth_creds.json"),
            credsFile(QStringLiteral("at-default"), QStringLiteral("rt-default")));
        put(m_qwen + QStringLiteral("/oauth_creds_work.json"),
            credsFile(QStringLiteral("at-work"), QStringLiteral("rt-work")));
        put(m_qwen + QStringLiteral("/oauth_creds_copy.json"),
            credsFile(QStringLiteral("at-default"), QStringLiteral("rt-default")));
        put(m_qwen + QStringLiteral("/oauth_creds_broken.json"), "{\"access_token\": \"x\"}");
        put(m_qwen + QStringLiteral("/oauth_creds_has space.json"),
            credsFile(QStringLiteral("a"), QStringLiteral("b")));
        put(m_qwen + QStringLiteral("/oauth_creds.lock"), "uuid");
        put(m_qwen + QStringLiteral("/settings.json"), "{}");

        m_b = std::make_unique<AccountBackend>();
        QVERIFY(m_b->open(OAuthConfig::defaults()));
    }
    void cleanup() { m_b.reset(); }

    void scanFindsBothLayouts()
    {
        const auto found = CredentialImport::scan(m_qwen);
        QStringList ids;
        for (const auto &c : found)
            ids << c.accountId;
        QCOMPARE(ids, (QStringList{QStringLiteral("default"), QStringLiteral("broken"),
                                   QStringLiteral("copy"), QStringLiteral("has space"),
                                   QStringLiteral("work")}));
        QVERIFY(found.at(0).isQwenCodeFile);
        QVERIFY(found.at(0).credentials);
        QCOMPARE(found.at(0).credentials->accessToken, QStringLiteral("at-default"));
        QCOMPARE(found.at(0).credentials->expiryDateMs, 1760000000000);
        QVERIFY(!found.at(1).credentials);
        QVERIFY(found.at(2).warning.contains(QStringLiteral("\"default\"")));
        QVERIFY(!found.at(3).credentials);
        QVERIFY(found.at(4).warning.isEmpty());
        // The id for qwen-code's own file can be chosen.
        QCOMPARE(CredentialImport::scan(m_qwen, QStringLiteral("cli")).first().accountId,
                 QStringLiteral("cli"));
    }

    void importReportsEachFile()
    {
        const QByteArray before = digestOfDir(m_qwen);
        const auto report = runImport(false);
        QCOMPARE(report.size(), 5);
        QCOMPARE(entryFor(report, QStringLiteral("oauth_creds.json"))->outcome, Outcome::Imported);
        QVERIFY(!entryFor(report, QStringLiteral("oauth_creds.json"))->warning.isEmpty());
        QCOMPARE(entryFor(report, QStringLiteral("oauth_creds_work.json"))->outcome,
                 Outcome::Imported);
        QCOMPARE(entryFor(report, QStringLiteral("oauth_creds_copy.json"))->outcome,
                 Outcome::Imported);
        QCOMPARE(entryFor(report, QStringLiteral("oauth_creds_broken.json"))->outcome,
                 Outcome::Invalid);
        QCOMPARE(entryFor(report, QStringLiteral("oauth_creds_has space.json"))->outcome,
                 Outcome::Invalid);
        QVERIFY(entryFor(report, QStringLiteral("oauth_creds_work.json"))
                    ->toLine()
                    .startsWith(QStringLiteral("imported oauth_creds_work.json -> work")));

        QCOMPARE(m_b->store->list()->size(), 3);
        QCOMPARE(m_b->store->defaultAccountId(), QStringLiteral("default"));
        QCOMPARE(m_b->store->get(QStringLiteral("work"))->resourceUrl,
                 QStringLiteral("portal.qwen.ai"));
        auto stored = StoredCredentialSource::deserialize(
            m_b->secrets->contents().value(Account::secretKey(QStringLiteral("work"))));
        QVERIFY(stored);
        QCOMPARE(stored->accessToken, QStringLiteral("at-work"));
        QCOMPARE(stored->refreshToken, QStringLiteral("rt-work"));
        QCOMPARE(stored->expiryDateMs, 1760000000000); // copied, not refreshed
        QCOMPARE(digestOfDir(m_qwen), before);         // the sources are untouched
    }

    void reimportSkipsOrReplaces()
    {
        runImport(false);
        put(m_qwen + QStringLiteral("/oauth_creds_work.json"),
            credsFile(QStringLiteral("at-new"), QStringLiteral("rt-new")));
        auto again = runImport(false);
        QCOMPARE(entryFor(again, QStringLiteral("oauth_creds_work.json"))->outcome,
                 Outcome::SkippedExisting);
        QCOMPARE(StoredCredentialSource::deserialize(
                     m_b->secrets->contents().value(Account::secretKey(QStringLiteral("work"))))
                     ->accessToken,
                 QStringLiteral("at-work"));
        auto replaced = runImport(true);
        QCOMPARE(entryFor(replaced, QStringLiteral("oauth_creds_work.json"))->outcome,
                 Outcome::Replaced);
        QCOMPARE(StoredCredentialSource::deserialize(
                     m_b->secrets->contents().value(Account::secretKey(QStringLiteral("work"))))
                     ->accessToken,
                 QStringLiteral("at-new"));
        QCOMPARE(m_b->store->list()->size(), 3);
    }

    void secretStoreFailureIsReported()
    {
        m_b->secrets->setFailure(
            Error::make(Error::Kind::Internal, QStringLiteral("keychain locked")));
        const auto report = runImport(false);
        const auto *work = entryFor(report, QStringLiteral("oauth_creds_work.json"));
        QCOMPARE(work->outcome, Outcome::Failed);
        QVERIFY(work->message.contains(QStringLiteral("keychain locked")));
        QVERIFY(m_b->store->list()->isEmpty()); // no row without its secrets
    }

    void emptyOrMissingDirectory()
    {
        QVERIFY(CredentialImport::scan(m_tmp.filePath(QStringLiteral("does-not-exist"))).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCredentialImport)
#include "tst_credentialimport.moc"
