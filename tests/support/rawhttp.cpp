#include "rawhttp.h"

#include <QNetworkInterface>
#include <QTcpSocket>
#include <QTest>

namespace qp::test {

QByteArray rawExchange(const QHostAddress &to, quint16 port, const QByteArray &raw,
                       const QByteArray &until, const QHostAddress &from, int timeoutMs)
{
    QTcpSocket s;
    if (!from.isNull() && !s.bind(from))
        return "bind failed";
    s.connectToHost(to, port);
    if (!s.waitForConnected(3000))
        return "connect failed";
    s.write(raw);
    QByteArray out;
    // The answer is what the caller checks; the wait only bounds how long it may take.
    (void)QTest::qWaitFor(
        [&] {
            out += s.readAll();
            return s.state() != QAbstractSocket::ConnectedState ||
                   (!until.isEmpty() && out.contains(until));
        },
        timeoutMs);
    return out + s.readAll();
}

QHostAddress externalIPv4()
{
    QHostAddress external;
    for (const QHostAddress &a : QNetworkInterface::allAddresses())
        if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback())
            external = a;
    return external;
}

} // namespace qp::test
