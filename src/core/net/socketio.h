#pragma once
// Writes to a connected socket now, not on the next event-loop pass.
// Why: QAbstractSocket::write() only appends to Qt's write buffer and enables a write notifier;
// the bytes leave on the next loop pass, where the notifier is disabled again. With the GLib
// dispatcher each toggle adds and removes a poll source, and the deferral costs a loop pass per
// response: tests/bench measured about a seventh of the proxy's CPU there at 50 connections.
// The kernel's socket buffer almost always takes a whole response at once, so on Linux a plain
// TCP socket whose Qt buffer is empty is written with one send(); whatever the kernel does not
// take (or a TLS socket, or another platform) goes through Qt's buffer as before, in order.

#include <QByteArray>

class QAbstractSocket;

namespace qp::net {

// Returns false when the socket is not connected (nothing was written).
bool writeNow(QAbstractSocket *socket, const QByteArray &data);

} // namespace qp::net
