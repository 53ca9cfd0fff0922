#!/usr/bin/env bash
# Frame times of the web map at a million synthetic incidents, and at 10,000 for comparison.
#
#   scripts/frames.sh              # COUNTS="1000000 10000" by default
#   COUNTS=200000 scripts/frames.sh
#   FRAMES_QUERY=resolution=full scripts/frames.sh   # full resolution while moving, too
#
# From a clean checkout: builds the release binary and the synthetic example, installs the
# page's test tools (npm ci) when missing, makes a data directory per count (seed 7) in a
# temporary directory, starts the server on a free port of 127.0.0.1, runs
# web/test/frames.mjs against it and stops the server by its PID. Needs Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNTS="${COUNTS:-1000000 10000}"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --locked --bin incident-map --example synthetic
if [ ! -d web/node_modules/playwright-core ]; then
  npm ci --prefix web
fi

for n in $COUNTS; do
  data="$work/data-$n"
  log="$work/server-$n.log"
  echo "== $n incidents"
  started=$(date +%s)
  nice -n 10 target/release/examples/synthetic "$n" 7 --data "$data"
  echo "data made in $(($(date +%s) - started)) s"
  started=$(date +%s)
  target/release/incident-map serve --data "$data" --addr 127.0.0.1:0 2>"$log" >/dev/null &
  pid=$!
  url=""
  for _ in $(seq 1 600); do
    url="$(sed -n 's/.*listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$log" | head -n 1)"
    [ -n "$url" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$log" >&2
      echo "the server stopped before listening" >&2
      exit 1
    fi
    sleep 1
  done
  if [ -z "$url" ]; then
    echo "the server did not start within 10 minutes" >&2
    exit 1
  fi
  echo "server at $url, ready in $(($(date +%s) - started)) s"
  node web/test/frames.mjs "$url" "$n"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  rm -rf "$data"
done
