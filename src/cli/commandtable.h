#pragma once
// The one list of qwen-proxy's commands. main() dispatches through it, `qwen-proxy help` prints
// its "Commands:" block from it, and the man page and the bash, zsh and fish completions are
// checked against that block by a test (tests/packaging/check-commands.sh), so a new command
// cannot ship undocumented or uncompleted.

#include <QStringList>
#include <span>

namespace qp::cli {

struct Command {
    const char *name;
    const char *alias; // a second spelling that runs the same command, or nullptr
    const char *summary;
    int (*run)(const QStringList &args);
};

std::span<const Command> commands();
// The command called `name` (or aliased so); nullptr when there is none.
const Command *findCommand(const QString &name);

} // namespace qp::cli
