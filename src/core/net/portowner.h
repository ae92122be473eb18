#pragma once
// Which process listens on a TCP port, where the OS tells: for "port 8765 is already in use" to
// say by whom, in `serve`'s error line and the tray's notification alike (HttpServer::listen).
// Linux reads /proc (only processes the user may inspect show up, which is all of their own);
// elsewhere nothing is found yet.

#include <QString>
#include <optional>

namespace qp {

struct PortOwner {
    qint64 pid = 0;
    QString name; // the process's command name ("python3")
};

class PortOwners
{
public:
    // The process with a listening socket on `port` (any address, IPv4 or IPv6).
    static std::optional<PortOwner> listenerOf(quint16 port);
    // "port 8765 is already in use on 127.0.0.1" + " (by python3, pid 4242)" when the owner is
    // known; the reason unchanged otherwise.
    static QString withOwner(const QString &reason, quint16 port);
};

} // namespace qp
