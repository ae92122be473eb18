#include "common/filesync.h"

#include <QFile>
#include <QtGlobal>

#ifdef Q_OS_WIN
#include <windows.h>
#else
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#endif

namespace qp {

#ifdef Q_OS_WIN

namespace {
QString lastErrorText()
{
    return qt_error_string(int(GetLastError()));
}
} // namespace

std::optional<QString> syncFileToDisk(QFile &file)
{
    // QFile keeps its Windows HANDLE to itself; a second handle flushes the same file, because
    // FlushFileBuffers writes out everything cached for the file, whoever wrote it.
    const std::wstring name = file.fileName().toStdWString();
    HANDLE h = CreateFileW(name.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE)
        return lastErrorText();
    const bool ok = FlushFileBuffers(h);
    const QString why = ok ? QString() : lastErrorText();
    CloseHandle(h);
    if (!ok)
        return why;
    return std::nullopt;
}

std::optional<QString> replaceFile(const QString &from, const QString &to)
{
    const std::wstring src = from.toStdWString();
    const std::wstring dst = to.toStdWString();
    if (!MoveFileExW(src.c_str(), dst.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        return lastErrorText();
    return std::nullopt;
}

void syncDirectory(const QString &) {}

#else

std::optional<QString> syncFileToDisk(QFile &file)
{
    if (::fsync(file.handle()) != 0)
        return QString::fromLocal8Bit(std::strerror(errno));
    return std::nullopt;
}

std::optional<QString> replaceFile(const QString &from, const QString &to)
{
    if (::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) != 0)
        return QString::fromLocal8Bit(std::strerror(errno));
    return std::nullopt;
}

void syncDirectory(const QString &dir)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

#endif

} // namespace qp
