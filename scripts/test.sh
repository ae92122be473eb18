#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test. Usage: scripts/test.sh [release|asan]
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
scripts/setup-deps.sh --test
dir=$(scripts/build.sh "$flavour")

# The CLI/server binary must never load Qt Widgets (it runs on servers without a display).
if ldd "$dir/src/cli/qwen-proxy" | grep -q Widgets; then
  echo "FAIL: qwen-proxy links Qt Widgets" >&2
  exit 1
fi

# The official SDKs for the interop tests, pinned (tests/interop/package.json).
if [[ -f tests/interop/package.json ]]; then
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

export QT_QPA_PLATFORM=offscreen
# A private session bus with an unlocked gnome-keyring, so the real keychain code is tested.
exec dbus-run-session -- bash -c '
  export HOME=$(mktemp -d)
  echo -n ci-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
  export QP_REQUIRE_KEYCHAIN=1   # the keychain tests must run here, not skip
  ctest --test-dir "'"$dir"'" --output-on-failure -j2 --timeout 300
'
