// The one error classifier: every upstream answer (HTTP error, in-band stream error, Qwen's
// error_finish) gets its kind and class here, the same for both dialects.
#include "upstream/errorclass.h"
#include "upstream/upstreamerror.h"

#include <QtTest>

using namespace qp;

class TestErrorClassifier : public QObject
{
    Q_OBJECT
private slots:
    void http_data();
    void http();
    void inBand_data();
    void inBand();
    void retryAfter();
    void redirectsAreGatewayErrors();
    void upstreamTextIsQuotedOnlyWhenPrintableAndShort();
    void ownErrorsAreLocal();
};

Q_DECLARE_METATYPE(qp::Error::Kind)
Q_DECLARE_METATYPE(qp::ErrorClass)

void TestErrorClassifier::http_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<Error::Kind>("kind");
    QTest::addColumn<ErrorClass>("cls");
    using K = Error::Kind;
    using C = ErrorClass;
    QTest::newRow("openai insufficient_quota")
        << 429
        << QByteArray(
               R"({"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}})")
        << K::Quota << C::Quota;
    QTest::newRow("qwen free allocated quota")
        << 429 << QByteArray(R"({"error":{"message":"Free allocated quota exceeded."}})")
        << K::Quota << C::Quota;
    QTest::newRow("dashscope native allocation quota")
        << 429
        << QByteArray(
               R"({"code":"Throttling.AllocationQuota","message":"Allocated quota exceeded, please increase your quota limit."})")
        << K::Quota << C::Quota;
    QTest::newRow("plan window spent")
        << 429
        << QByteArray(
               R"({"error":{"message":"You have reached the 5-hour usage limit of your Coding Plan. Quota reached."}})")
        << K::Quota << C::Quota;
    QTest::newRow("dashscope rate quota is throttling")
        << 429
        << QByteArray(
               R"({"code":"Throttling.RateQuota","message":"Requests rate limit exceeded, please try again later."})")
        << K::RateLimited << C::Transient;
    QTest::newRow("plain 429") << 429 << QByteArray(R"({"error":{"message":"Too many requests"}})")
                               << K::RateLimited << C::Transient;
    QTest::newRow("arrears")
        << 400
        << QByteArray(
               R"({"error":{"message":"Access denied, please make sure your account is in good standing.","code":"Arrearage"}})")
        << K::Discontinued << C::Discontinued;
    QTest::newRow("free tier ended in words")
        << 403
        << QByteArray(R"({"error":{"message":"The Qwen OAuth free tier has been discontinued."}})")
        << K::Discontinued << C::Discontinued;
    QTest::newRow("banned") << 403
                            << QByteArray(
                                   R"({"error":{"message":"This account has been banned."}})")
                            << K::Discontinued << C::Discontinued;
    QTest::newRow("payment required")
        << 402 << QByteArray(R"({"error":{"message":"Insufficient credits"}})") << K::Discontinued
        << C::Discontinued;
    QTest::newRow("bad key")
        << 401
        << QByteArray(
               R"({"error":{"message":"Incorrect API key provided","code":"invalid_api_key"}})")
        << K::UpstreamAuth << C::Auth;
    QTest::newRow("forbidden") << 403 << QByteArray(R"({"error":{"message":"Access denied"}})")
                               << K::Forbidden << C::Auth;
    QTest::newRow("bad request") << 400
                                 << QByteArray(
                                        R"({"error":{"message":"messages must not be empty"}})")
                                 << K::InvalidRequest << C::Client;
    QTest::newRow("unprocessable")
        << 422 << QByteArray(R"({"error":{"message":"bad tool schema"}})") << K::InvalidRequest
        << C::Client;
    QTest::newRow("context length")
        << 400
        << QByteArray(
               R"({"error":{"message":"This model's maximum context length is 131072 tokens","code":"context_length_exceeded"}})")
        << K::InvalidRequest << C::Client;
    QTest::newRow("model not found")
        << 404 << QByteArray(R"({"error":{"message":"model not found"}})") << K::NotFound
        << C::Client;
    QTest::newRow("too large") << 413 << QByteArray("Request Entity Too Large")
                               << K::PayloadTooLarge << C::Client;
    QTest::newRow("server error") << 500 << QByteArray("oops") << K::UpstreamError << C::Transient;
    QTest::newRow("bad gateway html")
        << 502 << QByteArray("<html>bad gateway</html>") << K::UpstreamError << C::Transient;
    QTest::newRow("overloaded") << 529 << QByteArray(R"({"error":{"message":"Overloaded"}})")
                                << K::Overloaded << C::Transient;
    QTest::newRow("request timeout") << 408 << QByteArray() << K::UpstreamTimeout << C::Transient;
}

void TestErrorClassifier::http()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(Error::Kind, kind);
    QFETCH(ErrorClass, cls);
    const Error e = classifyHttpError(status, body, QByteArray(), QStringLiteral("up"));
    QCOMPARE(int(e.kind), int(kind));
    QCOMPARE(errorClassName(errorClassOf(e)), errorClassName(cls));
    QCOMPARE(e.upstreamStatus, status);
    QVERIFY(!e.message.isEmpty());
}

