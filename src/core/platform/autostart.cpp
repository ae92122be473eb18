#include "platform/autostart.h"

#include "common/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
#if defined(Q_OS_WIN)
const QString kRunKey = u"HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"_s;
// One name, shared with the installer (packaging/windows/qwen-proxy.nsi), which writes and
// removes the same value; no space, so scripts and `reg` need no quoting.
const QString kRunValue = u"QwenProxy"_s;
// The name development builds used; removed whenever the setting is applied, so there is one entry.
const QString kLegacyRunValue = u"Qwen Proxy"_s;
#elif defined(Q_OS_MACOS)
QString launchAgents(const QString &root)
{
    return (root.isEmpty() ? QDir::homePath() + u"/Library"_s : root) + u"/LaunchAgents/"_s;
}

// The launch agent's label and file are the application id, as the bundle's identifier.
QString entryPath(const QString &root)
{
    return launchAgents(root) + QStringLiteral(QP_APP_ID) + u".plist"_s;
}

// Development builds wrote this name; moved to the new one, never left to start the app twice.
QString legacyEntryPath(const QString &root)
{
    return launchAgents(root) + u"io.github.qwen-proxy.tray.plist"_s;
}

QString entryText(const QString &exe)
{
    QString escaped = exe.toHtmlEscaped();
    return uR"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>Label</key><string>%2</string>
    <key>ProgramArguments</key><array><string>%1</string><string>--minimized</string></array>
    <key>RunAtLoad</key><true/>
</dict>
</plist>
)"_s.arg(escaped, QStringLiteral(QP_APP_ID));
}
#else
QString autostartDir(const QString &root)
{
    const QString base =
        root.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
                       : root;
    return base + u"/autostart/"_s;
}

// Named after the application id, like the menu entry the package installs.
QString entryPath(const QString &root)
{
    return autostartDir(root) + QStringLiteral(QP_APP_ID) + u".desktop"_s;
}

// Versions before the application id wrote this name; it is moved to the new one, never left
// as a second entry that would start the app twice.
QString legacyEntryPath(const QString &root)
{
    return autostartDir(root) + u"qwen-proxy-tray.desktop"_s;
}

// The Desktop Entry spec's quoting for Exec: double quotes, with ", `, $ and \ escaped.
QString quoted(const QString &arg)
{
    QString out;
    for (QChar c : arg) {
        if (c == u'"' || c == u'`' || c == u'$' || c == u'\\')
            out += u'\\';
        out += c;
    }
    return u"\""_s + out + u"\""_s;
}

QString entryText(const QString &exe)
{
    return u"[Desktop Entry]\nType=Application\nName=Qwen Proxy\n"
           u"Comment=Local OpenAI/Anthropic-compatible proxy for Qwen models\n"
           u"Exec=%1 --minimized\nIcon=%2\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"_s.arg(
               quoted(exe), QStringLiteral(QP_APP_ID));
}
#endif
} // namespace

QString Autostart::location(const QString &root)
{
#if defined(Q_OS_WIN)
    Q_UNUSED(root);
    return kRunKey + u"\\"_s + kRunValue;
#else
    return entryPath(root);
#endif
}

bool Autostart::isEnabled(const QString &root)
{
#if defined(Q_OS_WIN)
    Q_UNUSED(root);
    const QSettings run(kRunKey, QSettings::NativeFormat);
    return run.contains(kRunValue) || run.contains(kLegacyRunValue);
#else
    return QFileInfo::exists(entryPath(root)) || QFileInfo::exists(legacyEntryPath(root));
#endif
}

bool Autostart::apply(bool enabled, const QString &executable, QString *error, const QString &root)
{
#if defined(Q_OS_WIN)
    Q_UNUSED(root);
    QSettings run(kRunKey, QSettings::NativeFormat);
    run.remove(kLegacyRunValue);
    // --minimized as on Linux: the login launch goes to the tray. The installer writes this text.
    if (enabled)
        run.setValue(kRunValue,
                     u"\""_s + QDir::toNativeSeparators(executable) + u"\" --minimized"_s);
    else
        run.remove(kRunValue);
    run.sync();
    if (run.status() != QSettings::NoError) {
        if (error)
            *error = u"cannot write %1"_s.arg(kRunKey);
        return false;
    }
    return true;
#else
    const QString path = entryPath(root);
    const QString legacy = legacyEntryPath(root);
    if (QFile::exists(legacy) && !QFile::remove(legacy)) {
        if (error)
            *error = u"cannot remove %1"_s.arg(legacy);
        return false;
    }
    if (!enabled) {
        if (QFile::exists(path) && !QFile::remove(path)) {
            if (error)
                *error = u"cannot remove %1"_s.arg(path);
            return false;
        }
        return true;
    }
    const QString text = entryText(executable);
    QFile current(path);
    if (current.open(QIODevice::ReadOnly) && QString::fromUtf8(current.readAll()) == text)
        return true; // already right: nothing to rewrite
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (auto e = writeFileAtomically(path, text.toUtf8())) {
        if (error)
            *error = e->message;
        return false;
    }
    return true;
#endif
}

} // namespace qp
