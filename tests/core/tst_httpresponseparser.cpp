// HttpResponseParser fed the same bytes whole, one byte at a time and in odd-sized pieces: every
// split point (inside a status line, a CRLF, a chunk size, a trailer) must give the same result.
#include "upstream/httpresponseparser.h"

#include <QtTest>

using namespace qp;
using Event = HttpResponseParser::Event;

namespace {
struct Outcome {
    int status = 0;
    int heads = 0;
    QByteArray body;
    bool done = false;
    bool error = false;
};

Outcome run(const QByteArray &bytes, qsizetype piece, bool head = false, bool eof = false)
{
    HttpResponseParser p;
    p.start(head);
    Outcome o;
    for (qsizetype i = 0; i < bytes.size() && !o.done && !o.error; i += piece) {
        p.append(bytes.mid(i, piece));
        for (Event e = p.next(); e != Event::NeedMore; e = p.next()) {
            if (e == Event::Head) {
                ++o.heads;
                o.status = p.status();
            } else if (e == Event::Body) {
                o.body += p.takeBody();
            } else {
                o.done = e == Event::Done;
                o.error = e == Event::Error;
                break;
            }
        }
    }
    if (eof && !o.done && !o.error)
        o.done = p.eof() == HttpResponseParser::EofResult::Complete;
    return o;
}
} // namespace

class TestHttpResponseParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void splitAnywhere_data();
    void splitAnywhere();
    void eofResults();
};

void TestHttpResponseParser::splitAnywhere_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("readUntilClose");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("error");
    QTest::newRow("content-length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << false << 200
        << QByteArray("hello") << false;
    QTest::newRow("chunked, extensions, trailers")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5;a=b\r\nhello\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nT: 1\r\n\r\n")
        << false << 200 << QByteArray("helloabcdefghijklmnopqrstuvwxyz") << false;
    QTest::newRow("interim then final")
        << QByteArray(
               "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
        << false << 201 << QByteArray("ok") << false;
    QTest::newRow("read until close") << QByteArray("HTTP/1.1 200 OK\r\n\r\nall of it") << true
                                      << 200 << QByteArray("all of it") << false;
    QTest::newRow("chunk without CRLF after data")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n")
        << false << 200 << QByteArray("ok") << true;
    QTest::newRow("chunk size overflow")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "ffffffffffffffffff\r\n")
        << false << 200 << QByteArray() << true;
}

void TestHttpResponseParser::splitAnywhere()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, readUntilClose);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, error);
    for (qsizetype piece : {bytes.size(), qsizetype(1), qsizetype(2), qsizetype(3), qsizetype(7)}) {
        const Outcome o = run(bytes, piece, false, readUntilClose);
        QVERIFY2(o.error == error, qPrintable(QStringLiteral("piece %1").arg(piece)));
        if (!error) { // after an error, how much body came out first depends on the split
            QCOMPARE(o.body, body);
            QCOMPARE(o.heads, 1);
            QCOMPARE(o.status, status);
            QVERIFY(o.done);
        }
    }
}

void TestHttpResponseParser::eofResults()
{
    HttpResponseParser p;
    p.start(false);
    QCOMPARE(p.eof(), HttpResponseParser::EofResult::NothingReceived);
    p.start(false);
    p.append("HTTP/1.1 200 OK\r\n");
    QCOMPARE(p.next(), Event::NeedMore);
    QCOMPARE(p.eof(), HttpResponseParser::EofResult::Truncated);
    p.start(false);
    p.append("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab");
    QCOMPARE(p.next(), Event::Head);
    QCOMPARE(p.next(), Event::Body);
    QCOMPARE(p.eof(), HttpResponseParser::EofResult::Truncated);
    QVERIFY(p.receivedAnything());
}

QTEST_GUILESS_MAIN(TestHttpResponseParser)
#include "tst_httpresponseparser.moc"
