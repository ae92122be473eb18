#pragma once
// The descriptor calls the HTTP server needs outside Qt, per platform: how many descriptors this
// process may open and holds, raising the limit, and closing an accepted socket it will not
// serve. Also the count of upstream sockets, which the server's descriptor budget must leave room
// for (docs/access-control.md, "Descriptors").

#include <QtGlobal>

namespace qp::net {

// The soft limit on open descriptors, or -1 when there is none worth respecting (Windows has
// no such per-process limit for sockets).
long openDescriptorLimit();
// Raises the soft limit to the hard one (Linux's usual soft limit, 1024, is low for a proxy that
// holds two descriptors per stream). Returns the limit now in force, as openDescriptorLimit().
long raiseOpenDescriptorLimit();
// Descriptors this process holds now, or -1 where that cannot be read cheaply. Walks a
// directory on Linux: for start-up, not for every connection.
long openDescriptorCount();
// Upstream sockets alive in this process (any thread), kept by the upstream HTTP client.
void upstreamSocketOpened();
void upstreamSocketClosed();
int upstreamSocketsOpen();
// Closes a socket descriptor handed over by QTcpServer and not wrapped in a QTcpSocket.
void closeDescriptor(qintptr descriptor);

} // namespace qp::net
