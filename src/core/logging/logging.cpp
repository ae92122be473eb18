#include "logging/logging.h"

#include "logging/redact.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cstdio>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcServer, "qp.server")
Q_LOGGING_CATEGORY(lcRequest, "qp.server.request")
Q_LOGGING_CATEGORY(lcRelay, "qp.server.relay")
Q_LOGGING_CATEGORY(lcUpstream, "qp.core.upstream")
Q_LOGGING_CATEGORY(lcAuth, "qp.core.auth")
Q_LOGGING_CATEGORY(lcSettings, "qp.core.settings")
Q_LOGGING_CATEGORY(lcRouting, "qp.core.routing")
Q_LOGGING_CATEGORY(lcPool, "qp.core.pool")

namespace qp {

LogHub &LogHub::instance()
{
    static LogHub hub;
    return hub;
}

LogHub::Level LogHub::parseLevel(const QString &text, bool debugFlag)
{
    if (debugFlag)
        return Level::Debug;
    const QString t = text.toLower();
    if (t == u"off")
        return Level::Off;
    if (t == u"error")
        return Level::Error;
    if (t == u"warn")
        return Level::Warn;
    if (t == u"debug")
        return Level::Debug;
    return Level::Info; // "info" and the original proxy's "error-debug"
}

void LogHub::install(Level consoleLevel, const QString &debugDir, int fileLimit)
{
    m_console = consoleLevel;
    m_debugFile.clear(); // a later install at another level stops the file
    if (consoleLevel == Level::Debug && !debugDir.isEmpty()) {
        QDir dir(debugDir);
        dir.mkpath(u"."_s);
        // Rotation: one file per run, the oldest removed beyond the limit.
        auto files = dir.entryInfoList({u"debug-*.log"_s}, QDir::Files, QDir::Name);
        while (files.size() >= fileLimit && !files.isEmpty())
            QFile::remove(files.takeFirst().absoluteFilePath());
        m_debugFile = dir.filePath(
            u"debug-"_s + QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd-HHmmss-zzz"_s) +
            u".log"_s);
    }
    setConsoleLevel(consoleLevel);
    qInstallMessageHandler(&LogHub::handler);
}

void LogHub::setConsoleLevel(Level level)
{
    m_console = level;
    // Disabled categories cost nothing at the call site (the message is never formatted), so
    // the level is applied as filter rules, not only in the handler.
    QString rules;
    switch (level) {
    case Level::Off:
    case Level::Error:
        rules = u"qp.*.debug=false\nqp.*.info=false\nqp.*.warning=false"_s;
        break;
    case Level::Warn:
        rules = u"qp.*.debug=false\nqp.*.info=false"_s;
        break;
    case Level::Info:
        rules = u"qp.*.debug=false"_s;
        break;
    case Level::Debug:
        rules = u"qp.*.debug=true"_s;
        break;
    }
    QLoggingCategory::setFilterRules(rules);
}

QList<LogEntry> LogHub::recent(int max) const
{
    QMutexLocker l(&m_mutex);
    QList<LogEntry> out;
    const int n = int(m_ring.size());
    const int start = n < capacity ? 0 : m_head;
    for (int i = 0; i < n; ++i)
        out.append(m_ring.at((start + i) % n));
    if (out.size() > max)
        out = out.mid(out.size() - max);
    return out;
}

void LogHub::append(LogEntry e)
{
    QMutexLocker l(&m_mutex);
    if (m_ring.size() < capacity) {
        m_ring.append(e);
    } else {
        m_ring[m_head] = e;
        m_head = (m_head + 1) % capacity;
    }
}

void LogHub::handler(QtMsgType type, const QMessageLogContext &ctx, const QString &msg)
{
    LogHub &hub = instance();
    LogEntry e{QDateTime::currentDateTimeUtc(), type,
               QString::fromLatin1(ctx.category ? ctx.category : "default"), redact(msg)};
    const auto severity = [](QtMsgType t) {
        switch (t) {
        case QtDebugMsg:
            return Level::Debug;
        case QtInfoMsg:
            return Level::Info;
        case QtWarningMsg:
            return Level::Warn;
        default:
            return Level::Error;
        }
    }(type);
    const bool requestLine = e.category == u"qp.server.request";
    if (const Level console = hub.m_console.load(std::memory_order_relaxed);
        console != Level::Off && int(severity) <= int(console)) {
        const QByteArray line =
            requestLine
                ? e.message.toUtf8() + '\n'
                : (e.time.toString(u"HH:mm:ss.zzz"_s) + u' ' + e.category + u": "_s + e.message)
                          .toUtf8() +
                      '\n';
        FILE *out = requestLine ? stdout : stderr;
        std::fwrite(line.constData(), 1, size_t(line.size()), out);
        std::fflush(out);
    }
    if (!hub.m_debugFile.isEmpty()) {
        QFile f(hub.m_debugFile);
        if (f.open(QIODevice::Append)) {
            f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            f.write((e.time.toString(Qt::ISODateWithMs) + u' ' + e.category + u": "_s + e.message)
                        .toUtf8() +
                    '\n');
        }
    }
    if (severity != Level::Debug || !hub.m_debugFile.isEmpty())
        hub.append(e);
    Q_EMIT hub.entryAdded(e);
    if (type == QtFatalMsg)
        std::abort();
}

} // namespace qp
