#include "common/privatefiles.h"

#include <QDir>
#include <QFileInfo>

namespace qp {

namespace {
constexpr QFileDevice::Permissions kOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                             QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                             QFileDevice::WriteOther | QFileDevice::ExeOther;

QString octal(QFileDevice::Permissions p)
{
    const int owner = (p & QFileDevice::ReadOwner ? 4 : 0) | (p & QFileDevice::WriteOwner ? 2 : 0) |
                      (p & QFileDevice::ExeOwner ? 1 : 0);
    const int group = (p & QFileDevice::ReadGroup ? 4 : 0) | (p & QFileDevice::WriteGroup ? 2 : 0) |
                      (p & QFileDevice::ExeGroup ? 1 : 0);
    const int other = (p & QFileDevice::ReadOther ? 4 : 0) | (p & QFileDevice::WriteOther ? 2 : 0) |
                      (p & QFileDevice::ExeOther ? 1 : 0);
    return QStringLiteral("0%1%2%3").arg(owner).arg(group).arg(other);
}
} // namespace

QString tightenToOwner(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists() || info.isSymLink())
        return {};
    const QFileDevice::Permissions before = info.permissions();
    if (!(before & kOthers))
        return {};
    const QFileDevice::Permissions after =
        info.isDir() ? QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                     : QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    if (!QFile::setPermissions(path, after))
        return QStringLiteral("%1 is open to other users (mode %2) and could not be made private")
            .arg(QDir::toNativeSeparators(path), octal(before));
    return QStringLiteral("%1 was open to other users (mode %2); it is private now (%3)")
        .arg(QDir::toNativeSeparators(path), octal(before), octal(after));
}

QStringList tightenOurs(const QString &dir, const QStringList &names)
{
    QStringList lines;
    if (QString l = tightenToOwner(dir); !l.isEmpty())
        lines.append(l);
    const QFileInfoList entries = QDir(dir).entryInfoList(
        names, QDir::Files | QDir::Dirs | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QFileInfo &e : entries)
        if (QString l = tightenToOwner(e.filePath()); !l.isEmpty())
            lines.append(l);
    return lines;
}

} // namespace qp
