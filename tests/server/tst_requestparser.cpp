#include "http/requestparser.h"

#include <QtTest>

using qp::http::RequestParser;

class TestRequestParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesAnyFragmentation_data()
    {
        QTest::addColumn<int>("pieceSize");
        for (int n : {1, 2, 3, 7, 64, 100000})
            QTest::addRow("pieces of %d", n) << n;
    }
    void parsesAnyFragmentation()
    {
        QFETCH(int, pieceSize);
        const QByteArray raw = "POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: h\r\n"
                               "Content-Length: 5\r\nX-Api-Key: k\r\n\r\nhello"
                               "GET /health HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
        RequestParser p;
        QByteArray buf;
        QList<qp::http::HttpRequest> got;
        for (qsizetype i = 0; i < raw.size(); i += pieceSize) {
            buf += raw.mid(i, pieceSize);
            while (p.feed(buf) == RequestParser::State::Done)
                got.append(p.takeRequest());
            QVERIFY(p.state() != RequestParser::State::Error);
        }
        QCOMPARE(got.size(), 2);
        QCOMPARE(got[0].method, QByteArray("POST"));
        QCOMPARE(got[0].path, QByteArray("/v1/chat/completions"));
        QCOMPARE(got[0].query, QByteArray("x=1"));
        QCOMPARE(got[0].body, QByteArray("hello"));
        QCOMPARE(got[0].header("x-api-key"), QByteArray("k"));
        QVERIFY(got[0].keepAlive);
        QCOMPARE(got[1].path, QByteArray("/health"));
        QVERIFY(!got[1].keepAlive);
    }

    // Empty lines before a request are skipped however they arrive: a CR in one read and its LF
    // in the next used to start a request at the CR and answer 400 (tests/fuzz, http_request).
    void emptyLineSplitBetweenCrAndLf()
    {
        RequestParser p;
        QByteArray buf = "\r\n\r";
        QCOMPARE(p.feed(buf), RequestParser::State::Idle);
        buf += "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
        QCOMPARE(p.feed(buf), RequestParser::State::Done);
        QCOMPARE(p.takeRequest().path, QByteArray("/"));
    }

    void chunkedBody()
    {
        RequestParser p;
        QByteArray buf = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n";
        QCOMPARE(p.feed(buf), RequestParser::State::Done);
        QCOMPARE(p.takeRequest().body, QByteArray("hello world"));
        QVERIFY(buf.isEmpty());
    }

    void expectContinue()
    {
        RequestParser p;
        QByteArray buf =
            "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
        QCOMPARE(p.feed(buf), RequestParser::State::Body);
        QVERIFY(p.expectsContinue());
        QVERIFY(p.headersComplete());
        buf += "abc";
        QCOMPARE(p.feed(buf), RequestParser::State::Done);
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        QTest::newRow("garbage") << QByteArray("HELLO\r\n\r\n") << 400;
        QTest::newRow("absolute URL target")
            << QByteArray("GET http://x/ HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
        QTest::newRow("CL + TE") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: "
                                               "1\r\nTransfer-Encoding: chunked\r\n\r\n")
                                 << 400;
        QTest::newRow("gzip TE")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
            << 501;
        QTest::newRow("overflowing CL")
            << QByteArray(
                   "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n")
            << 413;
        QTest::newRow("CL over limit")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n") << 413;
        QTest::newRow("chunked over limit")
            << QByteArray(
                   "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFF\r\n")
            << 413;
        QTest::newRow("NUL in value")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 35) << 400;
        QTest::newRow("folded header")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n") << 400;
        QTest::newRow("two Hosts")
            << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
        // What hostile input got through before (each was followed by a smuggled request).
        const QByteArray chunkedHead =
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        QTest::newRow("chunk size with 0x") << chunkedHead + "0x5\r\nhello\r\n0\r\n\r\n" << 400;
        QTest::newRow("chunk size with +") << chunkedHead + "+5\r\nhello\r\n0\r\n\r\n" << 400;
        QTest::newRow("chunk size -0") << chunkedHead + "-0\r\n\r\n" << 400;
        QTest::newRow("chunk size with a leading space") << chunkedHead + " 5\r\nhello\r\n0\r\n\r\n"
                                                         << 400;
        QTest::newRow("chunk size with a trailing space")
            << chunkedHead + "5 \r\nhello\r\n0\r\n\r\n"
            << 400;
        QTest::newRow("empty chunk size") << chunkedHead + "\r\nhello\r\n" << 400;
        QTest::newRow("CR inside a chunk extension")
            << chunkedHead + "5;a=b\rc\r\nhello\r\n0\r\n\r\n"
            << 400;
        QTest::newRow("bare LF inside a chunk extension")
            << chunkedHead + "5;a\nb\r\nhello\r\n0\r\n\r\n"
            << 400;
        QTest::newRow("vertical tab before chunked")
            << QByteArray(
                   "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \vchunked\r\n\r\n0\r\n\r\n")
            << 400;
        QTest::newRow("control character in a value")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n") << 400;
        QTest::newRow("DEL in a value")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n") << 400;
        QTest::newRow("bare LF in a value")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX: a\nContent-Length: 5\r\n\r\n") << 400;
        QTest::newRow("Content-Length in the trailer")
            << chunkedHead + "5\r\nhello\r\n0\r\nContent-Length: 40\r\n\r\n"
            << 400;
        QTest::newRow("Transfer-Encoding in the trailer")
            << chunkedHead + "0\r\nTransfer-Encoding: chunked\r\n\r\n"
            << 400;
        QTest::newRow("Host in the trailer") << chunkedHead + "0\r\nHost: evil.example\r\n\r\n"
                                             << 400;
        QTest::newRow("malformed trailer") << chunkedHead + "0\r\nno colon here\r\n\r\n" << 400;
        QTest::newRow("Transfer-Encoding in HTTP/1.0")
            << QByteArray(
                   "POST / HTTP/1.0\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
            << 400;
        QTest::newRow("HTTP/1.0 without Host") << QByteArray("GET / HTTP/1.0\r\n\r\n") << 400;
        QTest::newRow("a 16 KiB URL")
            << "GET /" + QByteArray(16 * 1024, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n"
            << 414;
        QTest::newRow("150 header fields") << []() -> QByteArray {
            QByteArray r = "GET / HTTP/1.1\r\nHost: h\r\n";
            for (int i = 0; i < 150; ++i)
                r += "X-" + QByteArray::number(i) + ": v\r\n";
            return r + "\r\n";
        }() << 431;
        QTest::newRow("too many fields") << []() -> QByteArray {
            QByteArray r = "GET / HTTP/1.1\r\nHost: h\r\n";
            for (int i = 0; i < 300; ++i)
                r += "X-" + QByteArray::number(i) + ": v\r\n";
            return r + "\r\n";
        }() << 431;
    }
    void rejects()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        qp::http::ParserLimits limits;
        limits.maxBodyBytes = 1000;
        RequestParser p(limits);
        QByteArray buf = raw;
        QCOMPARE(p.feed(buf), RequestParser::State::Error);
        QCOMPARE(p.errorStatus(), status);
        QVERIFY(!p.errorMessage().isEmpty());
    }

    void acceptsWhatTheStandardAllows_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("body");
        const QByteArray chunkedHead =
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        QTest::newRow("upper-case hex size") << chunkedHead + "A\r\n0123456789\r\n0\r\n\r\n"
                                             << QByteArray("0123456789");
        QTest::newRow("a chunk extension") << chunkedHead + "5;name=value\r\nhello\r\n0\r\n\r\n"
                                           << QByteArray("hello");
        QTest::newRow("an ordinary trailer")
            << chunkedHead + "5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n"
            << QByteArray("hello");
        QTest::newRow("a tab in a value")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nX: a\tb\r\nContent-Length: 2\r\n\r\nok")
            << QByteArray("ok");
        QTest::newRow("an 8 KiB URL")
            << "GET /" + QByteArray(8 * 1024 - 1, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n"
            << QByteArray();
    }
    void acceptsWhatTheStandardAllows()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, body);
        RequestParser p;
        QByteArray buf = raw;
        QCOMPARE(p.feed(buf), RequestParser::State::Done);
        QCOMPARE(p.takeRequest().body, body);
        QVERIFY(buf.isEmpty());
    }

    void http10KeepAlive()
    {
        RequestParser p;
        QByteArray buf = "GET / HTTP/1.0\r\nHost: h\r\n\r\n";
        QCOMPARE(p.feed(buf), RequestParser::State::Done);
        QVERIFY(!p.takeRequest().keepAlive);
        buf = "GET / HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\n";
        QCOMPARE(p.feed(buf), RequestParser::State::Done);
        QVERIFY(p.takeRequest().keepAlive);
    }
};

QTEST_GUILESS_MAIN(TestRequestParser)
#include "tst_requestparser.moc"
