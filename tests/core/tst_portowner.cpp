// Which process listens on a port: this test's own listener is found by pid and name (Linux, where
// /proc tells), a free port has no owner, and the server's reason gains "(by NAME, pid N)".
#include "net/portowner.h"

#include <QCoreApplication>
#include <QFile>
#include <QTcpServer>
#include <QtTest>

using namespace qp;
using namespace Qt::StringLiterals;

class TestPortOwner : public QObject
{
    Q_OBJECT

private slots:
    void findsTheListener()
    {
#ifndef Q_OS_LINUX
        QSKIP("the listening process is looked up on Linux only so far");
#endif
        for (const QHostAddress &address :
             {QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::LocalHostIPv6)}) {
            QTcpServer server;
            if (!server.listen(address, 0))
                continue; // no IPv6 on this machine
            const auto owner = PortOwners::listenerOf(server.serverPort());
            QVERIFY(owner);
            QCOMPARE(owner->pid, QCoreApplication::applicationPid());
            QFile comm(u"/proc/self/comm"_s);
            QVERIFY(comm.open(QIODevice::ReadOnly));
            QCOMPARE(owner->name, QString::fromUtf8(comm.readAll()).trimmed());
            const QString reason =
                u"port %1 is already in use on 127.0.0.1"_s.arg(server.serverPort());
            QCOMPARE(PortOwners::withOwner(reason, server.serverPort()),
                     reason + u" (by %1, pid %2)"_s.arg(owner->name).arg(owner->pid));
        }
    }

    void freePortHasNoOwner()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const quint16 port = server.serverPort();
        server.close();
        QVERIFY(!PortOwners::listenerOf(port));
        QCOMPARE(PortOwners::withOwner(u"port in use"_s, port), u"port in use"_s);
    }
};

QTEST_GUILESS_MAIN(TestPortOwner)
#include "tst_portowner.moc"
