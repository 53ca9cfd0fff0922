#!/usr/bin/env bash
# Runs every test of the project. First installs what the tests need when it is missing (as root
# on Debian): gdal-bin for ogrinfo/ogr2ogr, chromium for the browser tests, qgis and python3-qgis
# for the QGIS check, wrk for the load test; then the web assets from web/package-lock.json.
# Then `cargo test` (which includes the GDAL and browser tests), a 20-second load test
# (scripts/load/run.sh) and QGIS reading the OGC API (tests/qgis/oapif.py).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v ogrinfo >/dev/null 2>&1 || missing+=(gdal-bin)
[ -x /usr/bin/chromium ] || missing+=(chromium)
/usr/bin/python3 -c 'import qgis.core' >/dev/null 2>&1 || missing+=(qgis python3-qgis)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} for the tests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing for the tests: ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

npm ci --prefix web --no-audit --no-fund --loglevel=error
cargo test --locked "$@"

# the release binary under a mixed read/write workload: no error, no 5xx, RSS steady
bash scripts/load/run.sh --duration 20s

# QGIS itself (PyQGIS, headless) reads the OGC API of the binary the tests built
cargo build --locked --quiet
QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis/oapif.py target/debug/incident-map