void TestErrorClassifier::redirectsAreGatewayErrors()
{
    for (int status : {301, 302, 307, 308}) {
        const Error e = classifyHttpError(status, "", QByteArray(), QStringLiteral("cp"));
        QCOMPARE(int(e.kind), int(Error::Kind::UpstreamError)); // 502 to the client, not 400
        QVERIFY2(e.message.contains(QStringLiteral("redirect")), qPrintable(e.message));
        QVERIFY(e.message.contains(QString::number(status)));
        // Not retried: the same request would be redirected again.
        QCOMPARE(errorClassName(errorClassOf(e)), errorClassName(ErrorClass::Blocked));
    }
}

void TestErrorClassifier::upstreamTextIsQuotedOnlyWhenPrintableAndShort()
{
    const QByteArray binary("\x01\x02\xff\xfe\x1b[31mPK\x03\x04", 14);
    Error e = classifyHttpError(500, binary, QByteArray(), QStringLiteral("up"));
    QVERIFY2(!e.message.contains(QChar(0x1b)) && !e.message.contains(QChar(1)),
             qPrintable(e.message));
    QVERIFY2(e.message.contains(QStringLiteral("14 bytes that are not text")),
             qPrintable(e.message));
    e = classifyHttpError(400, QByteArray(10000, 'a'), QByteArray(), QStringLiteral("up"));
    QVERIFY2(e.message.size() <= 301, qPrintable(QString::number(e.message.size())));
    // A JSON message with a control character is not echoed either.
    e = classifyHttpError(400, R"({"error":{"message":"bad\u0007thing"}})", QByteArray(),
                          QStringLiteral("up"));
    QVERIFY2(!e.message.contains(QChar(7)), qPrintable(e.message));
    // Plain short text still reaches the client, on one line.
    e = classifyHttpError(400, "model not found:\n  qwen9", QByteArray(), QStringLiteral("up"));
    QCOMPARE(e.message, QStringLiteral("model not found: qwen9"));
}

void TestErrorClassifier::inBand_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("code");
    QTest::addColumn<ErrorClass>("cls");
    using C = ErrorClass;
    QTest::newRow("throttling") << QStringLiteral("Requests throttling triggered.") << QString()
                                << C::Transient;
    QTest::newRow("quota") << QStringLiteral("Free allocated quota exceeded.")
                           << QStringLiteral("insufficient_quota") << C::Quota;
    QTest::newRow("suspended") << QStringLiteral("Your account is suspended.") << QString()
                               << C::Discontinued;
    QTest::newRow("context") << QStringLiteral("Range of input length should be [1, 98304]")
                             << QString() << C::Client;
    QTest::newRow("generic") << QStringLiteral("Internal server error") << QString()
                             << C::Transient;
}

void TestErrorClassifier::inBand()
{
    QFETCH(QString, message);
    QFETCH(QString, code);
    QFETCH(ErrorClass, cls);
    const Error e = classifyStreamError(message, code);
    QCOMPARE(errorClassName(errorClassOf(e)), errorClassName(cls));
    QCOMPARE(e.message, message);
}

void TestErrorClassifier::retryAfter()
{
    const Error e =
        classifyHttpError(429, R"({"error":{"message":"slow down"}})", "17", QStringLiteral("up"));
    QCOMPARE(e.retryAfterSeconds.value_or(-1), 17);
    QVERIFY(!classifyHttpError(429, "{}", "soon", QStringLiteral("up")).retryAfterSeconds);

    // HTTP dates as servers send them (IMF-fixdate, "GMT"): Qt 6.4 refused those outright.
    const QByteArray inAMinute = QDateTime::currentDateTimeUtc()
                                     .addSecs(60)
                                     .toString(u"ddd, dd MMM yyyy hh:mm:ss 'GMT'")
                                     .toLatin1();
    const int wait = parseRetryAfter(inAMinute).value_or(-1);
    QVERIFY2(wait >= 58 && wait <= 60, inAMinute);
    QCOMPARE(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), 0); // past: retry now
    // Beyond an int: clamped, where converting wrapped around to a negative wait (tests/fuzz).
    constexpr int most = std::numeric_limits<int>::max();
    QCOMPARE(parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT"), most);
    QCOMPARE(parseRetryAfter("Fri, 31 Dec 2100 23:59:59 +0000"), most);
    QCOMPARE(parseRetryAfter("99999999999"), most);
    QCOMPARE(parseRetryAfter("123456789012345678901234567890"), most);
    QVERIFY(!parseRetryAfter("-1"));
}

void TestErrorClassifier::ownErrorsAreLocal()
{
    // Our own refusals say nothing about an account: the pool must not cool or park on them.
    for (auto k : {Error::Kind::NoUpstream, Error::Kind::Internal, Error::Kind::Unauthenticated,
                   Error::Kind::Conflict, Error::Kind::Forbidden})
        QCOMPARE(errorClassOf(Error::make(k, QStringLiteral("x"))), ErrorClass::Local);
    QVERIFY(!isRotatable(ErrorClass::Client));
    QVERIFY(!isRotatable(ErrorClass::Local));
    QVERIFY(isRotatable(ErrorClass::Quota));
    QVERIFY(isRotatable(ErrorClass::Transient));
}

QTEST_GUILESS_MAIN(TestErrorClassifier)
#include "tst_errorclassifier.moc"
