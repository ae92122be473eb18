#pragma once
// What both programs do first thing in main(), before any file is created:
//   - umask 077, so every file and directory we (or SQLite, or Qt) create is the user's alone,
//     whatever umask the session has (under umask 000 the data and config directories used to
//     be created 0777);
//   - no core dumps in Release builds: a dump holds the tokens and keys in memory.
// The platform calls are here and only here (POSIX; nothing on Windows, where the profile's
// folders are already private to the user).

namespace qp {

void hardenProcess();

} // namespace qp
