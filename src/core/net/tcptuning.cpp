#include "net/tcptuning.h"

#include <QAbstractSocket>

#ifdef Q_OS_LINUX
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

namespace qp::net {

bool quickAckSupported()
{
#ifdef Q_OS_LINUX
    return true;
#else
    return false;
#endif
}

void armQuickAck(QAbstractSocket *socket)
{
#ifdef Q_OS_LINUX
    // Through an egress proxy (HTTP CONNECT, SOCKS5) and under TLS this is still the TCP
    // connection the bytes arrive on. A failure (the socket just closed) changes nothing.
    const qintptr fd = socket ? socket->socketDescriptor() : -1;
    if (fd < 0)
        return;
    const int on = 1;
    (void)::setsockopt(int(fd), IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
#else
    Q_UNUSED(socket);
#endif
}

} // namespace qp::net
