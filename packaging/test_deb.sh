#!/usr/bin/env bash
# ctest "packaging_deb_installs_runs_and_removes": builds the .deb from BUILD_DIR with cpack,
# installs it with apt-get, checks that both programs run (without a display) and that the
# desktop entry, icon, metainfo and samples are in place, then removes the package and
# checks it is gone. The machine is left as it was: the package is removed even when a check
# fails, and any package apt pulled in for it is purged again.
#   packaging/test_deb.sh BUILD_DIR VERSION
# Exit: 0 pass, 1 fail, 77 skipped (with the reason printed: not root, or pagewise already
# installed, which the test must not replace).
set -uo pipefail
BUILD="$1"
VERSION="$2"

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIPPED: not root (this test installs and removes the .deb with apt-get, which needs root)"
  exit 77
fi
if dpkg-query -W -f='${Status}' pagewise 2>/dev/null | grep -q "ok installed"; then
  echo "SKIPPED: a pagewise package is already installed here; the test would replace and remove it"
  exit 77
fi

WORK="$(mktemp -d)"
failures=0
installed=0   # pagewise is (possibly half) installed and must be removed
touched=0     # apt-get install ran: packages it pulled in must be purged
check() {  # check DESCRIPTION COMMAND...
  local what="$1"; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
installed_packages() { dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 ~ /^ii/ {print $2}' | sort; }
APT=(apt-get -y -q -o DPkg::Lock::Timeout=120)

cleanup() {
  if [ "$installed" -eq 1 ]; then
    DEBIAN_FRONTEND=noninteractive "${APT[@]}" remove pagewise >"$WORK/remove.log" 2>&1 || cat "$WORK/remove.log"
  fi
  # No conffiles are shipped, but make sure nothing (not even a config-files entry) stays.
  if dpkg-query -W -f='${Status}' pagewise 2>/dev/null | grep -q "config-files"; then
    dpkg --purge pagewise >/dev/null
  fi
  if [ "$touched" -eq 1 ]; then
    local extra
    extra="$(comm -13 "$WORK/before.txt" <(installed_packages))"
    if [ -n "$extra" ]; then
      echo "purging packages apt installed for the test: $extra"
      DEBIAN_FRONTEND=noninteractive "${APT[@]}" purge $extra >/dev/null 2>&1
    fi
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "building the .deb from $BUILD with cpack"
if ! cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK/out" >"$WORK/cpack.log" 2>&1; then
  cat "$WORK/cpack.log"
  echo "FAIL: cpack could not build the package"
  exit 1
fi
DEB="$(ls "$WORK"/out/pagewise_"$VERSION"_*.deb 2>/dev/null | head -n1)"
check "cpack wrote pagewise_${VERSION}_<arch>.deb" test -f "$DEB"
[ -f "$DEB" ] || exit 1
DEPENDS="$(dpkg-deb -f "$DEB" Depends)"
echo "Depends: $DEPENDS"
depends_ok() { grep -q "libqt6widgets6" <<<"$DEPENDS" && grep -q "libpoppler-cpp" <<<"$DEPENDS"; }
check "Depends computed by shlibdeps names Qt and poppler" depends_ok

installed_packages >"$WORK/before.txt"
echo "installing $(basename "$DEB") with apt-get"
touched=1
installed=1   # from here on cleanup removes it, even when apt-get fails half-way
if ! DEBIAN_FRONTEND=noninteractive "${APT[@]}" install --no-install-recommends "$DEB" >"$WORK/install.log" 2>&1; then
  cat "$WORK/install.log"
  echo "FAIL: apt-get install"
  exit 1
fi

# Both programs must answer --version with no display at all (a server, an ssh session).
no_display() { env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$@"; }
cli_version_ok() { no_display /usr/bin/pagewise-cli --version | tee "$WORK/cli.txt" | grep -q "^pagewise-cli $VERSION"; }
gui_version_ok() { no_display /usr/bin/pagewise --version | tee "$WORK/gui.txt" | grep -qx "pagewise $VERSION"; }
check "/usr/bin/pagewise-cli --version prints $VERSION" cli_version_ok
check "/usr/bin/pagewise --version prints $VERSION without a display" gui_version_ok
check "desktop entry installed" test -f /usr/share/applications/org.pagewise.Pagewise.desktop
check "AppStream metainfo installed" test -f /usr/share/metainfo/org.pagewise.Pagewise.metainfo.xml
check "icons installed (scalable and 256 px)" \
  test -f /usr/share/icons/hicolor/scalable/apps/org.pagewise.Pagewise.svg -a \
       -f /usr/share/icons/hicolor/256x256/apps/org.pagewise.Pagewise.png
check "sample documents installed" \
  test -f /usr/share/pagewise/samples/northwind-employee-handbook.pdf -a \
       -f /usr/share/pagewise/samples/paediatric-analgesia-guideline.pdf
check "copyright file installed" test -f /usr/share/doc/pagewise/copyright

echo "removing pagewise with apt-get"
if DEBIAN_FRONTEND=noninteractive "${APT[@]}" remove pagewise >"$WORK/remove.log" 2>&1; then
  installed=0
else
  cat "$WORK/remove.log"
  failures=$((failures + 1))
fi
check "/usr/bin/pagewise-cli is gone after removal" test ! -e /usr/bin/pagewise-cli
check "/usr/bin/pagewise is gone after removal" test ! -e /usr/bin/pagewise
check "desktop entry is gone after removal" test ! -e /usr/share/applications/org.pagewise.Pagewise.desktop

if [ "$failures" -ne 0 ]; then
  echo "$failures packaging check(s) failed"
  exit 1
fi
echo "packaging: the .deb installs, runs and uninstalls"
