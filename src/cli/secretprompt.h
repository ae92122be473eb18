#pragma once
// Reads a secret (an API key) from standard input: a prompt without echo on a terminal, else one
// line from a pipe. Keys never come from argv, where other users can read them (ps, /proc).
// The terminal calls are POSIX or Win32; this file is the only place that knows which.

#include <QString>

namespace qp::cli {

bool stdinIsTerminal();
// `prompt` goes to stderr (stdout may be a pipe). Returns the trimmed line; empty at EOF.
QString readSecret(const QString &prompt);

} // namespace qp::cli
