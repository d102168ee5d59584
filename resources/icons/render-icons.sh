#!/usr/bin/env bash
# Renders the PNG app icons from org.pagewise.Pagewise.svg. The PNGs are committed, so the
# build does not need this tool; rerun it after changing the SVG and commit the results.
# Needs rsvg-convert (Debian package librsvg2-bin). Output is reproducible: rsvg-convert
# writes no timestamps.
set -euo pipefail
cd "$(dirname "$0")"
command -v rsvg-convert >/dev/null || { echo "render-icons.sh: install librsvg2-bin (rsvg-convert)" >&2; exit 1; }
for size in 16 22 24 32 48 64 128 256; do
  rsvg-convert -w "$size" -h "$size" -o "hicolor/${size}x${size}/org.pagewise.Pagewise.png" org.pagewise.Pagewise.svg
done
echo "rendered: $(ls hicolor/*/org.pagewise.Pagewise.png | tr '\n' ' ')"
