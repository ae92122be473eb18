// Numbers from outside (clients, upstreams, files) that no integer type holds: 1e300 where a token
// count or a time is due. Converting those unchecked was undefined behaviour (found by the fuzz
// targets, docs/fuzzing.md); now they saturate at 2^53 or are refused, the same on every compiler.
#include "auth/qwencredentials.h"
#include "common/jsoninteger.h"
#include "protocol/anthropiccommon.h"
#include "protocol/anthropicrequest.h"
#include "protocol/responsesrequest.h"
#include "settings/settings.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>
#include <limits>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 kLimit = qint64(1) << 53;

QJsonObject J(const char *json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!doc.isObject())
        qFatal("bad test JSON: %s", json);
    return doc.object();
}
} // namespace

class TestJsonInteger : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void saturates()
    {
        QCOMPARE(qp::jsonInteger(42.9), 42);
        QCOMPARE(qp::jsonInteger(-42.9), -42);
        QCOMPARE(qp::jsonInteger(1e300), kLimit);
        QCOMPARE(qp::jsonInteger(-1e300), -kLimit);
        QCOMPARE(qp::jsonInteger(std::numeric_limits<double>::infinity()), kLimit);
        QCOMPARE(qp::jsonInteger(std::numeric_limits<double>::quiet_NaN()), 0);
    }

    void anthropicMaxTokensAndBudget()
    {
        const auto out = qp::anthropic::toOpenAIRequest(
            J(R"({"model":"m","max_tokens":1e300,"messages":[{"role":"user","content":"hi"}],
                  "thinking":{"type":"enabled","budget_tokens":1e300}})"));
        QVERIFY(out.ok());
        QCOMPARE(out.value().value(u"max_tokens").toInteger(), kLimit);
        QCOMPARE(out.value().value(u"thinking_budget").toInteger(), kLimit);
    }

    void responsesMaxOutputTokens()
    {
        const auto out = qp::responses::toChatRequest(
            J(R"({"model":"m","input":"hi","max_output_tokens":1e300})"));
        QVERIFY(out.ok());
        QCOMPARE(out.value().chat.value(u"max_tokens").toInteger(), kLimit);
    }

    void upstreamUsage()
    {
        const auto u = qp::anthropic::usageFromOpenAI(J(
            R"({"prompt_tokens":1e300,"completion_tokens":-1e300,
                "prompt_tokens_details":{"cached_tokens":5,
                  "cache_creation":{"a":1e300,"b":1e300,"c":1e300}}})"));
        QCOMPARE(u.outputTokens, -kLimit);
        QCOMPARE(u.cacheReadTokens, 5);
        QCOMPARE(u.cacheCreationTokens, kLimit); // the sum saturates too
        QCOMPARE(u.inputTokens, 0);
    }

    void credentialsExpiry()
    {
        const auto file = qp::QwenCredentials::fromJson(J(
            R"({"access_token":"a","refresh_token":"r","token_type":"Bearer","expiry_date":1e300})"));
        QVERIFY(file.ok());
        QCOMPARE(file.value().expiryDateMs, kLimit);
        // And it writes back as the same number.
        QCOMPARE(qp::QwenCredentials::fromJson(file.value().toJson()).value().expiryDateMs, kLimit);

        const qint64 now = 1'780'000'000'000;
        const auto later = qp::QwenCredentials::fromTokenResponse(
            J(R"({"access_token":"a","refresh_token":"r","expires_in":1e300})"), now);
        QVERIFY(later.ok());
        QCOMPARE(later.value().expiryDateMs, kLimit);
        const auto past = qp::QwenCredentials::fromTokenResponse(
            J(R"({"access_token":"a","refresh_token":"r","expires_in":-1e303})"), now);
        QVERIFY(past.ok());
        QCOMPARE(past.value().expiryDateMs, -kLimit);
        QVERIFY(!past.value().isValidAt(now, 0));
        const auto normal = qp::QwenCredentials::fromTokenResponse(
            J(R"({"access_token":"a","refresh_token":"r","expires_in":3600})"), now);
        QCOMPARE(normal.value().expiryDateMs, now + 3'600'000);
    }

    void settingsRefuseHugeIntegers_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("1e300") << QByteArray(R"({"port": 1e300})");
        QTest::newRow("-1e300") << QByteArray(R"({"port": -1e300})");
        QTest::newRow("a fraction") << QByteArray(R"({"port": 80.5})");
    }
    void settingsRefuseHugeIntegers()
    {
        QFETCH(QByteArray, json);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"config.json"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(json);
        f.close();
        qp::Settings s;
        const auto err = s.load(path, QProcessEnvironment(), {});
        QVERIFY(err.has_value());
        QVERIFY2(err->message.contains(u"accepted: an integer"), qPrintable(err->message));
    }
};

QTEST_GUILESS_MAIN(TestJsonInteger)
#include "tst_jsoninteger.moc"
