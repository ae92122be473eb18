#!/usr/bin/env bash
# Proves a qwen-proxy .deb (docs/packaging.md): lintian with no overrides, the desktop file, the
# AppStream metadata, the systemd user unit, the man pages and the completions; then installs it
# with apt into a clean Debian 12 minbase root, runs both programs there as an ordinary user,
# purges it and checks that no file of it is left (scripts/check-package-install.sh); and that apt
# installs the same package in a clean Debian 13 root, where both programs run against Qt 6.8.
#
#   scripts/check-package.sh path/to/qwen-proxy_<version>_amd64.deb      (needs root, like CI)
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(realpath "$1")
start=$(date +%s)
stamp() { echo "--- check-package: $* ($(($(date +%s) - start)) s)"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

scripts/setup-deps.sh --package
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

stamp "lintian"
# Every tag at warning or above fails; the package ships no overrides, so nothing is hidden.
[[ -z $(dpkg-deb -c "$deb" | grep lintian) ]] || fail "the package ships lintian overrides"
lintian --fail-on error,warning --tag-display-limit 0 "$deb"

# No maintainer scripts: nothing runs as root at install or removal, so nothing can enable the
# user unit for anyone or touch a home directory.
ctrl=$(dpkg-deb --ctrl-tarfile "$deb" | tar t | sed 's#^\./##' | grep -v '^$' | sort | tr '\n' ' ')
[[ "$ctrl" == "control md5sums " ]] || fail "control archive holds more than control and md5sums: $ctrl"

# The package's files as installed: the same tree a DESTDIR install of the build gives.
tree=$work/tree
dpkg-deb -x "$deb" "$tree"
version=$(dpkg-deb -f "$deb" Version)
id=io.github.qwenproxy.QwenProxy

stamp "desktop file, AppStream, metainfo release"
# Hints count too: Debian 12's validator prints nothing for a clean file.
out=$(desktop-file-validate "$tree/usr/share/applications/$id.desktop" 2>&1)
[[ -z "$out" ]] || fail "desktop-file-validate: $out"
appstreamcli validate-tree --no-net "$tree"
grep -q "<release version=\"$version\"" "$tree/usr/share/metainfo/$id.metainfo.xml" ||
  fail "the metainfo has no <release> for $version"
for f in usr/share/icons/hicolor/scalable/apps/$id.svg usr/share/icons/hicolor/256x256/apps/$id.png \
  usr/lib/systemd/user/qwen-proxy.service usr/share/doc/qwen-proxy/changelog.gz \
  usr/share/doc/qwen-proxy/copyright usr/share/bash-completion/completions/qwen-proxy \
  usr/share/zsh/vendor-completions/_qwen-proxy usr/share/fish/vendor_completions.d/qwen-proxy.fish; do
  [[ -f "$tree/$f" ]] || fail "the package has no /$f"
done

stamp "systemd user unit"
# The unit must not widen the listen address: the user's settings decide (127.0.0.1 by default).
! grep -q -- '^ExecStart=.*--host' "$tree/usr/lib/systemd/user/qwen-proxy.service" ||
  fail "qwen-proxy.service passes --host"
# (systemd-analyze verify runs in the clean root, where the unit's binary and man page exist.)

stamp "man pages and completions against 'qwen-proxy help'"
for page in "$tree"/usr/share/man/man1/*.1.gz; do
  gzip -t "$page" || fail "$page is not gzip"
  # gzip -n: no file name and a zero time stamp in the header (bytes 3 to 7).
  [[ $(od -An -tx1 -j3 -N5 "$page" | tr -d ' ') == 0000000000 ]] ||
    fail "$page carries a name or time stamp (not gzip -n)"
  out=$(zcat "$page" | groff -man -ww -z -Tutf8 2>&1) || fail "groff failed on $page"
  [[ -z "$out" ]] || fail "groff warnings in $page: $out"
done
QP_REQUIRE_SHELLS=1 tests/packaging/check-commands.sh "$tree/usr/bin/qwen-proxy" "$PWD" \
  "$tree/usr/bin/qwen-proxy-tray"

stamp "install, run and purge in a clean Debian 12 root"
share=$work/share
mkdir -p "$share"
cp "$deb" "$share/"
# A root directory of its own (QP_ROOT_NAME): the big one of the Debian 12 leg is not deleted here.
QP_ROOT_SHARE=$share QP_ROOT_NAME=package scripts/fresh-root.sh bookworm \
  scripts/check-package-install.sh "/home/dev/share/$(basename "$deb")"

# Debian 13 keeps the Qt library packages' names (libqt6core6, ... at 6.8) on amd64, so apt takes
# the Debian 12 package there; this shows that it then also runs, against Qt 6.8 (about 50 s,
# most of it apt installing Qt).
stamp "the same package in a clean Debian 13 root: installs and runs against Qt 6.8"
QP_ROOT_SHARE=$share QP_ROOT_NAME=package scripts/fresh-root.sh trixie \
  scripts/check-package-install.sh --runs-only "/home/dev/share/$(basename "$deb")" |
  tee "$work/trixie.log"
grep -q '^OK: qwen-proxy .* (Qt 6\.8\.' "$work/trixie.log" || fail "in Debian 13 it did not run with Qt 6.8"
stamp "OK"
