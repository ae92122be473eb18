// The secrets canary's search (tests/support/canaryscan.h): a canary must be found in each form
// a leak would take, wherever it sits in a larger text, and not where it is allowed. A search
// that missed an encoding would let tst_secrets_canary pass over a real leak.
#include "canaryscan.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUrl>

using namespace qp::test;
using namespace Qt::StringLiterals;

namespace {
const QByteArray kSecret = "cnryToken0Ab3+Cd/Ef=Gh4Ij5Kl6Mn7";
} // namespace

class TestCanaryScan : public QObject
{
    Q_OBJECT
    CanaryScanner m_scanner;

private Q_SLOTS:
    void initTestCase() { m_scanner.add(u"token"_s, kSecret); }

    void foundInEachForm_data()
    {
        QTest::addColumn<QByteArray>("haystack");
        QTest::addColumn<QString>("form");
        QTest::newRow("a log line") << QByteArray("refreshing with " + kSecret + " now") << "raw";
        QTest::newRow("cut short")
            << QByteArray("token=" + kSecret.left(20) + "...") << "first 16 bytes";
        QTest::newRow("its tail") << QByteArray("...") + kSecret.right(18) << "last 16 bytes";
        for (int lead = 0; lead < 3; ++lead) {
            // Inside a larger value, encoded as a whole: the secret store keeps JSON this way.
            const QByteArray blob =
                QByteArray(lead, 'x') + "{\"access_token\":\"" + kSecret + "\",\"expiry\":1}";
            QTest::addRow("base64 of a blob, lead %d", lead)
                << QByteArray("\"v\":\"" + blob.toBase64() + "\"") << "base64";
            QTest::addRow("base64url of a blob, lead %d", lead)
                << blob.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
                << "base64url";
        }
        QTest::newRow("a form body")
            << QByteArray("grant_type=x&token=" +
                          QUrl::toPercentEncoding(QString::fromLatin1(kSecret)))
            << "percent-encoded";
        QTest::newRow("JSON with escaped slashes")
            << QByteArray("{\"t\":\"" + QByteArray(kSecret).replace("/", "\\/") + "\"}")
            << "JSON-escaped";
        QTest::newRow("a hex dump") << kSecret.toHex() << "hex";
    }
    void foundInEachForm()
    {
        QFETCH(QByteArray, haystack);
        QFETCH(QString, form);
        const QList<CanaryFinding> found = m_scanner.scan(u"test"_s, haystack);
        QCOMPARE(found.size(), 1); // one finding per canary and source
        QCOMPARE(found.first().canary, u"token"_s);
        // Found by the form meant for this case, not only by another one that happens to match.
        bool byThatForm = false;
        for (const auto &[name, bytes] : CanaryScanner::forms(kSecret))
            byThatForm = byThatForm || (name.startsWith(form) && haystack.contains(bytes));
        QVERIFY(byThatForm);
    }

    void notFoundWhereAllowedOrAbsent()
    {
        QVERIFY(m_scanner.scan(u"allowed"_s, kSecret, {u"token"_s}).isEmpty());
        QVERIFY(m_scanner.scan(u"masked"_s, "refreshing with *** now cnryToken0A").isEmpty());
        // A JSON document that quotes another token is not a finding.
        const QByteArray other =
            QJsonDocument(QJsonObject{{u"access_token"_s, u"cnryOther0Zz9Yy8Xx7Ww6Vv5"_s}})
                .toJson()
                .toBase64();
        QVERIFY(m_scanner.scan(u"other"_s, other).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCanaryScan)
#include "tst_canaryscan.moc"
