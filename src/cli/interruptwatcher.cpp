#include "interruptwatcher.h"

#include <QMetaObject>
#include <QPointer>

#ifdef Q_OS_WIN
#include <windows.h>
#else
#include <QSocketNotifier>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace qp::cli {

#ifdef Q_OS_WIN

namespace {
QPointer<InterruptWatcher> g_watcher;
std::function<void()> *g_callback = nullptr;

BOOL WINAPI onConsoleCtrl(DWORD type)
{
    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT)
        return FALSE;
    // Runs on a system thread: hand over to the watcher's thread.
    if (InterruptWatcher *w = g_watcher.data())
        QMetaObject::invokeMethod(
            w,
            [] {
                if (g_callback)
                    (*g_callback)();
            },
            Qt::QueuedConnection);
    return TRUE;
}
} // namespace

InterruptWatcher::InterruptWatcher(std::function<void()> onInterrupt, QObject *parent)
    : QObject(parent), m_onInterrupt(std::move(onInterrupt))
{
    g_watcher = this;
    g_callback = &m_onInterrupt;
    m_installed = SetConsoleCtrlHandler(onConsoleCtrl, TRUE) != 0;
}

InterruptWatcher::~InterruptWatcher()
{
    if (m_installed)
        SetConsoleCtrlHandler(onConsoleCtrl, FALSE);
    g_callback = nullptr;
}

#else

namespace {
int g_pipe[2] = {-1, -1};
struct sigaction g_oldInt = {};
struct sigaction g_oldTerm = {};
struct sigaction g_oldHup = {};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_pipe[1], &c, 1);
}
} // namespace

InterruptWatcher::InterruptWatcher(std::function<void()> onInterrupt, QObject *parent)
    : QObject(parent), m_onInterrupt(std::move(onInterrupt))
{
    if (g_pipe[0] != -1 || ::socketpair(AF_UNIX, SOCK_STREAM, 0, g_pipe) != 0)
        return; // one watcher at a time; without one, Ctrl-C keeps its default meaning
    auto *notifier = new QSocketNotifier(g_pipe[0], QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this, [this] {
        char c;
        [[maybe_unused]] auto n = ::read(g_pipe[0], &c, 1);
        if (m_onInterrupt)
            m_onInterrupt();
    });
    struct sigaction sa {
    };
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &g_oldInt);
    sigaction(SIGTERM, &sa, &g_oldTerm);
    sigaction(SIGHUP, &sa, &g_oldHup); // the terminal went away: same clean stop
    m_installed = true;
}

InterruptWatcher::~InterruptWatcher()
{
    if (!m_installed)
        return;
    sigaction(SIGINT, &g_oldInt, nullptr);
    sigaction(SIGTERM, &g_oldTerm, nullptr);
    sigaction(SIGHUP, &g_oldHup, nullptr);
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
}

#endif

} // namespace qp::cli
