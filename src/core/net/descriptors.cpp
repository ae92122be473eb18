#include "net/descriptors.h"

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

void closeDescriptor(qintptr descriptor)
{
#ifdef Q_OS_WIN
    ::closesocket(SOCKET(descriptor));
#else
    ::close(int(descriptor));
#endif
}

} // namespace qp::net
