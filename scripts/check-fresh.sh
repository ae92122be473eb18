#!/usr/bin/env bash
# Everything the README promises on a fresh machine, in the README's order: the Quick start's
# scripts/test.sh (installs, builds, runs every test), its start command (scripts/check-start.sh),
# then the "Building and testing by hand" commands verbatim, and, when scripts/fresh-root.sh was
# given QP_ROOT_SHARE, the Install section's package command, whose .deb it leaves in ~/share for
# scripts/check-package.sh. CI runs this in pristine Debian 12
# and 13 roots (scripts/fresh-root.sh, docs/fresh-machine.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test.sh
scripts/check-start.sh
echo "check-fresh: the README's by-hand commands"
scripts/setup-deps.sh --test
cmake --preset release
cmake --build --preset release
(cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
ctest --preset release
# Only where the .deb is wanted (the Debian 12 leg, scripts/check-package.sh checks it): the
# package is built on Debian 12, and the Qt 6.8 leg has no use for one.
if [[ -d ~/share ]]; then
  echo "check-fresh: the README's package command"
  (cd build/release && cpack -G DEB)
  cp build/release/qwen-proxy_*_amd64.deb ~/share/
fi
