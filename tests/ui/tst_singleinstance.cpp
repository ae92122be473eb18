// One tray app per user: the first instance takes the name; a second launch hands its command
// ("raise", or "quit" for `qwen-proxy-tray --quit`) to the first and is told to exit.
#include "app/singleinstance.h"

#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace Qt::StringLiterals;
using namespace qp;

class TestSingleInstance : public QObject
{
    Q_OBJECT
private slots:
    void secondLaunchHandsOverAndExits()
    {
        const QString key = u"qp-test-"_s + QUuid::createUuid().toString(QUuid::Id128);
        SingleInstance first(key);
        QVERIFY(!first.sendToRunning(u"raise"_s)); // nobody there: this one is the instance
        QVERIFY(first.becomeInstance());
        QSignalSpy received(&first, &SingleInstance::commandReceived);

        SingleInstance second(key);
        QVERIFY(second.sendToRunning(u"raise"_s)); // the first answered: exit
        QTRY_COMPARE(received.size(), 1);
        QCOMPARE(received.first().first().toString(), u"raise"_s);

        SingleInstance third(key);
        QVERIFY(third.sendToRunning(u"quit"_s));
        QTRY_COMPARE(received.size(), 2);
        QCOMPARE(received.last().first().toString(), u"quit"_s);
    }

    void aStaleNameIsTakenOver()
    {
        const QString key = u"qp-test-"_s + QUuid::createUuid().toString(QUuid::Id128);
        {
            SingleInstance gone(key);
            QVERIFY(gone.becomeInstance());
        } // its server is closed: the name is free again
        SingleInstance next(key);
        QVERIFY(!next.sendToRunning(u"raise"_s));
        QVERIFY(next.becomeInstance());
    }
};

QTEST_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
