#pragma once
// Socket reads and writes on the request path, done the cheap way.
//
// writeNow: writes to a connected socket now, not on the next event-loop pass.
// Why: QAbstractSocket::write() only appends to Qt's write buffer and enables a write notifier;
// the bytes leave on the next loop pass, where the notifier is disabled again. With the GLib
// dispatcher each toggle adds and removes a poll source, and the deferral costs a loop pass per
// response: tests/bench measured about a seventh of the proxy's CPU there at 50 connections.
// The kernel's socket buffer almost always takes a whole response at once, so on Linux a plain
// TCP socket whose Qt buffer is empty is written with one send(); whatever the kernel does not
// take (or a TLS socket, or another platform) goes through Qt's buffer as before, in order.
//
// readAvailable: what the socket has read so far, in an array of exactly that size. Why not
// QIODevice::readAll(): it sizes its result to Qt's 16 KiB read chunk, asks the socket for more,
// then grows the result by another 16 KiB to find there is none: two allocations too large for
// glibc's per-thread cache on every read, plus the bookkeeping of two empty reads
// (docs/qt-notes.md, "QIODevice::readAll").

#include <QByteArray>

class QAbstractSocket;

namespace qp::net {

// Returns false when the socket is not connected (nothing was written).
bool writeNow(QAbstractSocket *socket, const QByteArray &data);

// Empty when nothing is buffered. Like readAll(), it lets Qt resume reading a socket whose
// bounded read buffer had filled.
QByteArray readAvailable(QAbstractSocket *socket);

} // namespace qp::net
