#!/usr/bin/env bash
# Configures and builds one flavour: release (default), asan, or debug. Prints the build dir.
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
dir="build/$flavour"
args=(-G Ninja -DCMAKE_BUILD_TYPE=Release)
case "$flavour" in
  asan) args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQP_ASAN=ON -DQP_BUILD_UI=OFF) ;;
  debug) args=(-G Ninja -DCMAKE_BUILD_TYPE=Debug) ;;
esac
cmake -S . -B "$dir" "${args[@]}" ${QP_CMAKE_ARGS:-} >/dev/null
cmake --build "$dir" -j"$(nproc)" >&2
echo "$dir"
