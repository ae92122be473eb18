#!/usr/bin/env bash
# Renders the PNG icons from the SVG (rsvg-convert, Debian: librsvg2-bin). The PNGs are committed,
# so building the package needs no SVG renderer; run this after changing the SVG.
set -euo pipefail
cd "$(dirname "$0")"
svg=$(ls ./*.svg)
for size in 128 256 512; do
  rsvg-convert -w "$size" -h "$size" "$svg" -o "${svg%.svg}-$size.png"
done
