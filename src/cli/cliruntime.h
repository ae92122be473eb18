#pragma once
// The Runtime of a command that works on the data dir without serving (auth, usage): --data-dir
// and --config are honoured; when it cannot be opened the error line is printed and null returned.

#include "cliargs.h"

#include <memory>

namespace qp {
class Runtime;
}

namespace qp::cli {

std::unique_ptr<Runtime> openRuntime(const ParsedArgs &parsed);

} // namespace qp::cli
