// qwen-proxy auth ...: account management (device login with QR, list, remove, default, import).
#include "cliargs.h"
#include "commands.h"

#include <cstdio>

namespace qp::cli {

int runAuth(const QStringList &args)
{
    Q_UNUSED(args);
    std::fprintf(stderr, "qwen-proxy auth: not available in this build yet\n");
    return Failure;
}

} // namespace qp::cli
