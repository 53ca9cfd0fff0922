#!/usr/bin/env bash
# Runs every test of the project: installs what the tests need when it is missing (Debian
# gdal-bin for ogrinfo; the web assets from web/package-lock.json), then `cargo test`.
# Then QGIS reads the OGC API (tests/qgis/oapif.py; Debian qgis and python3-qgis).
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

# QGIS itself (PyQGIS, headless) for the OGC API check after the Rust tests
if ! /usr/bin/python3 -c 'import qgis.core' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing qgis and python3-qgis for the QGIS check"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq qgis python3-qgis >/dev/null
  fi
fi

npm ci --prefix web --no-audit --no-fund --loglevel=error
cargo test --locked "$@"

if /usr/bin/python3 -c 'import qgis.core' >/dev/null 2>&1; then
  cargo build --locked --quiet
  QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis/oapif.py target/debug/incident-map
else
  echo "QGIS is missing: skipped the QGIS check (Debian: apt-get install qgis python3-qgis)" >&2
fi
