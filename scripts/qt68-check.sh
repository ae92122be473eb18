#!/usr/bin/env bash
# Builds and tests the same source against Qt 6.8 (what the macOS and Windows installers use) in a
# pristine Debian 13 (trixie) root, exactly as a new user would (scripts/check-fresh.sh: the
# README on a new machine, packages only through scripts/setup-deps.sh). Needs root
# (scripts/fresh-root.sh: debootstrap, chroot).
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/fresh-root.sh trixie scripts/check-fresh.sh
