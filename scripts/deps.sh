#!/usr/bin/env bash
# Installs the Debian 12 packages Pagewise builds, tests and runs with. Sourced by scripts/run,
# scripts/test and scripts/package. Skips apt when everything is already there.
# Why each: see README.md "Dependencies".
PAGEWISE_DEBS=(
  cmake ninja-build g++ pkg-config git ca-certificates
  qt6-base-dev qt6-base-dev-tools libgl-dev libpoppler-qt6-dev
  libpoppler-cpp-dev libsqlite3-dev libopenblas-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev
  nlohmann-json3-dev         # JSON: golden files, CLI --json output, chat messages (the standard C++ JSON library)
  clang                      # libFuzzer targets for the parsers of untrusted files
  xvfb xauth                 # GUI checks under a virtual display
  at-spi2-core dbus-bin dbus-daemon  # the screen-reader test: the AT-SPI bus Orca listens on, in a private D-Bus session
  poppler-utils              # pdftotext/pdfinfo: sample-PDF test, page counts in scripts/run
  dpkg-dev fakeroot file     # CPack DEB with shlibdeps
  appstream desktop-file-utils  # validate the AppStream metainfo and the desktop entry (resources test)
)

pagewise_install_deps() {
  local missing=()
  for p in "${PAGEWISE_DEBS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  echo "pagewise: installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# pagewise_configure BUILD_DIR [cmake args...]: configure (or reconfigure) a build folder.
pagewise_configure() {
  local dir="$1"; shift
  cmake -S "$PAGEWISE_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
}

# pagewise_build BUILD_DIR [cmake args...]: configure and build everything.
pagewise_build() {
  local dir="$1"; shift
  pagewise_configure "$dir" "$@"
  cmake --build "$dir" -j "$(nproc)"
}

# pagewise_existing_targets BUILD_DIR NAME...: prints those NAMEs the build folder defines
# (a test suite exists only once its folder has sources).
pagewise_existing_targets() {
  local dir="$1"; shift
  local all
  all="$(cmake --build "$dir" --target help 2>/dev/null | sed -n 's/^\([^: ]*\):.*/\1/p')"
  for t in "$@"; do
    grep -qx -- "$t" <<<"$all" && echo "$t"
  done
  return 0
}
