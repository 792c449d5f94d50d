#!/usr/bin/env bash
# Adds to corpus/TARGET the few inputs of NEW_DIR (a fuzzing run's corpus) that reach the most
# code the corpus does not: greedily, the input reaching the most new coverage features (edges;
# hit counts and comparisons left out) first, until none adds MIN_NEW (default 5). Each is
# stored under its SHA-1, as libFuzzer names inputs. libFuzzer's own -merge=1 keeps every
# input that adds anything, hundreds after a few minutes; this keeps the corpus small.
# Usage: tests/fuzz/keep.sh TARGET NEW_DIR [MIN_NEW [BUILD_DIR]]
#   BUILD_DIR (default build-fuzz) holds the target built with -DGPUSLICE_FUZZ=ON (run.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:?usage: tests/fuzz/keep.sh TARGET NEW_DIR [MIN_NEW [BUILD_DIR]]}
new=${2:?usage: tests/fuzz/keep.sh TARGET NEW_DIR [MIN_NEW [BUILD_DIR]]}
min_new=${3:-5}
build=${4:-build-fuzz}
corpus=$root/tests/fuzz/corpus/$target
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/out"
# With -set_cover_merge the control file lists every feature of every input ("FT <index>
# <features...>" after the list of input paths, smallest input first; ties go to the smaller);
# the inputs it would copy go to $tmp/out.
"$build/tests/fuzz/$target" -set_cover_merge=1 -use_counters=0 -use_cmp=0 -merge_control_file="$tmp/control" \
  "$tmp/out" "$corpus" "$new" >"$tmp/log" 2>&1 || {
  tail -n 20 "$tmp/log" >&2
  exit 1
}
awk -v corpus="$corpus/" -v min_new="$min_new" '
  NR == 1 { count = $1; next }
  NR == 2 { next }
  NR <= count + 2 { path[NR - 3] = $0; next }
  $1 == "FT" {
    if (index(path[$2], corpus) == 1) {
      for (k = 3; k <= NF; k++) covered[$k] = 1
    } else {
      features[$2] = $0
      candidates[$2] = 1
    }
  }
  END {
    for (;;) {
      best = -1; best_gain = 0
      for (i in candidates) {
        n = split(features[i], f, " ")
        gain = 0
        for (k = 3; k <= n; k++) gain += !(f[k] in covered)
        if (gain < min_new) delete candidates[i]
        else if (gain > best_gain || (gain == best_gain && i + 0 < best + 0)) { best = i; best_gain = gain }
      }
      if (best < 0) break
      n = split(features[best], f, " ")
      for (k = 3; k <= n; k++) covered[f[k]] = 1
      delete candidates[best]
      printf "%d %s\n", best_gain, path[best]
    }
  }' "$tmp/control" >"$tmp/picked"
while read -r gain file; do
  sum=$(sha1sum <"$file" | cut -c1-40)
  cp "$file" "$corpus/$sum"
  echo "kept $sum ($gain new features, $(wc -c <"$file") bytes)"
done <"$tmp/picked"
echo "$target: $(find "$corpus" -type f | wc -l) files, $(cat "$corpus"/* | wc -c) bytes"
