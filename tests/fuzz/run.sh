#!/usr/bin/env bash
# Fuzzes each target for SECONDS (default 60) with libFuzzer, ASan and UBSan: configures
# BUILD_DIR (default build-fuzz) with configure.sh if it is not configured yet, builds the four
# targets (plan, render, profile, smi), runs each on a copy of its corpus in BUILD_DIR/fuzz-run,
# so the repository is never written. New inputs and crash reproducers stay there;
# tests/fuzz/README.md says how to keep them.
# Usage: tests/fuzz/run.sh [BUILD_DIR [SECONDS]]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build-fuzz}
seconds=${2:-60}
if [ ! -f "$build/CMakeCache.txt" ]; then
  bash "$root/tests/fuzz/configure.sh" "$build"
fi
cmake --build "$build" -j2 --target fuzz_plan fuzz_render fuzz_profile fuzz_smi fuzz_pricing fuzz_region_index fuzz_lint
run=$(cd "$build" && pwd)/fuzz-run
rm -rf "$run"
status=0
for target in fuzz_plan fuzz_render fuzz_profile fuzz_smi fuzz_pricing fuzz_region_index fuzz_lint; do
  case $target in
    fuzz_plan) max_len=4096 ;;    # workload files: the examples are under 2 KB
    fuzz_render) max_len=16384 ;; # saved plans: the seeds are up to 9 KB
    fuzz_profile) max_len=16384 ;; # Prometheus responses: the seeds are up to 11 KB
    fuzz_smi) max_len=4096 ;;     # nvidia-smi CSV logs
    fuzz_pricing) max_len=16384 ;;  # EC2 offer files
    fuzz_region_index) max_len=4096 ;;  # EC2 region indexes
    fuzz_lint) max_len=8192 ;;      # manifests: the lint fixtures are under 3 KB
  esac
  mkdir -p "$run/$target/crashes"
  cp -R "$root/tests/fuzz/corpus/$target" "$run/$target/corpus"
  echo "-- $target, $seconds s (corpus and findings in $run/$target)"
  if "$build/tests/fuzz/$target" "$run/$target/corpus" -max_total_time="$seconds" -max_len="$max_len" \
    -timeout=10 -rss_limit_mb=4096 -artifact_prefix="$run/$target/crashes/" -print_final_stats=1 \
    >"$run/$target/log" 2>&1; then
    tail -n 12 "$run/$target/log"
  else
    status=1
    tail -n 80 "$run/$target/log"
  fi
done
if [ "$status" != 0 ]; then
  echo "run.sh: a fuzz target failed; reproducers: $(ls "$run"/*/crashes/* 2>/dev/null | tr '\n' ' ')" >&2
fi
exit "$status"
