#!/usr/bin/env bash
# Runs every test of the project: installs what the tests need when it is missing (Debian
# gdal-bin for ogrinfo; the web assets from web/package-lock.json), then `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v ogrinfo >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing gdal-bin (ogrinfo) for the GDAL tests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq gdal-bin >/dev/null
  else
    echo "ogrinfo is missing: install GDAL (Debian: apt-get install gdal-bin)" >&2
    exit 1
  fi
fi

# Debian chromium for the browser tests (tests/browser.rs drives it with playwright-core)
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium for the browser tests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    echo "/usr/bin/chromium is missing: install Debian's chromium (apt-get install chromium)" >&2
    exit 1
  fi
fi

npm ci --prefix web --no-audit --no-fund --loglevel=error
cargo test --locked "$@"
