#pragma once
// The three file-system calls Qt does not offer in a usable form, per platform (filesync.cpp):
// forcing a file's data to the disk, replacing a file by another in one step, and making that
// replacement itself durable. atomicfile.cpp is their one user.

#include <QString>
#include <optional>

class QFile;

namespace qp {

// Forces the data written to `file` (open) onto the disk (fsync; FlushFileBuffers on Windows).
// An error is the system's text.
std::optional<QString> syncFileToDisk(QFile &file);
// Renames `from` over `to`, replacing an existing `to` atomically: a reader sees the old file or
// the new one, never neither (rename(2); MoveFileEx with MOVEFILE_REPLACE_EXISTING on Windows).
std::optional<QString> replaceFile(const QString &from, const QString &to);
// Makes a rename in `dir` survive a power cut (fsync of the directory on POSIX; Windows has no
// such call and MOVEFILE_WRITE_THROUGH already covers it). Best effort: some file systems refuse
// fsync on a directory, and the data itself is already on disk by then.
void syncDirectory(const QString &dir);

} // namespace qp
