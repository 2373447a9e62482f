#!/usr/bin/env bash
# Installs the Debian packages Loom builds against, only those that are missing (safe to run repeatedly).
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
  ffmpeg               # making test videos and the frame-sampling benchmark's competitor
  tesseract-ocr-eng    # OCR's English model
  libarchive-dev       # WebDataset tar shards (export)
  chromium             # headless screenshots of the data card, the review app in a real browser (tests)
  chromium-driver      # WebDriver for driving chromium in the review app tests
  python3-venv         # the virtual environment of the exports' real consumers (tests)
)
# From Debian 13 libheif's codecs are plugins of their own (Debian 12 builds them in): HEVC and AV1 decoding,
# and the encoders the tests make their files with. Taken where the distribution has them (asked again after
# `apt-get update`, since a fresh machine may have no package lists yet).
heif_plugins=(libheif-plugin-libde265 libheif-plugin-dav1d libheif-plugin-x265 libheif-plugin-aomenc)
add_missing_heif_plugins() {
  for plugin in "${heif_plugins[@]}"; do
    if ! dpkg -s "$plugin" >/dev/null 2>&1 && apt-cache show "$plugin" >/dev/null 2>&1; then missing+=("$plugin"); fi
  done
}

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
add_missing_heif_plugins
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
add_missing_heif_plugins
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
