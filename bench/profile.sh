#!/usr/bin/env bash
# Reading a large Prometheus range-query response: Boost.JSON, RapidJSON and gpuslice's
# JsonStream (the same per-series maxima), jq computing those maxima, and `gpuslice profile` on
# the same file, in one run. Usage: bench/profile.sh [BUILD_DIR] [MB]   (defaults: build, 300; bench/README.md)
set -euo pipefail
build=${1:-build}
mb=${2:-300}
file=${TMPDIR:-/tmp}/gpuslice-bench-matrix-${mb}.json
parse=$build/bench/gpuslice-profile-parse
[ -f "$file" ] || "$parse" gen "$file" "$mb"
sync
"$parse" boost "$file"
"$parse" rapidjson "$file"
"$parse" stream "$file"
size=$(stat -c %s "$file")
result=$(mktemp)
trap 'rm -f "$result"' EXIT
measure() {  # NAME COMMAND...: wall and CPU seconds, MB/s, peak RSS of COMMAND (stdout to $result)
  local name=$1 out
  shift
  out=$( { /usr/bin/time -f '%e %U %S %M' "$@" >"$result"; } 2>&1 | tail -1)
  read -r wall user sys rss <<<"$out"
  awk -v n="$name" -v b="$size" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
    printf "%-10s mb=%.1f wall_s=%.2f cpu_s=%.2f mb_per_wall_s=%.0f mb_per_cpu_s=%.0f peak_rss_mib=%.1f\n",
      n, b / 1e6, w, u + s, b / 1e6 / w, b / 1e6 / (u + s), r / 1024 }'
}
measure profile "$build/gpuslice" profile "$file"
measure jq jq '[.data.result[] | [.values[][1] | tonumber] | max] | add' "$file"
echo "jq sum_of_maxima=$(cat "$result") (the parsers' figure above)"
