#pragma once
// What other users of the machine can read about a running process: its command line, as `ps`
// and /proc/<pid>/cmdline show it. Linux only (elsewhere both return nothing).

#include <QByteArray>
#include <QList>

namespace qp::test {

// The NUL-separated arguments of `pid` (empty when it is gone).
QByteArray processArgv(qint64 pid);
// The processes whose parent is `pid`, now.
QList<qint64> childProcesses(qint64 pid);

} // namespace qp::test
