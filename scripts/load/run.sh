#!/usr/bin/env bash
# Load test: the release binary with a token on a free port over a data directory of synthetic
# incidents, a mixed workload with wrk (mixed.lua: reads, OGC items, single incidents, exports,
# PATCHes and new articles), the server's RSS sampled every few seconds. Fails (exit 1) on any
# socket error or timeout, any status other than 200/201, the server dying, RSS above
# --max-rss-mb (4096), or, in runs of 3 minutes or more, RSS growth after warm-up: the largest
# RSS of the last minute more than 20 % above that of the first minute.
#
#   scripts/load/run.sh [--duration 10m] [--connections 16] [--threads 2] [--count 100000]
#                       [--max-rss-mb 4096] [--out DIR]
#
# Needs wrk (Debian: apt-get install wrk). Results: DIR/summary.json (wrk's counts),
# DIR/rss.tsv (seconds, RSS in KiB), DIR/server.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=10m
connections=16
threads=2
count=100000
max_rss_mb=4096
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --max-rss-mb) max_rss_mb="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: $0 [--duration 10m] [--connections N] [--threads N] [--count N] [--max-rss-mb N] [--out DIR]" >&2; exit 2 ;;
  esac
done

case "$duration" in
  *h) seconds=$(( ${duration%h} * 3600 )) ;;
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *[0-9]) seconds=$duration; duration="${duration}s" ;;
  *) echo "--duration: give e.g. 20s, 10m or 1h; got $duration" >&2; exit 2 ;;
esac
command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }

out=${out:-target/load/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
data=$(mktemp -d)
token="load-$RANDOM$RANDOM"
server=""
sampler=""
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

cargo build --release --locked --quiet --bin incident-map --example synthetic
echo "load: $count synthetic incidents into a fresh data directory"
target/release/examples/synthetic "$count" 7 --data "$data" >/dev/null

: >"$out/server.log"
# Export and write slots as many as connections: this run measures the server saturated, not
# its load shedding (503 with Retry-After beyond those slots, tested in tests/ops.rs).
target/release/incident-map serve --addr 127.0.0.1:0 --token "$token" --data "$data" \
  --max-concurrent-exports "$connections" --max-concurrent-writes "$connections" \
  >"$out/server.log" 2>&1 &
server=$!
addr=""
for _ in $(seq 600); do
  addr=$(sed -n 's#.*listening on http://\([0-9.:]*\)/.*#\1#p' "$out/server.log" | head -1 || true)
  [ -n "$addr" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$out/server.log" >&2; echo "load: the server did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "load: no address from the server" >&2; exit 1; }
echo "load: server $server on $addr; wrk for $duration, $connections connections, $threads threads"

# RSS (KiB) every few seconds, with the seconds since the workload started
interval=5
[ "$seconds" -lt 60 ] && interval=1
start=$(date +%s)
(
  while kill -0 "$server" 2>/dev/null; do
    rss=$(ps -o rss= -p "$server" | tr -d ' ')
    [ -n "$rss" ] && printf '%s\t%s\n' "$(( $(date +%s) - start ))" "$rss"
    sleep "$interval"
  done
) >"$out/rss.tsv" &
sampler=$!

LOAD_TOKEN="$token" LOAD_COUNT="$count" LOAD_SUMMARY="$out/summary.json" \
  wrk --threads "$threads" --connections "$connections" --duration "$duration" --timeout 60s \
  --latency --script scripts/load/mixed.lua "http://$addr" | tee "$out/wrk.txt"

alive=yes
kill -0 "$server" 2>/dev/null || alive=no
kill "$sampler" 2>/dev/null || true
sampler=""

python3 - "$out" "$seconds" "$alive" "$max_rss_mb" <<'EOF'
import json, sys
out, seconds, alive, max_rss_mb = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "yes", int(sys.argv[4])
s = json.load(open(f"{out}/summary.json"))
rss = [tuple(map(int, l.split())) for l in open(f"{out}/rss.tsv") if l.strip()]
problems = []
if not alive:
    problems.append("the server died")
errors = {k: v for k, v in s["errors"].items() if v}
if errors:
    problems.append(f"socket errors/timeouts: {errors}")
bad = {k: v for k, v in s["statuses"].items() if k not in ("200", "201")}
if bad:
    problems.append(f"unexpected statuses: {bad}")
five = sum(v for k, v in s["statuses"].items() if k.startswith("5"))
window = min(60, seconds // 3)
first = [r for t, r in rss if t <= window]
last = [r for t, r in rss if t >= seconds - window]
growth = None
if not (first and last):
    problems.append("too few RSS samples")
else:
    growth = max(last) / max(first) - 1
    # a shorter run ends inside the warm-up (RSS still rising while the first writes build
    # new catalogues), so only runs of 3 minutes or more judge growth
    if seconds >= 180 and growth > 0.20:
        problems.append(f"RSS grew {growth:.0%} (max {max(first)} KiB in the first {window} s, {max(last)} KiB in the last)")
    if max(r for _, r in rss) > max_rss_mb * 1024:
        problems.append(f"RSS {max(r for _, r in rss)} KiB is above {max_rss_mb} MiB")
print(f"load: {s['requests']} requests in {s['duration_us'] / 1e6:.0f} s "
      f"({s['requests'] / (s['duration_us'] / 1e6):.0f}/s), statuses {s['statuses']}, 5xx {five}, "
      f"socket errors {s['errors']}")
print(f"load: requests by kind {s['kinds']}")
lat = s["latency_us"]
print(f"load: latency p50 {lat['p50'] / 1e3:.1f} ms, p90 {lat['p90'] / 1e3:.1f} ms, "
      f"p99 {lat['p99'] / 1e3:.1f} ms, max {lat['max'] / 1e3:.1f} ms")
if rss:
    print(f"load: RSS KiB min {min(r for _, r in rss)}, max {max(r for _, r in rss)}; "
          f"first {window} s max {max(first) if first else '-'}, last {window} s max {max(last) if last else '-'}"
          + (f" ({growth:+.1%})" if growth is not None else ""))
print(f"load: results in {out}")
if problems:
    for p in problems:
        print(f"load: FAIL: {p}", file=sys.stderr)
    sys.exit(1)
print("load: ok")
EOF
