#include "console.h"

#include <QByteArray>
#include <cstdio>

#ifdef Q_OS_WIN
#include <io.h>
#else
#include <unistd.h>
#endif

namespace qp::cli::console {

namespace {
void write(std::FILE *f, const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), f);
    std::fflush(f);
}
} // namespace

void out(const QString &line)
{
    write(stdout, line.toUtf8() + '\n');
}

void outRaw(const QString &text)
{
    write(stdout, text.toUtf8());
}

void err(const QString &line)
{
    write(stderr, line.toUtf8() + '\n');
}

bool stdoutIsTerminal()
{
#ifdef Q_OS_WIN
    return _isatty(_fileno(stdout)) != 0;
#else
    return ::isatty(STDOUT_FILENO) == 1;
#endif
}

} // namespace qp::cli::console
