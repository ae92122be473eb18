#pragma once
// Portable mode (the Windows portable zip, or any unpacked tree): an empty `.portable` file next
// to the executable keeps data and settings in a `data` folder beside it, secrets in a file there
// instead of the OS keychain, and offers no start at login, so the app writes nothing to the
// registry, AppData, ~/.config or ~/.local (docs/packaging.md).

#include <QString>

namespace qp::portable {

// `<executable's folder>/data` when the marker is there, else empty. Needs a QCoreApplication.
QString dataDir();
inline bool enabled()
{
    return !dataDir().isEmpty();
}

} // namespace qp::portable
