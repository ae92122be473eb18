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
# ccache when the machine has it (CI installs it): paths relative to the checkout, so a fresh
# clone hits what an earlier clone cached.
if command -v ccache >/dev/null 2>&1; then
  args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
fi
cmake -S . -B "$dir" "${args[@]}" ${QP_CMAKE_ARGS:-} >/dev/null
cmake --build "$dir" -j"$(nproc)" >&2
echo "$dir"
