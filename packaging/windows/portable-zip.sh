#!/bin/sh
# Writes the Windows portable zip from a deployed tree: the same files as the installer's payload
# plus an empty .portable marker next to the programs, which makes the app keep its data and
# settings in a data folder beside them and write nothing to the registry or AppData
# (src/core/platform/portable.h). Everything sits in one top folder, so unpacking never scatters
# files into wherever the zip was opened.
#
#   portable-zip.sh <deployed tree> <version> [output dir, default .]
#   -> <output dir>/qwen-proxy-<version>-windows-x64-portable.zip
set -eu
tree=$1
version=$2
outdir=${3:-.}
[ -f "$tree/qwen-proxy.exe" ] && [ -f "$tree/qwen-proxy-tray.exe" ] ||
  { echo "portable-zip: $tree has no qwen-proxy.exe and qwen-proxy-tray.exe" >&2; exit 1; }
name=qwen-proxy-$version-windows-x64-portable
mkdir -p "$outdir"
out=$(cd "$outdir" && pwd)/$name.zip
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$tree" "$stage/$name"
# A marker a previous run or a copy left in the tree would be packed twice; an existing data
# folder would ship someone's accounts.
[ ! -e "$stage/$name/data" ] || { echo "portable-zip: $tree holds a data folder" >&2; exit 1; }
: >"$stage/$name/.portable"
rm -f "$out"
# -X: no extra Unix attributes (uid/gid), which Windows does not use.
(cd "$stage" && zip -q -X -r "$out" "$name")
echo "$out"
