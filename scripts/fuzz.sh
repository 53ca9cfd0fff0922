#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ (cargo-fuzz, libFuzzer, AddressSanitizer) for a bounded time
# each, starting from its committed seed corpus (fuzz/corpus/<target>/; new inputs go to a
# scratch directory, so the committed corpus stays as it is). Fails on any crash, timeout
# (an input taking over 5 s) or out-of-memory (over 2 GB); the input that did it is left in
# fuzz/artifacts/<target>/ (replay: cargo fuzz run <target> fuzz/artifacts/<target>/<file>).
#
#   scripts/fuzz.sh [--seconds 20] [TARGET…]
#
# Works on the stable toolchain: cargo-fuzz's nightly flags are allowed with RUSTC_BOOTSTRAP=1.
# Installs cargo-fuzz (pinned) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
seconds=20
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -*) echo "usage: $0 [--seconds N] [TARGET…]" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi

if [ ${#targets[@]} -eq 0 ]; then
  targets=(query_params cursor normalise extract import_geojson import_geojsonl import_csv)
fi

export RUSTC_BOOTSTRAP=1
cd fuzz
# 16 codegen units: a much shorter build on a small machine, for slightly slower executions
build=(--codegen-units 16)
cargo fuzz build "${build[@]}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t" "corpus/$t"
  echo "fuzz: $t for ${seconds}s"
  if ! cargo fuzz run "${build[@]}" "$t" "$scratch/$t" "corpus/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=5 -print_final_stats=1 \
      2>"$scratch/$t.log"; then
    tail -n 40 "$scratch/$t.log" >&2
    failed+=("$t")
  else
    grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$scratch/$t.log" | sed "s/^/fuzz: $t: /" || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz: ok (${targets[*]})"
