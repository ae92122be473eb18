#include "net/portowner.h"

#include <QDir>
#include <QFile>
#include <QSet>

using namespace Qt::StringLiterals;

namespace qp {

#ifdef Q_OS_LINUX
namespace {

// Socket inodes listening on `port` from /proc/net/tcp or tcp6: "sl local rem st ... inode".
QSet<QString> listeningInodes(const QString &table, quint16 port)
{
    QSet<QString> inodes;
    QFile f(table);
    if (!f.open(QIODevice::ReadOnly))
        return inodes;
    f.readLine(); // header
    const QString wanted = u"%1"_s.arg(port, 4, 16, QLatin1Char('0')).toUpper();
    while (!f.atEnd()) {
        const QStringList cols = QString::fromLatin1(f.readLine()).split(u' ', Qt::SkipEmptyParts);
        // cols[1] = ADDRESS:PORT (hex), cols[3] = state (0A = LISTEN), cols[9] = inode
        if (cols.size() < 10 || cols[3] != u"0A"_s)
            continue;
        if (cols[1].section(u':', -1).toUpper() == wanted && cols[9] != u"0"_s)
            inodes.insert(cols[9]);
    }
    return inodes;
}

} // namespace

std::optional<PortOwner> PortOwners::listenerOf(quint16 port)
{
    QSet<QString> inodes = listeningInodes(u"/proc/net/tcp"_s, port);
    inodes.unite(listeningInodes(u"/proc/net/tcp6"_s, port));
    if (inodes.isEmpty())
        return std::nullopt;
    const QStringList pids = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &pid : pids) {
        bool numeric = false;
        const qint64 id = pid.toLongLong(&numeric);
        if (!numeric)
            continue;
        // Each open socket is a link "socket:[inode]"; other users' processes are not readable.
        const QDir fds(u"/proc/"_s + pid + u"/fd"_s);
        const QStringList entries = fds.entryList(QDir::System | QDir::NoDotAndDotDot);
        for (const QString &fd : entries) {
            const QString target = QFile::symLinkTarget(fds.filePath(fd));
            const qsizetype open = target.indexOf(u"socket:["_s);
            if (open < 0)
                continue;
            const QString inode = target.mid(open + 8).chopped(1);
            if (inodes.contains(inode)) {
                QFile comm(u"/proc/"_s + pid + u"/comm"_s);
                PortOwner owner;
                owner.pid = id;
                if (comm.open(QIODevice::ReadOnly))
                    owner.name = QString::fromUtf8(comm.readAll()).trimmed();
                return owner;
            }
        }
    }
    return std::nullopt;
}
#else
std::optional<PortOwner> PortOwners::listenerOf(quint16)
{
    return std::nullopt; // macOS (libproc) and Windows (GetExtendedTcpTable) are still to come
}
#endif

QString PortOwners::withOwner(const QString &reason, quint16 port)
{
    const auto owner = listenerOf(port);
    if (!owner)
        return reason;
    return owner->name.isEmpty()
               ? QStringLiteral("%1 (by process %2)").arg(reason).arg(owner->pid)
               : QStringLiteral("%1 (by %2, pid %3)").arg(reason, owner->name).arg(owner->pid);
}

} // namespace qp
