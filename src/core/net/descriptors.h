#pragma once
// The two socket-descriptor calls the HTTP server needs outside Qt, per platform: how many
// descriptors this process may open, and closing an accepted socket it will not serve.

#include <QtGlobal>

namespace qp::net {

// The soft limit on open descriptors, or -1 when there is none worth respecting (Windows has
// no such per-process limit for sockets).
long openDescriptorLimit();
// Closes a socket descriptor handed over by QTcpServer and not wrapped in a QTcpSocket.
void closeDescriptor(qintptr descriptor);

} // namespace qp::net
