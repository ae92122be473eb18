#!/usr/bin/env bash
# Runs a test under a private X server (Xvfb) and a private D-Bus session bus: the desktop session
# a Linux tray icon needs. The tray host itself (a StatusNotifierItem watcher) is the test's own
# (tst_trayhost.cpp). Exits 77, which ctest counts as skipped, when Xvfb or dbus-run-session is
# missing (both come with scripts/setup-deps.sh --test).
#
#   tests/ui/trayhost/run-with-tray-host.sh TEST_BINARY [ARGS...]
set -euo pipefail
if ! command -v Xvfb >/dev/null || ! command -v dbus-run-session >/dev/null; then
  echo "SKIP: Xvfb and dbus-run-session are needed (scripts/setup-deps.sh --test)"
  exit 77
fi
tmp="$(mktemp -d)"
xvfb=""
cleanup() {
  [[ -n "$xvfb" ]] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# Xvfb picks a free display and writes its number once it accepts clients: reading it from a
# FIFO waits exactly that long.
mkfifo "$tmp/display"
Xvfb -displayfd 3 -nolisten tcp -screen 0 1280x800x24 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb=$!
display=""
read -r display <"$tmp/display" || true
if [[ -z "$display" ]]; then
  cat "$tmp/xvfb.log" >&2
  echo "Xvfb did not start" >&2
  exit 1
fi
# No desktop named: Qt uses its generic Unix theme, whose tray icon is a StatusNotifierItem
# whenever a watcher is on the bus.
env -u XDG_CURRENT_DESKTOP -u DESKTOP_SESSION -u WAYLAND_DISPLAY DISPLAY=":$display" \
  QT_QPA_PLATFORM=xcb dbus-run-session -- "$@"
