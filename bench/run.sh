#!/bin/sh
# Benchmarks `gpuslice plan` on generated fleets of 1k, 10k and 100k workloads.
# Usage: bench/run.sh [BUILD_DIR] [gpuslice-bench options...]
#   BUILD_DIR defaults to "build"; build it first (cmake --build BUILD_DIR).
#   Further options go to gpuslice-bench, e.g. --check, --repeat 5, --mig-eligible,
#   --extra-args "--strategy auto"; a later --sizes replaces the default list.
set -eu

build=build
if [ $# -gt 0 ]; then
  case $1 in
    -*) ;;
    *) build=$1; shift ;;
  esac
fi

for exe in "$build/gpuslice" "$build/bench/gpuslice-genfleet" "$build/bench/gpuslice-bench"; do
  if [ ! -x "$exe" ]; then
    echo "run.sh: $exe not found; build first: cmake --build $build" >&2
    exit 2
  fi
done

exec "$build/bench/gpuslice-bench" \
  --gpuslice "$build/gpuslice" \
  --genfleet "$build/bench/gpuslice-genfleet" \
  --sizes 1000,10000,100000 \
  "$@"
