#!/usr/bin/env bash
# Installs what is missing, builds, and starts Qwen Proxy: the tray app when a display is present,
# the headless server otherwise. Extra arguments go to `qwen-proxy serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
dir=$(scripts/build.sh release)
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && $# -eq 0 ]]; then
  exec "$dir/ui/qwen-proxy-tray"
fi
exec "$dir/src/cli/qwen-proxy" serve "$@"
