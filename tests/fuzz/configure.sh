#!/usr/bin/env bash
# Configures BUILD_DIR (default build-fuzz) as the clang sanitizer build: -DGPUSLICE_FUZZ=ON builds
# every library, test and tool with ASan + UBSan and libFuzzer's coverage, and links the fuzz
# targets with libFuzzer. Debug (assertions on) at -O1 with line tables only: about a third quicker
# to compile than -O2 -g, and sanitizer reports still name file and line.
# Usage: tests/fuzz/configure.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build-fuzz}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
  -DCMAKE_CXX_COMPILER=clang++ -DGPUSLICE_FUZZ=ON -DGPUSLICE_WERROR=ON >/dev/null
