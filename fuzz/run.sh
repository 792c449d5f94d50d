#!/usr/bin/env bash
# Builds the libFuzzer target with clang (ASan + UBSan) and fuzzes for SECONDS (default 60),
# starting from the examples and the golden-test inputs. Usage: fuzz/run.sh BUILD_DIR [SECONDS]
# BUILD_DIR is a configured CMake build of the project (for the embedded data sources).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS]}" && pwd)
seconds=${2:-60}
out=$build/fuzz
mkdir -p "$out/corpus"
cmake --build "$build" --target gpuslice_data >/dev/null
sources=$(ls "$root"/src/core/*.cpp "$root"/src/io/*.cpp | grep -v '_test\.cpp$')
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root/include" -I"$root/src" -I"$build/embed" \
  "$root/fuzz/fuzz_plan.cpp" $sources "$build"/embed/*.cpp \
  -lyaml-cpp -lfmt -lpthread -o "$out/fuzz_plan"
cp "$root"/examples/*.yaml "$out/corpus/" 2>/dev/null || true
find "$root/tests/golden/cases" -name '*.yaml' -o -name '*.json' | while read -r f; do
  cp "$f" "$out/corpus/$(echo "$f" | md5sum | cut -c1-12)-$(basename "$f")"
done
"$out/fuzz_plan" "$out/corpus" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
  -print_final_stats=1 2>&1 | tail -n 12
