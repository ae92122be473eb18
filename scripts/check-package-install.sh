#!/usr/bin/env bash
# The .deb on a clean machine, run by scripts/check-package.sh inside a pristine Debian 12 minbase
# root (scripts/fresh-root.sh) as an ordinary user with sudo: apt installs it with what it
# depends on, both programs run, the systemd user unit verifies, and a purge leaves no file of
# the package behind.
#
#   scripts/check-package-install.sh [--runs-only] /path/to/qwen-proxy_<version>_amd64.deb
#
# --runs-only stops after both programs ran (install, version, serve, the desktop app): what
# check-package.sh asks of the Debian 12 package in a Debian 13 root.
set -euo pipefail
runs_only=0
if [[ "$1" == --runs-only ]]; then runs_only=1; shift; fi
deb=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
apt_get() { sudo env DEBIAN_FRONTEND=noninteractive apt-get -y -qq "$@" >/dev/null; }

echo "install: apt-get install $deb"
sudo apt-get update -qq
# No recommends: the package must run with its Depends alone (the keychain is optional).
apt_get install --no-install-recommends "$deb"
mapfile -t files < <(dpkg -L qwen-proxy)
[[ ${#files[@]} -gt 20 ]] || fail "dpkg -L lists only ${#files[@]} paths"

echo "run: version"
qwen-proxy version | grep -q "^qwen-proxy " || fail "qwen-proxy version"
QT_QPA_PLATFORM=offscreen qwen-proxy-tray --version | grep -q "^qwen-proxy-tray " ||
  fail "qwen-proxy-tray --version"

echo "run: qwen-proxy serve and GET /health"
log=$(mktemp)
qwen-proxy serve --port 18765 >"$log" 2>&1 &
pid=$!
ok=0
for _ in $(seq 1 50); do
  if curl -fsS http://127.0.0.1:18765/health >/dev/null 2>&1; then ok=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[[ $ok -eq 1 ]] || { cat "$log" >&2; fail "serve did not answer GET /health"; }

echo "run: the desktop app starts (offscreen) and stays up"
# It loads the platform plugin and the SQLite driver, which only the package's Depends bring.
QT_QPA_PLATFORM=offscreen PORT=18766 qwen-proxy-tray >"$log" 2>&1 &
pid=$!
sleep 3
kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "qwen-proxy-tray exited"; }
kill "$pid"
wait "$pid" 2>/dev/null || true
if [[ $runs_only -eq 1 ]]; then
  echo "OK: $(qwen-proxy version)"
  exit 0
fi

echo "run: qwen-proxy-tray --autostart on, status, off"
entry=~/.config/autostart/io.github.qwenproxy.QwenProxy.desktop
qwen-proxy-tray --autostart on >/dev/null
grep -qx 'Exec="/usr/bin/qwen-proxy-tray" --minimized' "$entry" ||
  fail "--autostart on: no entry starting /usr/bin/qwen-proxy-tray --minimized in $entry"
[[ $(qwen-proxy-tray --autostart status | head -1) == on ]] || fail "--autostart status after on"
qwen-proxy-tray --autostart off >/dev/null
[[ ! -e "$entry" ]] || fail "--autostart off left $entry"
[[ $(qwen-proxy-tray --autostart status | head -1) == off ]] || fail "--autostart status after off"

echo "run: qwen-proxy purge --yes removes the user's data (serve made it)"
[[ -d ~/.local/share/qwen-proxy ]] || fail "serve left no data directory to purge"
qwen-proxy-tray --autostart on >/dev/null
qwen-proxy purge --yes >/dev/null 2>&1 || fail "qwen-proxy purge --yes"
for d in ~/.local/share/qwen-proxy ~/.config/qwen-proxy "$entry"; do
  [[ ! -e "$d" ]] || fail "qwen-proxy purge --yes left $d"
done

echo "systemd-analyze verify --user (any output fails)"
apt_get install --no-install-recommends systemd man-db
runtime=$(mktemp -d)
out=$(XDG_RUNTIME_DIR=$runtime systemd-analyze verify --user \
  /usr/lib/systemd/user/qwen-proxy.service 2>&1) || fail "systemd-analyze verify: $out"
[[ -z "$out" ]] || fail "systemd-analyze verify: $out"

echo "purge: nothing of the package may remain"
apt_get purge qwen-proxy
dpkg-query -W -f='${Status}' qwen-proxy 2>/dev/null | grep -q installed &&
  fail "qwen-proxy is still installed"
left=()
for f in "${files[@]}"; do
  [[ -e "$f" || -L "$f" ]] || continue
  # Directories the system shares (/usr/share/man/man1, ...) stay; the package's own go.
  if [[ -d "$f" ]] && [[ "$f" != */qwen-proxy ]]; then continue; fi
  left+=("$f")
done
[[ ${#left[@]} -eq 0 ]] || fail "left after purge: ${left[*]}"
echo "check-package-install: OK"
