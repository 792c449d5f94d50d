#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and fuzzes each for SECONDS (default
# 60): fuzz_plan (workload files, planned and printed) from the examples and the golden-test
# inputs, then fuzz_render (saved plans, rendered) from plans of those examples.
# Usage: tests/fuzz/run.sh BUILD_DIR [SECONDS]
# BUILD_DIR is a configured and built CMake build of the project (for the embedded data
# sources and the gpuslice binary that writes the render corpus).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: tests/fuzz/run.sh BUILD_DIR [SECONDS]}" && pwd)
seconds=${2:-60}
out=$build/fuzz
mkdir -p "$out/corpus" "$out/corpus-render"
cmake --build "$build" --target gpuslice_data gpuslice >/dev/null
sources=$(find "$root/src" -name '*.cpp' ! -name '*_test.cpp' ! -path '*/cli/*' | sort)
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
  -I"$root/src" -I"$build/embed")
for target in fuzz_plan fuzz_render; do
  clang++ "${flags[@]}" "$root/tests/fuzz/$target.cpp" $sources "$build"/embed/*.cpp \
    -lyaml-cpp -lfmt -lpthread -o "$out/$target" &
done
wait
cp "$root"/examples/*.yaml "$out/corpus/" 2>/dev/null || true
find "$root/tests/golden/cases" -name '*.yaml' -o -name '*.json' | while read -r f; do
  cp "$f" "$out/corpus/$(echo "$f" | md5sum | cut -c1-12)-$(basename "$f")"
done
for f in "$root"/examples/*.yaml; do
  "$build/gpuslice" plan "$f" --format json -o "$out/corpus-render/$(basename "$f" .yaml).json" || true
done
find "$root/tests/golden/cases" "$root/tests/validate" -name '*plan*.json' | while read -r f; do
  cp "$f" "$out/corpus-render/$(echo "$f" | md5sum | cut -c1-12)-$(basename "$f")"
done
echo "-- fuzz_plan"
"$out/fuzz_plan" "$out/corpus" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
  -print_final_stats=1 2>&1 | tail -n 12
echo "-- fuzz_render"
"$out/fuzz_render" "$out/corpus-render" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=4096 \
  -print_final_stats=1 2>&1 | tail -n 12
