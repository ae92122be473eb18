#pragma once
// `qwen-proxy-tray --autostart on|off|status`: the Settings page's "Start at login" from a shell
// or an installer. on/off store start_at_login in the config file exactly as the toggle does and
// apply it at once (the toggle takes effect at the app's next start); status prints the stored
// setting and where the entry is. No display is needed: it runs before any window exists.

namespace qp {

// The exit code when argv asks for --autostart (0 done, 1 failed, 2 usage error); -1 otherwise.
int runAutostartCommand(int argc, char *argv[]);

} // namespace qp
