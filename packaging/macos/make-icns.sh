#!/usr/bin/env bash
# Renders the macOS icon, QwenProxy.icns, from the SVG the Linux package uses. Tools from Debian:
# rsvg-convert (librsvg2-bin), png2icns (icnsutils), python3. The .icns is committed, so no build
# needs them; run this after changing the SVG, then `icns2png -l QwenProxy.icns`.
#
# 16, 32 and 128 px are the classic elements png2icns writes (run-length RGB plus a mask);
# 256, 512 and 1024 px are PNG, as Apple's iconutil writes them: png2icns would store those as
# JPEG 2000, which recent macOS versions no longer promise to read.
set -euo pipefail
cd "$(dirname "$0")"
svg=../linux/icons/io.github.qwenproxy.QwenProxy.svg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for size in 16 32 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" "$svg" -o "$tmp/$size.png"
done
png2icns "$tmp/small.icns" "$tmp/16.png" "$tmp/32.png" "$tmp/128.png" >/dev/null
python3 - "$tmp" QwenProxy.icns <<'PY'
import struct, sys
tmp, out = sys.argv[1], sys.argv[2]
small = open(f"{tmp}/small.icns", "rb").read()
assert small[:4] == b"icns"
body = small[8:]  # the classic elements, each already type + length + data
for kind, size in (("ic08", 256), ("ic09", 512), ("ic10", 1024)):
    png = open(f"{tmp}/{size}.png", "rb").read()
    body += kind.encode() + struct.pack(">I", 8 + len(png)) + png
open(out, "wb").write(b"icns" + struct.pack(">I", 8 + len(body)) + body)
PY
echo "wrote $PWD/QwenProxy.icns"
