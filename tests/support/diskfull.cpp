#include "diskfull.h"

#include <QtGlobal>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/resource.h>
#endif

namespace qp::test {

bool DiskFull::supported()
{
#ifdef Q_OS_UNIX
    return true;
#else
    return false;
#endif
}

DiskFull::DiskFull()
{
#ifdef Q_OS_UNIX
    // Ignored, the signal that would otherwise kill the process lets write(2) return EFBIG.
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{};
    if (::getrlimit(RLIMIT_FSIZE, &limit) != 0)
        qFatal("getrlimit(RLIMIT_FSIZE) failed");
    m_previous = limit.rlim_cur;
    limit.rlim_cur = 0; // the soft limit: raising it back up to the hard one needs no privilege
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
        qFatal("setrlimit(RLIMIT_FSIZE) failed");
    m_active = true;
#endif
}

void DiskFull::end()
{
#ifdef Q_OS_UNIX
    if (!m_active)
        return;
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    limit.rlim_cur = rlim_t(m_previous);
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
        qFatal("setrlimit(RLIMIT_FSIZE) could not be restored");
    m_active = false;
#endif
}

} // namespace qp::test
