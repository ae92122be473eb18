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
    void flushesUnterminatedEvent()
    {
        qp::SseSplitter s;
        QVERIFY(s.feed("data: tail").isEmpty());
        QCOMPARE(s.flush(), QList<QByteArray>{"tail"});
    }
};

QTEST_GUILESS_MAIN(TestSseSplitter)
#include "tst_ssesplitter.moc"
