#include "common/malloctuning.h"

#include <cstdlib> // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace qp {

void tuneMallocForServer()
{
#if defined(__GLIBC__)
    // Setting either disables glibc's dynamic adjustment of both, so both are set.
    mallopt(M_TRIM_THRESHOLD, 8 << 20);
    mallopt(M_MMAP_THRESHOLD, 1 << 20); // big bodies still get their own mapping
    // No fastbins: every allocation of 1 KiB or more (a request, a read, a response head) made
    // glibc consolidate all the small chunks freed since the last one, which is where most of
    // malloc's time went. Small chunks still go through the per-thread cache first.
    mallopt(M_MXFAST, 0);
#endif
}

} // namespace qp
