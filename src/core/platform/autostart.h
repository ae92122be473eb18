#pragma once
// "Start at login", the way each platform does it for a user: an XDG autostart entry on Linux
// (~/.config/autostart/<application id>.desktop, starting the app with --minimized), a
// LaunchAgent on macOS (~/Library/LaunchAgents/<app id>.plist), the HKCU Run
// value "QwenProxy" on Windows (also --minimized). The app applies the setting at every launch,
// so an entry that points at a moved or updated binary is rewritten and the toggle cannot
// silently stop working.

#include <QString>

namespace qp {

class Autostart
{
public:
    // `root` replaces the user's config directory (Linux, macOS) for tests; empty: the real one.
    static bool apply(bool enabled, const QString &executable, QString *error = nullptr,
                      const QString &root = {});
    static bool isEnabled(const QString &root = {});
    // Where the entry lives (a file path, or the registry key on Windows).
    static QString location(const QString &root = {});
};

} // namespace qp
