#!/usr/bin/env bash
# `gpuslice pricing import` on a generated ~500 MB EC2 offer file beside jq extracting the same
# prices (on-demand and no-upfront standard reserved, of the plain Linux SKUs of GPU types), in
# one run. Usage: bench/pricing.sh [BUILD_DIR] [FILLER]   (defaults: build, 10000; bench/README.md)
# Targets: import under 1.5 s wall and 128 MiB peak RSS, at least 20x faster than jq.
set -euo pipefail
build=${1:-build}
filler=${2:-10000}
file=${TMPDIR:-/tmp}/gpuslice-bench-offer-${filler}.json
[ -f "$file" ] || "$build/bench/gpuslice-genoffer" --filler "$filler" >"$file"
sync
size=$(stat -c %s "$file")
result=$(mktemp)
trap 'rm -f "$result"' EXIT
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
# The same selection in jq: plain Linux SKUs of types with GPUs (metal: bare-metal family,
# Dedicated), their non-zero hourly USD on-demand and no-upfront standard 1/3-year prices.
measure jq jq -r '
  (.products | to_entries | map(select(
     .value.attributes as $a
     | ($a.gpu // "NA") != "NA" and $a.operatingSystem == "Linux" and $a.preInstalledSw == "NA"
       and $a.capacitystatus == "Used" and $a.licenseModel == "No License required"
       and ($a.marketoption // "OnDemand") == "OnDemand" and ($a.operation // "RunInstances") == "RunInstances"
       and (if ($a.instanceType | contains(".metal"))
            then .value.productFamily == "Compute Instance (bare metal)" and $a.tenancy == "Dedicated"
            else .value.productFamily == "Compute Instance" and $a.tenancy == "Shared" end))
   | map({key: .key, value: .value.attributes.instanceType}) | from_entries) as $skus
  | .terms as $t
  | $skus | to_entries[] | .key as $sku | .value as $type
  | ([$t.OnDemand[$sku][]?.priceDimensions[] | select(.unit == "Hrs") | .pricePerUnit.USD | select(tonumber > 0)] | first) as $od
  | ([$t.Reserved[$sku][]? | select(.termAttributes.PurchaseOption == "No Upfront" and .termAttributes.OfferingClass == "standard")
      | {len: .termAttributes.LeaseContractLength, usd: (.priceDimensions[] | select(.unit == "Hrs") | .pricePerUnit.USD)}]) as $ri
  | "\($type) \($od) \([$ri[] | select(.len == "1yr") | .usd][0]) \([$ri[] | select(.len == "3yr") | .usd][0])"' "$file"
jq_wall=$(cat "$result.wall")
echo "import rows=$import_rows; jq rows=$(wc -l <"$result") (jq keeps every GPU type, the AMD one too)"
rm -f "$result.wall" "$result.rss"
awk -v w="$import_wall" -v r="$import_rss" -v j="$jq_wall" 'BEGIN {
  ok = w < 1.5 && r / 1024 < 128 && j / w >= 20
  printf "targets: wall<1.5s rss<128MiB jq/import>=20x: %s (%.2fs, %.1f MiB, %.1fx)\n", ok ? "ok" : "FAIL", w, r / 1024, j / w }'
