#pragma once
// One logging category per area, a bounded in-memory ring buffer the UI and /health read, console
// output filtered by LOG_LEVEL, and rotating debug files when LOG_LEVEL=debug or DEBUG_LOG=true.

#include <QDateTime>
#include <QList>
#include <QLoggingCategory>
#include <QMutex>
#include <QObject>
#include <QString>
#include <atomic>

Q_DECLARE_LOGGING_CATEGORY(lcServer)   // qp.server
Q_DECLARE_LOGGING_CATEGORY(lcRequest)  // qp.server.request: one line per request
Q_DECLARE_LOGGING_CATEGORY(lcRelay)    // qp.server.relay
Q_DECLARE_LOGGING_CATEGORY(lcUpstream) // qp.core.upstream
Q_DECLARE_LOGGING_CATEGORY(lcAuth)     // qp.core.auth
Q_DECLARE_LOGGING_CATEGORY(lcSettings) // qp.core.settings
Q_DECLARE_LOGGING_CATEGORY(lcRouting)  // qp.core.routing
Q_DECLARE_LOGGING_CATEGORY(lcPool)     // qp.core.pool: account states and rotations

namespace qp {

struct LogEntry {
    QDateTime time;
    QtMsgType type = QtInfoMsg;
    QString category;
    QString message; // already redacted
};

class LogHub : public QObject
{
    Q_OBJECT
public:
    enum class Level { Off, Error, Warn, Info, Debug };
    static LogHub &instance();

    // Installs the Qt message handler. Console lines go to stderr, except the request lines,
    // which go to stdout so scripts can read them.
    void install(Level consoleLevel, const QString &debugDir = {}, int fileLimit = 20);
    void setConsoleLevel(Level level);
    static Level parseLevel(const QString &text, bool debugFlag);

    QList<LogEntry> recent(int max = 500) const;
    static constexpr int capacity = 2000;

Q_SIGNALS:
    void entryAdded(const qp::LogEntry &entry); // queued to the UI

private:
    LogHub() = default;
    static void handler(QtMsgType, const QMessageLogContext &, const QString &);
    void append(LogEntry e);

    mutable QMutex m_mutex;
    QList<LogEntry> m_ring;
    int m_head = 0;
    // Set from the GUI thread (the settings page), read by the handler on every thread.
    std::atomic<Level> m_console{Level::Info};
    QString m_debugFile;
};

} // namespace qp
