#include "common/atomicfile.h"

#include "common/filesync.h"
#include "common/storagehealth.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace qp {

namespace {

// The file a write to `path` must replace: links are followed as QSaveFile does, so a dotfile
// kept as a symbolic link into a dotfiles repository stays a link.
QString finalTarget(const QString &path)
{
    QFileInfo info(path);
    for (int depth = 0; depth < 32 && info.isSymLink(); ++depth)
        info.setFile(info.symLinkTarget());
    return info.isSymLink() ? path : info.absoluteFilePath();
}

QString temporaryPrefix(const QFileInfo &target)
{
    return u".%1.tmp-"_s.arg(target.fileName());
}

// A crash (or a kill) between creating the new file and the rename leaves it behind. The next
// write that succeeds removes such leftovers of the same file, but only old ones: another process
// may be writing that file right now (qwen-code its credentials, a second proxy its settings).
void removeLeftovers(const QFileInfo &target, const QString &justWritten)
{
    const QString prefix = temporaryPrefix(target);
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addSecs(-kLeftoverAgeSeconds);
    const QDir dir = target.absoluteDir();
    const QStringList names = dir.entryList(QDir::Files | QDir::Hidden | QDir::System);
    for (const QString &name : names) {
        if (!name.startsWith(prefix) || name == justWritten)
            continue;
        const QFileInfo leftover(dir.filePath(name));
        if (leftover.lastModified().toUTC() < cutoff)
            QFile::remove(leftover.absoluteFilePath());
    }
}

} // namespace

std::optional<Error> writeFileAtomically(const QString &path, const QByteArray &bytes,
                                         QFileDevice::Permissions mode)
{
    const QString target = finalTarget(path);
    const QFileInfo info(target);
    // Beside the target: a rename is atomic only within one file system. Hidden and unique, so
    // two writers never share one and a crash leaves nothing that looks like the real file.
    const QString tempName =
        temporaryPrefix(info) +
        u"%1"_s.arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
    const QString temp = info.absoluteDir().filePath(tempName);

    auto fail = [&](const QString &why) -> std::optional<Error> {
        storagehealth::failed(target, why);
        return Error::make(Error::Kind::Internal, u"cannot write %1: %2"_s.arg(target, why));
    };

    QFile f(temp);
    // Unbuffered: each write() reaches the system at once and its error is seen here, not in a
    // flush hidden inside close(). NewOnly never follows or reuses an existing name; the mode
    // applies at creation, before any byte of a secret is in the file.
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly | QIODevice::Unbuffered, mode))
        return fail(f.errorString());
    auto discard = [&](const QString &why) {
        f.close();
        QFile::remove(temp);
        return fail(why);
    };
    // The umask may have cleared bits of `mode` at creation (a 0644 entry under umask 077).
    if (!f.setPermissions(mode))
        return discard(f.errorString());
    if (f.write(bytes) != bytes.size())
        return discard(f.error() != QFileDevice::NoError ? f.errorString() : u"short write"_s);
    if (!f.flush())
        return discard(f.errorString());
    // Without it, a power cut after the rename can leave the new name pointing at empty blocks.
    if (auto why = syncFileToDisk(f))
        return discard(*why);
    f.close();
    if (f.error() != QFileDevice::NoError)
        return discard(f.errorString());
    if (auto why = replaceFile(temp, target)) {
        QFile::remove(temp);
        return fail(*why);
    }
    syncDirectory(info.absolutePath());
    storagehealth::recovered(target);
    removeLeftovers(info, tempName);
    return std::nullopt;
}

} // namespace qp
