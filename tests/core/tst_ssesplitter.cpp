#include "upstream/ssesplitter.h"

#include <QtTest>

class TestSseSplitter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void splitsAtEveryBoundary_data()
    {
        QTest::addColumn<int>("pieceSize");
        for (int n : {1, 2, 5, 13, 1000})
            QTest::addRow("pieces of %d", n) << n;
    }
    void splitsAtEveryBoundary()
    {
        QFETCH(int, pieceSize);
        const QByteArray stream = ": comment\n\ndata: {\"a\":1}\n\nevent: x\r\ndata:{\"b\":2}\r\n\r\n"
                                  "data: line1\ndata: line2\n\nid: 7\ndata: [DONE]\n\n";
        qp::SseSplitter s;
        QList<QByteArray> out;
        for (qsizetype i = 0; i < stream.size(); i += pieceSize)
            out += s.feed(stream.mid(i, pieceSize));
        out += s.flush();
        const QList<QByteArray> expected{"{\"a\":1}", "{\"b\":2}", "line1\nline2", "[DONE]"};
        QCOMPARE(out, expected);
    }
    // An upstream that never sends a newline must not grow memory without bound.
    void aLineOverOneMebibyteEndsTheStream()
    {
        for (int piece : {4096, 1 << 21}) {
            qp::SseSplitter s;
            QList<QByteArray> out = s.feed("data: before\n\n");
            const QByteArray endless = "data: " + QByteArray(qp::kMaxSseEventBytes + 10, 'x');
            for (qsizetype i = 0; i < endless.size(); i += piece)
                out += s.feed(QByteArrayView(endless).sliced(i, std::min<qsizetype>(piece, endless.size() - i)));
            QVERIFY(s.overflowed());
            QCOMPARE(out, QList<QByteArray>{"before"});
            QVERIFY(!s.hasPartial()); // what was pending is dropped
            QVERIFY(s.feed("\n\ndata: after\n\n").isEmpty());
            QVERIFY(s.flush().isEmpty());
        }
        // Many lines of one event count together.
        qp::SseSplitter many;
        const QByteArray line = "data: " + QByteArray(1000, 'y') + "\n";
        for (int i = 0; i < 1100 && !many.overflowed(); ++i)
            QVERIFY(many.feed(line).isEmpty());
        QVERIFY(many.overflowed());
        // Just under the bound is fine.
        qp::SseSplitter fits;
        const QByteArray big = QByteArray(qp::kMaxSseEventBytes - 100, 'z');
        QCOMPARE(fits.feed(QByteArray("data: " + big + "\n\n")), QList<QByteArray>{big});
        QVERIFY(!fits.overflowed());
    }
    void framesOverOneMebibyteEndTheStream()
    {
        qp::SseFrameSplitter s;
        QCOMPARE(s.feed("event: ping\ndata: {}\n\n").size(), 1);
        const QByteArray endless = "data: " + QByteArray(qp::kMaxSseEventBytes + 10, 'x');
        for (qsizetype i = 0; i < endless.size(); i += 65536)
            QVERIFY(s.feed(QByteArrayView(endless).sliced(i, std::min<qsizetype>(65536, endless.size() - i))).isEmpty());
        QVERIFY(s.overflowed());
        QVERIFY(s.flush().isEmpty());
    }
    void flushesUnterminatedEvent()
    {
        qp::SseSplitter s;
        QVERIFY(s.feed("data: tail").isEmpty());
        QCOMPARE(s.flush(), QList<QByteArray>{"tail"});
    }
};

QTEST_GUILESS_MAIN(TestSseSplitter)
#include "tst_ssesplitter.moc"
