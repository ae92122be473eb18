#pragma once
// `qwen-proxy-tray --screenshot DIR`: the login window in each state, the tray icons and the tray
// menu rendered offscreen to PNG with made-up demo data, in English and Chinese, on a light and a
// dark palette; then the process exits. Nothing of the engine starts: no server, no store, no
// network. For the README's pictures, for reviewing the UI without a desktop, and for a test that
// every screen still renders.

#include <QString>
#include <optional>

namespace qp::screenshots {

// The directory after --screenshot (or --screenshot=DIR), if the flag is there.
std::optional<QString> requestedDir(int argc, char *argv[]);

// Creates its own QApplication on the offscreen platform, writes the PNGs, prints their paths,
// returns the exit code.
int run(int argc, char *argv[], const QString &dir);

} // namespace qp::screenshots
