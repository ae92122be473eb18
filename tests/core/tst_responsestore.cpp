// The bounded memory store behind previous_response_id and item_reference.

#include "protocol/responsestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace qp::responses;
using namespace Qt::StringLiterals;

namespace {
QJsonObject message(const QString &id, const QString &role, const QString &text)
{
    QJsonObject m{{u"type"_s, u"message"_s}, {u"role"_s, role}, {u"content"_s, text}};
    if (!id.isEmpty())
        m.insert(u"id"_s, id);
    return m;
}
QJsonObject request(const QJsonValue &input, const QString &previous = {})
{
    QJsonObject b{{u"model"_s, u"m"_s}, {u"input"_s, input}};
    if (!previous.isEmpty())
        b.insert(u"previous_response_id"_s, previous);
    return b;
}
} // namespace

class TestResponseStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void previousResponsePrependsInputAndOutput()
    {
        ResponseStore store(10, 1 << 20);
        store.put(u"resp_1"_s, inputItems(request(u"q1"_s)),
                  QJsonArray{message(u"msg_1"_s, u"assistant"_s, u"a1"_s)});
        const auto expanded = store.expand(request(u"q2"_s, u"resp_1"_s));
        QVERIFY(expanded.ok());
        const QJsonArray input = expanded->value(u"input"_s).toArray();
        QCOMPARE(input.size(), 3);
        QCOMPARE(input.at(0).toObject().value(u"content"_s).toString(), u"q1"_s);
        QCOMPARE(input.at(1).toObject().value(u"id"_s).toString(), u"msg_1"_s);
        QCOMPARE(input.at(2).toObject().value(u"content"_s).toString(), u"q2"_s);
        QVERIFY(!expanded->contains(u"previous_response_id"_s));
    }

    void itemReferenceIsReplaced()
    {
        ResponseStore store(10, 1 << 20);
        store.put(u"resp_1"_s, QJsonArray{message(u"in_1"_s, u"user"_s, u"q1"_s)},
                  QJsonArray{message(u"msg_1"_s, u"assistant"_s, u"a1"_s)});
        for (const QString &id : {u"in_1"_s, u"msg_1"_s}) {
            const auto expanded = store.expand(
                request(QJsonArray{QJsonObject{{u"type"_s, u"item_reference"_s}, {u"id"_s, id}}}));
            QVERIFY(expanded.ok());
            QCOMPARE(
                expanded->value(u"input"_s).toArray().first().toObject().value(u"id"_s).toString(),
                id);
        }
    }

    void missesNameWhatIsMissing()
    {
        ResponseStore store(10, 1 << 20);
        auto e = store.expand(request(u"q"_s, u"resp_x"_s));
        QVERIFY(!e.ok());
        QCOMPARE(e.error().code, u"previous_response_not_found"_s);
        QCOMPARE(e.error().param, u"previous_response_id"_s);
        e = store.expand(request(
            QJsonArray{message({}, u"user"_s, u"q"_s),
                       QJsonObject{{u"type"_s, u"item_reference"_s}, {u"id"_s, u"fc_x"_s}}}));
        QVERIFY(!e.ok());
        QCOMPARE(e.error().param, u"input[1].id"_s);
    }

    void boundedByCountAndBytes()
    {
        ResponseStore byCount(2, 1 << 20);
        for (int i = 0; i < 3; ++i)
            byCount.put(u"resp_%1"_s.arg(i),
                        QJsonArray{message(u"m%1"_s.arg(i), u"user"_s, u"x"_s)}, {});
        QCOMPARE(byCount.size(), 2);
        QVERIFY(!byCount.contains(u"resp_0"_s));
        QVERIFY(byCount.contains(u"resp_2"_s));
        // The evicted response's items are gone too.
        QVERIFY(!byCount
                     .expand(request(QJsonArray{
                         QJsonObject{{u"type"_s, u"item_reference"_s}, {u"id"_s, u"m0"_s}}}))
                     .ok());

        const QString big(1000, u'x');
        ResponseStore byBytes(100, 2500);
        for (int i = 0; i < 3; ++i)
            byBytes.put(u"resp_%1"_s.arg(i), QJsonArray{message({}, u"user"_s, big)}, {});
        QCOMPARE(byBytes.size(), 2);
        QVERIFY(byBytes.bytes() <= 2500);
        QVERIFY(!byBytes.contains(u"resp_0"_s));
        // Larger than the whole store: never kept.
        byBytes.put(u"resp_huge"_s, QJsonArray{message({}, u"user"_s, QString(3000, u'y'))}, {});
        QVERIFY(!byBytes.contains(u"resp_huge"_s));
        QCOMPARE(byBytes.size(), 2);

        ResponseStore off(0, 1 << 20);
        off.put(u"resp_1"_s, QJsonArray{message({}, u"user"_s, u"x"_s)}, {});
        QCOMPARE(off.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestResponseStore)
#include "tst_responsestore.moc"
