#pragma once
// Output helpers for the CLI verbs: UTF-8 lines on stdout/stderr, flushed at once so a caller
// reading the pipe (scripts, tests) sees each line when it happens.

#include <QString>

namespace qp::cli::console {

void out(const QString &line);    // line + '\n' on stdout
void outRaw(const QString &text); // text as is on stdout (no newline), flushed
void err(const QString &line);    // line + '\n' on stderr
bool stdoutIsTerminal();

} // namespace qp::cli::console
