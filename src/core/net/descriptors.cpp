#include "net/descriptors.h"

#include <QDir>
#include <atomic>

#ifdef Q_OS_WIN
#include <winsock2.h>
#else
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace qp::net {

long openDescriptorLimit()
{
#ifdef Q_OS_WIN
    return -1;
#else
    struct rlimit rl {
    };
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return -1;
    return long(rl.rlim_cur);
#endif
}

long raiseOpenDescriptorLimit()
{
#ifndef Q_OS_WIN
    struct rlimit rl {
    };
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != rl.rlim_max) {
        rlimit raised = rl;
        raised.rlim_cur = rl.rlim_max;
#ifdef Q_OS_MACOS
        // macOS refuses a soft limit above OPEN_MAX even when the hard limit is unlimited.
        if (raised.rlim_cur > OPEN_MAX)
            raised.rlim_cur = OPEN_MAX;
#endif
        ::setrlimit(RLIMIT_NOFILE, &raised);
    }
#endif
    return openDescriptorLimit();
}

long openDescriptorCount()
{
#ifdef Q_OS_LINUX
    return long(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
#else
    return -1;
#endif
}

namespace {
std::atomic<int> g_upstreamSockets{0};
}
void upstreamSocketOpened()
{
    ++g_upstreamSockets;
}
void upstreamSocketClosed()
{
    --g_upstreamSockets;
}
int upstreamSocketsOpen()
{
    return g_upstreamSockets.load(std::memory_order_relaxed);
}

void closeDescriptor(qintptr descriptor)
{
#ifdef Q_OS_WIN
    ::closesocket(SOCKET(descriptor));
#else
    ::close(int(descriptor));
#endif
}

} // namespace qp::net
