#include "net/socketio.h"

#include <QSslSocket>
#include <QTcpSocket>
#include <algorithm>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <sys/socket.h>
#include <sys/types.h>
#endif

namespace qp::net {

QByteArray readAvailable(QAbstractSocket *socket)
{
    const qint64 n = socket->bytesAvailable();
    if (n <= 0)
        return {};
    QByteArray data(n, Qt::Uninitialized);
    // Reading exactly what is buffered empties Qt's buffer, which keeps its chunk for the next
    // read and re-enables the read notifier (QIODevicePrivate::read ends with readData(.., 0)).
    const qint64 got = socket->read(data.data(), n);
    data.truncate(std::max<qint64>(got, 0));
    return data;
}

bool writeNow(QAbstractSocket *socket, const QByteArray &data)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return false;
    if (data.isEmpty())
        return true;
    const char *p = data.constData();
    qint64 left = data.size();
#ifdef Q_OS_LINUX
    const qintptr fd = socket->socketDescriptor();
    // Bytes already in Qt's buffer must leave first, and a TLS socket must encrypt: both keep
    // the buffered path.
    if (fd >= 0 && socket->bytesToWrite() == 0 && !qobject_cast<QSslSocket *>(socket)) {
        ssize_t n;
        do {
            n = ::send(int(fd), p, size_t(left), MSG_NOSIGNAL | MSG_DONTWAIT);
        } while (n < 0 && errno == EINTR);
        if (n == left)
            return true;
        if (n > 0) {
            p += n;
            left -= n;
        }
        // EAGAIN: the kernel buffer is full, Qt's notifier sends the rest. A hard error
        // (EPIPE, ECONNRESET) is left to Qt too: its write attempt reports it as usual.
    }
#endif
    socket->write(p, left);
    socket->flush();
    return true;
}

} // namespace qp::net
