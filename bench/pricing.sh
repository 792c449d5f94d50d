#!/usr/bin/env bash
# `gpuslice pricing import` on a generated ~500 MB EC2 offer file beside jq extracting the same
# prices (on-demand and no-upfront standard reserved, of the plain Linux SKUs of GPU types), and
# `gpuslice pricing fetch` of the same file from a server on 127.0.0.1 (tests/pricing/fake_pricing.py,
# which sends with sendfile), in one run. Usage: bench/pricing.sh [BUILD_DIR] [FILLER]
# (defaults: build, 10000; bench/README.md). Targets: import under 1.5 s wall and 128 MiB peak
# RSS, at least 20x faster than jq; fetch within 1.5x of import's wall time.
set -euo pipefail
build=${1:-build}
filler=${2:-10000}
file=${TMPDIR:-/tmp}/gpuslice-bench-offer-${filler}.json
[ -f "$file" ] || "$build/bench/gpuslice-genoffer" --filler "$filler" >"$file"
sync
size=$(stat -c %s "$file")
result=$(mktemp)
trap 'rm -f "$result"*' EXIT
measure() {  # NAME COMMAND...: wall and CPU seconds, MB/s, peak RSS of COMMAND (stdout to $result)
  local name=$1 out
  shift
  out=$( { /usr/bin/time -f '%e %U %S %M' "$@" >"$result"; } 2>&1 | tail -1)
  read -r wall user sys rss <<<"$out"
  awk -v n="$name" -v b="$size" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
    printf "%-7s mb=%.1f wall_s=%.2f cpu_s=%.2f mb_per_wall_s=%.0f peak_rss_mib=%.1f\n",
      n, b / 1e6, w, u + s, b / 1e6 / w, r / 1024 }'
  echo "$wall" >"$result.wall"
  echo "$rss" >"$result.rss"
}
measure import "$build/gpuslice" pricing import "$file"
import_wall=$(cat "$result.wall") import_rss=$(cat "$result.rss")
import_rows=$(grep -c '^  - {name:' "$result")
# "type onDemand reserved1y reserved3y" from the table, to compare with jq's figures.
sed -n 's/^  - {name: \([^,]*\),.* onDemand: \([0-9.]*\), reserved1y: \([0-9.]*\), reserved3y: \([0-9.]*\)}.*/\1 \2 \3 \4/p' \
  "$result" | sort >"$result.import"
# The same selection in jq (bench/pricing.jq).
measure jq jq -r -f "$(dirname "$0")/pricing.jq" "$file"
jq_wall=$(cat "$result.wall")
# jq writes 10 decimals: drop the trailing zeros as the table does.
same=$(awk '{ for (i = 2; i <= 4; i++) { sub(/0+$/, "", $i); sub(/\.$/, "", $i) } print }' "$result" | sort |
  join - "$result.import" | awk '$2 == $5 && $3 == $6 && $4 == $7' | wc -l)
echo "import rows=$import_rows; jq rows=$(wc -l <"$result") (jq keeps every GPU type, the AMD one too); same prices: $same"
awk -v w="$import_wall" -v r="$import_rss" -v j="$jq_wall" 'BEGIN {
  ok = w < 1.5 && r / 1024 < 128 && j / w >= 20
  printf "targets: wall<1.5s rss<128MiB jq/import>=20x: %s (%.2fs, %.1f MiB, %.1fx)\n", ok ? "ok" : "FAIL", w, r / 1024, j / w }'

# fetch: the same file as eu-west-1's offer, behind a region index, from 127.0.0.1.
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -f "$result"*; kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT
offer_path=/offers/v1.0/aws/AmazonEC2/20261201000000/eu-west-1/index.json
printf '{"regions": {"eu-west-1": {"regionCode": "eu-west-1", "currentVersionUrl": "%s"}}}\n' "$offer_path" \
  >"$dir/index.json"
python3 "$here/../tests/pricing/fake_pricing.py" --port-file "$dir/port" \
  --route "/offers/v1.0/aws/AmazonEC2/current/region_index.json=$dir/index.json" --route "$offer_path=$file" &
server=$!
for _ in $(seq 100); do [[ -s $dir/port ]] && break; sleep 0.1; done
url=http://127.0.0.1:$(cat "$dir/port")
# The server alone: curl reading the offer and dropping it.
measure serve curl -s -o /dev/null "$url$offer_path"
measure fetch "$build/gpuslice" pricing fetch --region eu-west-1 --endpoint "$url" -o -
fetch_wall=$(cat "$result.wall")
fetch_rows=$(sed -n 's/^  - {name: \([^,]*\),.* onDemand: \([0-9.]*\), reserved1y: \([0-9.]*\), reserved3y: \([0-9.]*\)}.*/\1 \2 \3 \4/p' \
  "$result" | sort | diff -q - "$result.import" >/dev/null && echo same || echo DIFFERENT)
echo "fetch rows: $fetch_rows prices as import"
rm -f "$result.wall" "$result.rss" "$result.import"
awk -v f="$fetch_wall" -v w="$import_wall" 'BEGIN {
  printf "target: fetch/import<=1.5x: %s (%.2fs / %.2fs = %.2fx)\n", f / w <= 1.5 ? "ok" : "FAIL", f, w, f / w }'
