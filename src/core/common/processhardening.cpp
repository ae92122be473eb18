#include "common/processhardening.h"

#include <QtGlobal>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#include <sys/stat.h>
#endif

namespace qp {

void hardenProcess()
{
#ifdef Q_OS_UNIX
    ::umask(077);
#ifdef NDEBUG
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
#endif
#endif
}

} // namespace qp
