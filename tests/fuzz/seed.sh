#!/usr/bin/env bash
# Regenerates the seed part of the corpus (the files named seed-*) from the test fixtures;
# inputs libFuzzer found (named by their SHA-1) and crash reproducers (regress-*) are kept.
#   corpus/fuzz_plan/    the examples and every workload file of the golden tests
#   corpus/fuzz_render/  the golden tests' and validator's saved plans, and the plans that
#                        BUILD_DIR/gpuslice makes of the examples (JSON and YAML)
# A file whose bytes are already in the seeds is skipped. Usage: tests/fuzz/seed.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
if [ ! -x "$build/gpuslice" ]; then
  echo "seed.sh: $build/gpuslice not found; build first: cmake --build $build" >&2
  exit 2
fi
gpuslice=$(cd "$build" && pwd)/gpuslice
corpus=$root/tests/fuzz/corpus
mkdir -p "$corpus/fuzz_plan" "$corpus/fuzz_render"
rm -f "$corpus"/fuzz_plan/seed-* "$corpus"/fuzz_render/seed-*

declare -A seen  # SHA-1 of every seed written, per target
# add TARGET NAME FILE: copies FILE to corpus/TARGET/seed-NAME unless its bytes are there.
add() {
  local sum
  sum=$(sha1sum <"$3" | cut -c1-40)
  if [ -z "${seen[$1/$sum]:-}" ]; then
    seen[$1/$sum]=1
    cp "$3" "$corpus/$1/seed-$2"
  fi
}

for f in "$root"/examples/*.yaml; do add fuzz_plan "example-$(basename "$f")" "$f"; done
cd "$root/tests/golden/cases"
# Workload files: a case's *.yaml and *.json inputs, not its plans, price tables, templates
# (tpl/) or expected output (expect_file_*).
for f in $(find . -mindepth 2 -maxdepth 2 -type f \( -name '*.yaml' -o -name '*.json' \) \
  ! -name 'expect_*' ! -name 'plan.json' ! -name 'prices*.yaml' | sort); do
  case=${f#./}
  add fuzz_plan "golden-${case//\//-}" "$f"
done
for f in $(find . -mindepth 2 -maxdepth 2 -type f \( -name 'plan.json' -o -name 'expect_file_*.json' \) | sort); do
  case=${f#./}
  add fuzz_render "golden-${case//\//-}" "$f"
done
for f in "$root"/tests/validate/fixtures/*.json; do add fuzz_render "validate-$(basename "$f")" "$f"; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$root"/examples/*.yaml; do
  name=$(basename "$f" .yaml)
  for format in json yaml; do
    "$gpuslice" plan "$f" --format "$format" -o "$tmp/plan.$format"
    add fuzz_render "plan-$name.$format" "$tmp/plan.$format"
  done
done
for target in fuzz_plan fuzz_render; do
  echo "$target: $(find "$corpus/$target" -name 'seed-*' | wc -l) seeds," \
    "$(find "$corpus/$target" -type f | wc -l) files, $(cat "$corpus/$target"/* | wc -c) bytes"
done
