#!/usr/bin/env bash
# Installs what Qwen Proxy needs to build, test and run on Debian 12+ / Ubuntu 22.04+.
# Only missing packages are installed; nothing happens when everything is there.
set -euo pipefail

PKGS=(cmake ninja-build g++ pkg-config
      qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev qt6-tools-dev
      qt6-l10n-tools qt6-translations-l10n libqt6sql6-sqlite qtkeychain-qt6-dev libqrcodegencpp-dev
      libgl-dev)
if [[ "${1:-}" == "--test" ]]; then
  # Secret service for the keychain tests, a virtual display for the UI tests, Node.js for the
  # official SDK interop tests.
  PKGS+=(dbus dbus-x11 gnome-keyring libsecret-1-0 xvfb xauth)
  command -v node >/dev/null 2>&1 || PKGS+=(nodejs npm)
fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
echo "Installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
