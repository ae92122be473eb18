#!/usr/bin/env bash
# Builds and tests the same source against Qt 6.8 in a Debian 13 (trixie) root made with
# debootstrap from the mirror apt already uses (qt64-notes.md §10). Needs root. The root is kept
# in /var/cache/qwen-proxy so later runs on the same machine skip the bootstrap.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) -eq 0 ]] || { echo "qt68-check: needs root (debootstrap, chroot)" >&2; exit 1; }
ROOT=${QP_QT68_ROOT:-/var/cache/qwen-proxy/trixie-root}
MIRROR=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
PKGS="cmake ninja-build g++ pkg-config qt6-base-dev qt6-httpserver-dev qt6-websockets-dev"
PKGS+=" qt6-charts-dev qt6-tools-dev qt6-l10n-tools qtkeychain-qt6-dev libqrcodegencpp-dev"
PKGS+=" libqt6sql6-sqlite libsecret-1-dev libgl-dev"

command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null

cleanup() {
  umount "$ROOT/src" 2>/dev/null || true
  umount "$ROOT/proc" 2>/dev/null || true
}
trap cleanup EXIT

if [[ ! -x "$ROOT/usr/bin/qmake6" && ! -f "$ROOT/usr/lib/x86_64-linux-gnu/cmake/Qt6/Qt6Config.cmake" ]]; then
  rm -rf "$ROOT"
  mkdir -p "$ROOT"
  debootstrap --variant=minbase trixie "$ROOT" "$MIRROR" >/tmp/qp-debootstrap.log 2>&1 ||
    { tail -20 /tmp/qp-debootstrap.log; exit 1; }
fi
mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
chroot "$ROOT" bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PKGS >/dev/null"

[[ "${QP_QT68_PREPARE_ONLY:-}" == 1 ]] && { echo "qt68-check: root ready at $ROOT"; exit 0; }

mkdir -p "$ROOT/src"
mount --bind "$PWD" "$ROOT/src"
chroot "$ROOT" bash -c '
  set -euo pipefail
  cd /src
  rm -rf /tmp/qp-build-qt68
  cmake -S . -B /tmp/qp-build-qt68 -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build /tmp/qp-build-qt68 -j"$(nproc)"
  QT_QPA_PLATFORM=offscreen ctest --test-dir /tmp/qp-build-qt68 --output-on-failure -j2 --timeout 300 -E "^interop\\."
'
