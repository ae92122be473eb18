#include "secretprompt.h"

#include <cstdio>
#include <string>

#ifdef Q_OS_WIN
#include <io.h>
#include <windows.h>
#else
#include <termios.h>
#include <unistd.h>
#endif

namespace qp::cli {

bool stdinIsTerminal()
{
#ifdef Q_OS_WIN
    return _isatty(_fileno(stdin));
#else
    return isatty(STDIN_FILENO);
#endif
}

namespace {
// Echo off for the lifetime of the object, restored even on early return.
class EchoOff
{
public:
    EchoOff()
    {
#ifdef Q_OS_WIN
        m_handle = GetStdHandle(STD_INPUT_HANDLE);
        m_ok = GetConsoleMode(m_handle, &m_mode) &&
               SetConsoleMode(m_handle, m_mode & ~DWORD(ENABLE_ECHO_INPUT));
#else
        m_ok = tcgetattr(STDIN_FILENO, &m_old) == 0;
        if (m_ok) {
            termios t = m_old;
            t.c_lflag &= ~tcflag_t(ECHO);
            m_ok = tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0;
        }
#endif
    }
    ~EchoOff()
    {
        if (!m_ok)
            return;
#ifdef Q_OS_WIN
        SetConsoleMode(m_handle, m_mode);
#else
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &m_old);
#endif
    }

private:
    bool m_ok = false;
#ifdef Q_OS_WIN
    HANDLE m_handle = nullptr;
    DWORD m_mode = 0;
#else
    termios m_old{};
#endif
};

QString readLine()
{
    std::string line;
    int c;
    while ((c = std::getchar()) != EOF && c != '\n')
        line.push_back(char(c));
    return QString::fromUtf8(line.data(), qsizetype(line.size())).trimmed();
}
} // namespace

QString readSecret(const QString &prompt)
{
    if (!stdinIsTerminal())
        return readLine();
    std::fputs(prompt.toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
    QString line;
    {
        EchoOff off;
        line = readLine();
    }
    std::fputs("\n", stderr);
    return line;
}

} // namespace qp::cli
