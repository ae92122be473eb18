#pragma once
// Where the data directory (accounts, usage history, logs) and the config file live by default,
// for the runtime and for `purge`, which must agree. Qt's defaults everywhere except Windows, where
// they would roam the database with the profile and keep the settings local: there the data goes
// to %LOCALAPPDATA%\qwen-proxy and the settings to %APPDATA%\qwen-proxy, the two folders the
// uninstaller removes on request (packaging/windows/qwen-proxy.nsi).

#include <QStandardPaths>
#include <QString>

namespace qp::userdirs {

inline QString dataDir()
{
#if defined(Q_OS_WIN)
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
#else
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
#endif
}

inline QString configDir()
{
#if defined(Q_OS_WIN)
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
#else
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
#endif
}

} // namespace qp::userdirs
