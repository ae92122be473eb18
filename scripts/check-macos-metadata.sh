#!/usr/bin/env bash
# What of the macOS bundle can be proved on Linux (docs/packaging.md, "macOS"): configure renders
# packaging/macos/Info.plist.in into the build tree, exactly as the macOS build does, and
# tests/packaging/check-info-plist.py checks every key and the .icns it names (512 and 1024 px),
# listing the icon with icns2png. Configure only, without the tray app or the tests: seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh --macos
build=build/macos-metadata
rm -rf "$build"
mkdir -p "$build"
cmake -S . -B "$build" -G Ninja -DQP_BUILD_UI=OFF -DQP_BUILD_TESTS=OFF >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log" >&2; exit 1; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
echo "--- $build/packaging/macos/Info.plist (version $version)"
python3 tests/packaging/check-info-plist.py "$build/packaging/macos/Info.plist" "$PWD" "$version"
echo "--- OK"
