#!/usr/bin/env bash
# Takes docs/screenshots/main-window.png: runs the built pagewise under a virtual X display
# (xvfb-run from xvfb) sized like the window and captures it with ImageMagick's import.
#   resources/tools/screenshot-main-window.sh [BUILD_DIR]     (default: build)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
OUT="$ROOT/docs/screenshots/main-window.png"
mkdir -p "$(dirname "$OUT")"
TMP="$(mktemp -d)"
mkdir -m 700 "$TMP/runtime"
trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/capture.sh" <<'INNER'
#!/usr/bin/env bash
set -euo pipefail
"$1" & app=$!
sleep 3
import -window root "$2"
kill "$app"; wait "$app" || true
INNER
chmod +x "$TMP/capture.sh"
# A private state/runtime folder so the screenshot run leaves no log in the real home.
XDG_STATE_HOME="$TMP/state" XDG_RUNTIME_DIR="$TMP/runtime" XDG_CONFIG_HOME="$TMP/config" \
  xvfb-run -a -s "-screen 0 1200x760x24" "$TMP/capture.sh" "$BUILD/gui/pagewise" "$OUT"
echo "wrote $OUT"
