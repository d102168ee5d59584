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
  poppler-utils              # pdftotext in tests that read our generated PDFs
  dpkg-dev fakeroot file     # CPack DEB with shlibdeps
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

# pagewise_build BUILD_DIR [cmake args...]: configure (once) and build everything.
pagewise_build() {
  local dir="$1"; shift
  cmake -S "$PAGEWISE_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}
