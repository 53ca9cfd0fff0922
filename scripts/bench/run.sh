#!/usr/bin/env bash
# Benchmarks incident-map against pygeoapi on the same seeded synthetic incidents (BENCHMARKS.md).
#
#   scripts/bench/run.sh                      # 100,000 and 1,000,000 incidents, 15 s per wrk run
#   scripts/bench/run.sh --count 200000       # other sizes (repeat --count for several)
#   scripts/bench/run.sh --quick              # 10,000 incidents, 3 s per run: a smoke test
#
# Options: --count N (repeatable), --seed S (42), --duration SECONDS (15), --warmup SECONDS (3),
# --rounds R (3), --out DIR (target/bench; target/bench-quick with --quick), --quick.
#
# From a fresh clone it installs what is missing (as root on Debian: wrk, gdal-bin,
# libsqlite3-mod-spatialite, python3-venv, curl), makes a venv with Debian's python3 and the pinned
# scripts/bench/requirements.txt (pygeoapi, gunicorn), builds the release binary and the synthetic
# example, then for each size:
#   1. writes the seeded synthetic incidents as GeoJSON Lines and fills our data directory (with
#      `incident-map import` when the binary has it, else with the synthetic example); exports
#      what our service holds as GeoJSON Lines and loads exactly that into SpatiaLite with
#      ogr2ogr (spatial index on) for pygeoapi's SQLiteGPKG provider;
#   2. starts both servers on free ports of 127.0.0.1 (ours: `incident-map serve`; pygeoapi: 2
#      gunicorn workers) and measures our start-up time until /healthz answers;
#   3. checks both answer the same feature count for the bbox query, then runs wrk (2 threads,
#      2 connections, fixed duration, after a warm-up) on the OGC items query, alternating the
#      two servers round by round, then ours only on /api/incidents and a vector tile;
#   4. measures the full GeoJSON export (plain, gzip, brotli) and our peak RSS (VmHWM).
# Results: OUT/results.json (every run and the medians), OUT/results.md (the table, also printed).
# The body is one { … } block, so bash reads all of it before running: editing this file while a
# run is going cannot change that run.
{
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
here=$root/scripts/bench
args="$*"

counts=()
seed=42
duration=15
warmup=3
rounds=3
out=
quick=0
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --count) counts+=("${2:?--count needs a number}"); shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --warmup) warmup=${2:?}; shift 2 ;;
    --rounds) rounds=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --quick) quick=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if [ "$quick" = 1 ]; then
  [ ${#counts[@]} -gt 0 ] || counts=(10000)
  duration=3 warmup=1 rounds=1
  out=${out:-target/bench-quick}
fi
out=${out:-target/bench}
[ ${#counts[@]} -gt 0 ] || counts=(100000 1000000)
for n in "${counts[@]}" "$seed" "$duration" "$warmup" "$rounds"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "run.sh: '$n' is not a whole number" >&2; exit 2; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- 1. what the benchmark needs --------------------------------------------------------------
spatialite_ok() {
  /usr/bin/python3 -c 'import sqlite3; c = sqlite3.connect(":memory:"); c.enable_load_extension(True); c.load_extension("mod_spatialite")' >/dev/null 2>&1
}
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v ogr2ogr >/dev/null 2>&1 || missing+=(gdal-bin)
command -v curl >/dev/null 2>&1 || missing+=(curl)
spatialite_ok || missing+=(libsqlite3-mod-spatialite)
/usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing for the benchmark: ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi
spatialite_ok || { echo "Debian's python3 cannot load mod_spatialite" >&2; exit 1; }

# Debian's python3: it can load SQLite extensions, which pygeoapi's SQLite provider needs.
venv=$root/target/bench-venv
if [ ! -x "$venv/bin/gunicorn" ] || ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
  log "venv with pygeoapi and gunicorn ($venv); pip may warn that Debian's scipy wants an older numpy: nothing here uses scipy"
  rm -rf "$venv"
  /usr/bin/python3 -m venv --system-site-packages "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi

[ -d web/node_modules/maplibre-gl ] || npm ci --prefix web --no-audit --no-fund --loglevel=error
log "cargo build --release --locked"
cargo build --release --locked --quiet --bin incident-map --example synthetic
bin=$root/target/release/incident-map
synthetic=$root/target/release/examples/synthetic

# --- functions --------------------------------------------------------------------------------
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
now_ns() { date +%s%N; }
# the 1-minute load average: other work on the machine disturbs the figures
load1() { cut -d' ' -f1 /proc/loadavg; }
secs_since() { echo "$(( $(now_ns) - $1 ))" | awk '{printf "%.3f", $1 / 1e9}'; }
# wait_http URL SECONDS PID: until URL answers 2xx; fails when the process died or time ran out
wait_http() {
  local deadline=$(( $(date +%s) + $2 ))
  until curl -sf -o /dev/null "$1"; do
    kill -0 "$3" 2>/dev/null || return 1
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.01
  done
}
status_of() { curl -s -o /dev/null -w '%{http_code}' "$1"; }
# vm_kb PID FIELD: a field of /proc/PID/status in kB
vm_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
records=$out/records.jsonl
: >"$records"
# record JSON: one result line
record() { printf '%s\n' "$1" >>"$records"; }
# wrk_run COUNT CASE SERVER ROUND URL: one measured wrk run, recorded
wrk_run() {
  local line load1
  load1=$(load1)
  line=$(wrk -t2 -c2 -d"${duration}s" --timeout 30s -s "$here/report.lua" "$5" | sed -n 's/^BENCH //p')
  [ -n "$line" ] || { echo "wrk gave no result for $5" >&2; exit 1; }
  record "{\"count\":$1,\"case\":\"$2\",\"server\":\"$3\",\"round\":$4,\"url\":\"$5\",\"load1_before\":$load1,\"wrk\":$line}"
  log "  $2 $3 round $4: $(echo "$line" | /usr/bin/python3 -c 'import json, sys; r = json.load(sys.stdin); print("%.0f req/s, p50 %.2f ms, p99 %.2f ms, %d non-2xx" % (r["rps"], r["p50_ms"], r["p99_ms"], r["non2xx"]))')"
}
warm() { wrk -t2 -c2 -d"${warmup}s" --timeout 30s "$1" >/dev/null; }

# --- machine and versions ---------------------------------------------------------------------
py=$venv/bin/python
import_help=0
"$bin" import --help >/dev/null 2>&1 && import_help=1
max_export_opt=0
"$bin" serve --help 2>/dev/null | grep -q -- --max-export && max_export_opt=1
spatialite_version=$(/usr/bin/python3 -c 'import sqlite3; c = sqlite3.connect(":memory:"); c.enable_load_extension(True); c.load_extension("mod_spatialite"); print(c.execute("select spatialite_version()").fetchone()[0])')
"$py" - "$out/meta.json" <<EOF
import json, os, platform, subprocess, sys, sqlite3
import pygeoapi, gunicorn
def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    except OSError:
        return None
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), None)
mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
lock = open("Cargo.lock").read().split("[[package]]")
def crate(name):
    return ", ".join(p.split('version = "', 1)[1].split('"', 1)[0]
                     for p in lock if f'\nname = "{name}"\n' in p)
meta = {
    "date_utc": run("date", "-u", "+%Y-%m-%dT%H:%M:%SZ"),
    "command": "scripts/bench/run.sh $args".strip(),
    "git": run("git", "describe", "--always", "--dirty", "--abbrev=12"),
    "machine": {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem / 1048576, 1),
                "kernel": platform.release(), "loadavg_at_start": open("/proc/loadavg").read().split()[:3]},
    "settings": {"seed": $seed, "duration_s": $duration, "warmup_s": $warmup, "rounds": $rounds,
                 "wrk": "-t2 -c2 --timeout 30s", "gunicorn_workers": 2},
    "versions": {"pygeoapi": pygeoapi.__version__, "gunicorn": gunicorn.__version__,
                 "python": platform.python_version(), "sqlite_python": sqlite3.sqlite_version,
                 "spatialite": "$spatialite_version", "gdal": run("ogr2ogr", "--version"),
                 "wrk": run("sh", "-c", "wrk -v 2>&1 | head -1"), "rustc": run("rustc", "--version"),
                 "rusqlite": crate("rusqlite"), "libsqlite3-sys (bundled SQLite)": crate("libsqlite3-sys"),
                 "axum": crate("axum")},
    "import_subcommand": bool($import_help),
}
json.dump(meta, open(sys.argv[1], "w"), indent=1)
EOF

bbox=36,35,37,36
ogc_q="/ogc/collections/incidents/items?bbox=$bbox&limit=100"
# pygeoapi serves OGC API – Features at its root
pyg_q="/collections/incidents/items?bbox=$bbox&limit=100"
api_q="/api/incidents?bbox=$bbox&limit=100"
# the z8 tile over Aleppo (37.16 E, 36.20 N)
tile_q=$(/usr/bin/python3 -c 'import math
lon, lat, z = 37.16, 36.20, 8
n = 2 ** z
x = int((lon + 180) / 360 * n)
y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
print(f"/tiles/incidents/{z}/{x}/{y}.mvt")')

# --- per size ---------------------------------------------------------------------------------
for n in "${counts[@]}"; do
  log "== $n incidents (seed $seed)"
  data=$out/data/$n
  rm -rf "$data"
  mkdir -p "$data"
  gen=$data/synthetic.geojsonl
  t=$(now_ns)
  "$synthetic" "$n" "$seed" >"$gen"
  record "{\"count\":$n,\"case\":\"generate_geojsonl\",\"seconds\":$(secs_since "$t"),\"bytes\":$(stat -c %s "$gen")}"

  ours_dir=$data/ours
  t=$(now_ns)
  if [ "$import_help" = 1 ]; then
    fill=import
    "$bin" import --data "$ours_dir" "$gen" >"$data/import.log" 2>&1 \
      || { echo "incident-map import failed:" >&2; tail -20 "$data/import.log" >&2; exit 1; }
  else
    fill=synthetic_example
    "$synthetic" "$n" "$seed" --data "$ours_dir" 2>"$data/import.log"
  fi
  record "{\"count\":$n,\"case\":\"fill\",\"method\":\"$fill\",\"seconds\":$(secs_since "$t")}"
  log "filled our data directory with $fill"

  # What our service holds (the synthetic incidents plus the seed incidents it adds on first
  # open) is what pygeoapi gets, so both serve exactly the same incidents.
  theirs_geojsonl=$data/served.geojsonl
  "$bin" export --data "$ours_dir" --format geojsonl -o "$theirs_geojsonl" 2>>"$data/import.log"
  served=$(wc -l <"$theirs_geojsonl")
  sqlite_file=$data/incidents.sqlite
  t=$(now_ns)
  ogr2ogr -f SQLite -dsco SPATIALITE=YES -lco SPATIAL_INDEX=YES -nln incidents -gt 100000 \
    "$sqlite_file" "$theirs_geojsonl"
  record "{\"count\":$n,\"case\":\"ogr2ogr_spatialite\",\"seconds\":$(secs_since "$t"),\"features\":$served}"
  log "SpatiaLite file for pygeoapi: $served features"

  # pygeoapi under gunicorn
  pport=$(free_port)
  cfg=$data/pygeoapi-config.yml
  sed -e "s|@PORT@|$pport|g" -e "s|@DATA@|$sqlite_file|g" "$here/pygeoapi-config.yml.in" >"$cfg"
  export PYGEOAPI_CONFIG=$cfg PYGEOAPI_OPENAPI=$data/pygeoapi-openapi.yml
  "$venv/bin/pygeoapi" openapi generate "$cfg" --output-file "$PYGEOAPI_OPENAPI" >"$data/pygeoapi.log" 2>&1
  "$venv/bin/gunicorn" -w 2 -b "127.0.0.1:$pport" pygeoapi.flask_app:APP >>"$data/pygeoapi.log" 2>&1 &
  gpid=$!
  pids+=("$gpid")
  theirs=http://127.0.0.1:$pport
  wait_http "$theirs/collections/incidents?f=json" 120 "$gpid" \
    || { echo "pygeoapi did not start:" >&2; tail -30 "$data/pygeoapi.log" >&2; exit 1; }

  # ours: start-up time from the process start until /healthz answers. The full export is
  # measured too, so the export cap (when the binary has one) is raised to the whole catalogue.
  serve_opts=()
  [ "$max_export_opt" = 1 ] && serve_opts+=(--max-export "$served")
  oport=$(free_port)
  ours=http://127.0.0.1:$oport
  load_before=$(load1)
  t=$(now_ns)
  "$bin" serve --data "$ours_dir" --addr "127.0.0.1:$oport" "${serve_opts[@]}" >"$data/ours.log" 2>&1 &
  opid=$!
  pids+=("$opid")
  wait_http "$ours/healthz" 300 "$opid" \
    || { echo "incident-map did not start:" >&2; tail -30 "$data/ours.log" >&2; exit 1; }
  record "{\"count\":$n,\"case\":\"startup\",\"seconds\":$(secs_since "$t"),\"load1_before\":$load_before,\"rss_kb\":$(vm_kb "$opid" VmRSS)}"
  log "ours up in $(secs_since "$t") s (healthz: $(curl -s "$ours/healthz"))"

  # the same answer from both?
  for url in "$ours$ogc_q" "$theirs$pyg_q" "$theirs$pyg_q&resulttype=hits"; do
    code=$(status_of "$url")
    [ "$code" = 200 ] || { echo "$url answered $code" >&2; exit 1; }
  done
  check=$("$py" - "$ours$ogc_q" "$theirs$pyg_q" <<'EOF'
import json, sys, urllib.request
def get(url):
    with urllib.request.urlopen(url) as r:
        return json.load(r)
ours, theirs = get(sys.argv[1]), get(sys.argv[2])
hits = get(sys.argv[2] + "&resulttype=hits")
print(json.dumps({
    "ours": {"numberMatched": ours.get("numberMatched"), "numberReturned": ours.get("numberReturned"),
             "features": len(ours["features"])},
    "theirs": {"numberMatched": theirs.get("numberMatched"), "numberReturned": theirs.get("numberReturned"),
               "features": len(theirs["features"]), "numberMatched_resulttype_hits": hits.get("numberMatched")},
}))
EOF
)
  record "{\"count\":$n,\"case\":\"same_answer\",\"query\":\"$ogc_q\",\"check\":$check}"
  log "same query, both servers: $check"

  # OGC items, alternating the servers
  log "wrk: $ogc_q, ${rounds} rounds of ${duration} s per server, alternating"
  warm "$ours$ogc_q"
  warm "$theirs$pyg_q"
  for r in $(seq 1 "$rounds"); do
    wrk_run "$n" ogc_items ours "$r" "$ours$ogc_q"
    wrk_run "$n" ogc_items pygeoapi "$r" "$theirs$pyg_q"
  done
  theirs_hwm=0
  for p in "$gpid" $(pgrep -P "$gpid" || true); do
    theirs_hwm=$(( theirs_hwm + $(vm_kb "$p" VmHWM) ))
  done
  record "{\"count\":$n,\"case\":\"pygeoapi_rss\",\"vmhwm_kb_sum\":$theirs_hwm}"
  stop "$gpid"

  log "wrk: $api_q (ours)"
  warm "$ours$api_q"
  for r in $(seq 1 "$rounds"); do wrk_run "$n" api_incidents ours "$r" "$ours$api_q"; done

  record "{\"count\":$n,\"case\":\"tile_path\",\"path\":\"$tile_q\"}"
  # the first request makes the tile (the server keeps made tiles); wrk then measures it served
  w=$(curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}' "$ours$tile_q")
  set -- $w
  code=$1
  if [ "$code" = 200 ]; then
    record "{\"count\":$n,\"case\":\"tile_first\",\"bytes\":$2,\"seconds\":$3}"
    log "wrk: $tile_q (ours; the first request took $3 s for $2 bytes)"
    warm "$ours$tile_q"
    for r in $(seq 1 "$rounds"); do wrk_run "$n" tile ours "$r" "$ours$tile_q"; done
  else
    record "{\"count\":$n,\"case\":\"tile\",\"skipped\":\"$tile_q answered $code\"}"
    log "tile skipped: $tile_q answered $code"
  fi
  record "{\"count\":$n,\"case\":\"rss_after_load\",\"vmhwm_kb\":$(vm_kb "$opid" VmHWM),\"vmrss_kb\":$(vm_kb "$opid" VmRSS)}"

  # the full GeoJSON export, to /dev/null
  for enc in identity gzip br; do
    w=$(curl -s -o /dev/null -H "Accept-Encoding: $enc" -w '%{http_code} %{size_download} %{time_total}' \
      "$ours/api/export?format=geojson")
    set -- $w
    [ "$1" = 200 ] || { echo "export ($enc) answered $1" >&2; exit 1; }
    record "{\"count\":$n,\"case\":\"export_geojson\",\"load1_after\":$(load1),\"encoding\":\"$enc\",\"bytes\":$2,\"seconds\":$3}"
    log "export $enc: $2 bytes in $3 s"
  done
  record "{\"count\":$n,\"case\":\"rss_after_export\",\"vmhwm_kb\":$(vm_kb "$opid" VmHWM)}"
  stop "$opid"
done

/usr/bin/python3 "$here/summarise.py" "$out"
exit
}
