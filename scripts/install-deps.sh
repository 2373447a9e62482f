#!/usr/bin/env bash
# Installs the Debian packages Loom builds against, only those that are missing (safe to run repeatedly), as
# root or through sudo. With --tests, also what the tests and benchmarks need beyond the build.
#
#   scripts/install-deps.sh           # building and running Loom (make quickstart)
#   scripts/install-deps.sh --tests   # and the tests (make test, make bench)
set -euo pipefail

packages=(
  pkg-config
  libcairo2-dev        # drawing procedural scenes
  fonts-dejavu-core    # the font scene text is drawn in
  libpng-dev           # PNG encoding (simplified API)
  libturbojpeg0-dev    # JPEG encoding
  libsqlite3-dev       # the run store (GRDB)
  libwebp-dev          # WebP decoding (ingest)
  libheif-dev          # HEIC and AVIF decoding (ingest); its encoders make the tests' files
  liblcms2-dev         # photos' ICC profiles (Display P3, Adobe RGB) converted to sRGB (ingest)
  libxxhash-dev        # XXH3, the content digests' row hash (store)
  libexif-dev          # JPEG EXIF orientation (ingest)
  libswscale-dev       # high-quality downscaling (ingest)
  libtesseract-dev     # OCR (ingest)
  libavformat-dev      # video containers (video ingest)
  libavcodec-dev       # video decoding (video ingest)
  libavutil-dev        # libav's utilities: display matrices, errors
  tesseract-ocr-eng    # OCR's English model
  libarchive-dev       # WebDataset tar shards (export)
)
test_packages=(
  ffmpeg               # making test videos and the frame-sampling benchmark's competitor
  chromium             # headless screenshots of the data card, the review app in a real browser (tests)
  chromium-driver      # WebDriver for driving chromium in the review app tests
  python3-venv         # the virtual environment of the exports' real consumers (tests)
)
if [ "${1:-}" = "--tests" ]; then packages+=("${test_packages[@]}"); fi
# From Debian 13 libheif's codecs are plugins of their own (Debian 12 builds them in): HEVC and AV1 decoding,
# and the encoders the tests make their files with. Taken where the distribution has them (asked again after
# `apt-get update`, since a fresh machine may have no package lists yet).
heif_plugins=(libheif-plugin-libde265 libheif-plugin-dav1d libheif-plugin-x265 libheif-plugin-aomenc)
# Installed, not merely known: `dpkg -s` also succeeds for a package removed with its configuration left ("rc").
# One line per architecture the package is known for (i386 beside amd64): installed for any of them counts.
installed() { dpkg-query -W -f='${db:Status-Status}\n' "$1" 2>/dev/null | grep -qx installed; }
add_missing_heif_plugins() {
  for plugin in "${heif_plugins[@]}"; do
    if ! installed "$plugin" && apt-cache show "$plugin" >/dev/null 2>&1; then missing+=("$plugin"); fi
  done
}

missing=()
for package in "${packages[@]}"; do
  installed "$package" || missing+=("$package")
done
add_missing_heif_plugins
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "error: these Debian packages are missing and installing them needs root; run as root:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  sudo_cmd=(sudo)
fi
"${sudo_cmd[@]}" apt-get update -qq
add_missing_heif_plugins
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
