#!/usr/bin/env bash
# `gpuslice pricing fetch` against fake_pricing.py on 127.0.0.1, started and stopped here: the
# region index, then a dated offer file (JSON and CSV) of eu-west-1 and of us-west-2, each
# table byte for byte; `plan` and `catalog instances --region` using the cached tables, with
# exact costs; and the exact line and exit code of each failure (a 404, a region not in the
# index, a malformed index, a connection cut halfway with and without Content-Length, a
# timeout, connection refused), each leaving the cache as it was.
# Usage: fetch.sh PATH_TO_GPUSLICE. Needs python3; without it SKIPS (exit 77) unless CI=true.
# Prints `ok <check>` / `FAIL <check>` and then one line `N passed, M failed`.
set -u
export LC_ALL=C
bin=$(realpath "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
aws=$here/../data/aws
expected=$here/expected

if ! command -v python3 >/dev/null; then
  if [[ ${CI:-} == true ]]; then echo "FAIL fetch: python3 is not installed"; exit 1; fi
  echo "SKIP fetch: python3 is not installed"
  exit 77
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/gpuslice-fetch.XXXXXX") || exit 2
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf -- "$scratch"
}
trap cleanup EXIT
passed=0
failed=0
pass() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; shift; printf '%s\n' "$@"; failed=$((failed + 1)); }

index=/offers/v1.0/aws/AmazonEC2/current/region_index.json
dated=/offers/v1.0/aws/AmazonEC2/20261201000000
routes=(--route "$index=$aws/region-index.json")
for r in eu-west-1 us-west-2; do
  routes+=(--route "$dated/$r/index.json=$aws/offer-$r.json" --route "$dated/$r/index.csv=$aws/offer-$r.csv")
done

# serve NAME ARGS...: starts fake_pricing.py; sets $port and $url.
serve() {
  local name=$1
  shift
  python3 "$here/fake_pricing.py" --port-file "$scratch/$name.port" "$@" &
  pids+=($!)
  for _ in $(seq 100); do [[ -s $scratch/$name.port ]] && break; sleep 0.1; done
  port=$(cat "$scratch/$name.port")
  url=http://127.0.0.1:$port
}
shown=http://127.0.0.1:PORT  # $url as run() shows it

# run ARGS...: gpuslice ARGS with the cache in $scratch/cache; sets $code, $out, $err (the
# server's port written as PORT, the cache folder as CACHE).
export XDG_CACHE_HOME=$scratch/cache
run() {
  code=0
  "$bin" "$@" >"$scratch/out" 2>"$scratch/err" || code=$?
  out=$(sed "s/127\.0\.0\.1:$port/127.0.0.1:PORT/g; s#$XDG_CACHE_HOME#CACHE#g" "$scratch/out")
  err=$(sed "s/127\.0\.0\.1:$port/127.0.0.1:PORT/g; s#$XDG_CACHE_HOME#CACHE#g" "$scratch/err")
}

# same NAME EXPECTED_FILE TEXT: TEXT must equal the file's content (UPDATE=1 writes the file:
# review `git diff tests/pricing/expected` then).
same() {
  if [[ ${UPDATE:-0} == 1 && $2 == "$expected"/* ]]; then printf '%s\n' "$3" >"$2"; fi
  if diff -u "$2" <(printf '%s\n' "$3") >"$scratch/diff"; then pass "$1"; else fail "$1" "$(cat "$scratch/diff")"; fi
}

serve good "${routes[@]}" --log "$scratch/good.log"

# Both regions as JSON: the table in the cache, byte for byte; stdout says where it went.
for r in eu-west-1 us-west-2; do
  run pricing fetch --region "$r" --endpoint "$url/"
  if [[ $code != 0 || -n $err || $out != "CACHE/gpuslice/aws-$r.yaml: $r prices of 2026-12-01 for 7 NVIDIA GPU instance types" ]]; then
    fail "fetch-$r-json" "exit $code" "$out" "$err"
  else
    same "fetch-$r-json" "$expected/aws-$r.yaml" "$(sed "s/127\.0\.0\.1:$port/127.0.0.1:PORT/g" "$XDG_CACHE_HOME/gpuslice/aws-$r.yaml")"
  fi
done

# CSV: the same rows as from JSON (only the URL in the header and source differs).
for r in eu-west-1 us-west-2; do
  run pricing fetch --region "$r" --endpoint "$url" --format csv -o -
  if [[ $code != 0 || -n $err ]]; then
    fail "fetch-$r-csv" "exit $code" "$err"
  else
    same "fetch-$r-csv" "$expected/aws-$r.yaml" "$(printf '%s\n' "$out" | sed 's#/index\.csv#/index.json#')"
  fi
done

# Through an HTTP proxy, as libcurl takes it from http_proxy: the server is the proxy of a host
# that does not exist, and sees absolute-form requests.
: >"$scratch/good.log"
http_proxy=$url run pricing fetch --region us-west-2 --endpoint http://pricing.invalid -o "$scratch/proxied.yaml"
got=$(cat "$scratch/good.log")
want="GET http://pricing.invalid$index
GET http://pricing.invalid$dated/us-west-2/index.json"
if [[ $code == 0 && $got == "$want" ]]; then pass "http-proxy"; else fail "http-proxy" "exit $code" "$err" "$got"; fi

# The rows are those `pricing import` reads from the same offer files.
for r in eu-west-1 us-west-2; do
  if diff -u <("$bin" pricing import "$aws/offer-$r.json" | grep '^  - ') <(grep '^  - ' "$expected/aws-$r.yaml"); then
    pass "fetch-$r-as-import"
  else
    fail "fetch-$r-as-import"
  fi
done

# plan with the cached tables, saying so on stderr. By hand (expected/README.md): us-west-2 plans
# 1 g4dn.xlarge (0.5283) + 1 g6.xlarge (0.80793) = $1.33623/h, x 730 h = $975.45 a month.
for r in eu-west-1 us-west-2; do
  run plan "$here/workloads-$r.yaml"
  want_err="gpuslice: $r prices of 2026-12-01 from the cached table CACHE/gpuslice/aws-$r.yaml (written by \`gpuslice pricing fetch\`)"
  if [[ $code != 0 || $err != "$want_err" ]]; then
    fail "plan-$r" "exit $code" "$err"
  else
    same "plan-$r" "$expected/plan-$r.txt" "$out"
  fi
done
run plan --format json "$here/workloads-us-west-2.yaml"
got=$(printf '%s\n' "$out" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d["pricing"]["file"], d["pricing"]["region"], d["plan"]["hourlyCost"])' 2>&1)
if [[ $got == "CACHE/gpuslice/aws-us-west-2.yaml us-west-2 1.33623" ]]; then pass "plan-json"; else fail "plan-json" "$got"; fi

run render --cluster demo --node-role KarpenterNodeRole-demo "$here/workloads-us-west-2.yaml"
pools=$(printf '%s\n' "$out" | grep '^# Pool ')
want_pools='# Pool g4dn-xlarge-mps4: 1 x g4dn.xlarge (mps, 4 per GPU), 4 pods
# Pool g6-xlarge-mps2: 1 x g6.xlarge (mps, 2 per GPU), 2 pods'
if [[ $code == 0 && $err == "$want_err" && $pools == "$want_pools" ]]; then pass render; else fail render "exit $code" "$err" "$pools"; fi

run catalog instances --region us-west-2
if [[ $code == 0 && $err == "$want_err" ]]; then
  same catalog-region "$expected/catalog-us-west-2.txt" "$out"
else
  fail catalog-region "exit $code" "$err"
fi
run catalog instances --region ap-south-1
same catalog-region-missing /dev/stdin "$code $err" <<'EOF'
1 gpuslice: --region: no prices for ap-south-1 in <built-in>/pricing/aws-us-east-1.yaml (it covers us-east-1); run `gpuslice pricing fetch --region ap-south-1` (then the cached table is used) or pass --pricing FILE with a table for ap-south-1
EOF

# Failures: one line naming the URL, exit 1, and the cache as it was (an old table stays).
printf 'an older table\n' >"$scratch/old"
# failure NAME WANT_STDERR ARGS...: fetch eu-west-1 (unless ARGS name another region).
failure() {
  local name=$1 want=$2
  shift 2
  rm -rf "$XDG_CACHE_HOME" && mkdir -p "$XDG_CACHE_HOME/gpuslice"
  cp "$scratch/old" "$XDG_CACHE_HOME/gpuslice/aws-eu-west-1.yaml"
  run pricing fetch "$@"
  local left
  left=$(cd "$XDG_CACHE_HOME/gpuslice" && ls -A)
  if [[ $code != 1 || $err != "$want" ]]; then
    fail "$name" "exit $code" "stderr:   $err" "expected: $want"
  elif [[ -n $out || $left != aws-eu-west-1.yaml ]] || ! cmp -s "$scratch/old" "$XDG_CACHE_HOME/gpuslice/aws-eu-west-1.yaml"; then
    fail "$name" "the cache changed: $left" "$out"
  else
    pass "$name"
  fi
}

failure not-found "gpuslice: $shown$dated/ap-south-1/index.json: HTTP 404: \"Not Found\"" --region ap-south-1 --endpoint "$url"
failure not-found-old-kept "gpuslice: $shown$dated/ap-south-1/index.json: HTTP 404: \"Not Found\"" \
  --region ap-south-1 --endpoint "$url" -o "$XDG_CACHE_HOME/gpuslice/aws-eu-west-1.yaml"
failure index-not-found "gpuslice: $shown/mirror$index: HTTP 404: \"Not Found\"" --region eu-west-1 --endpoint "$url/mirror"
failure region-not-in-index \
  "gpuslice: $shown$index: no region eu-west-9 in the region index (it lists 15: eu-central-1, eu-north-1, eu-west-1, eu-west-2, eu-west-3, af-south-1, ap-northeast-1, ap-south-1, ...)" \
  --region eu-west-9 --endpoint "$url"
run pricing fetch --region ../eu-west-1 --endpoint "$url"
same region-not-a-code /dev/stdin "$code $err" <<'EOF'
2 gpuslice: --region: "../eu-west-1" is not an AWS region code (us-west-2)
EOF

# A malformed index: eu-west-1 without its URL, and an index that is not JSON.
python3 - "$aws/region-index.json" "$scratch/no-url.json" <<'EOF'
import sys
text = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(text.replace(
    '"currentVersionUrl" : "/offers/v1.0/aws/AmazonEC2/20261201000000/eu-west-1/index.json"', '"url" : "x"'))
EOF
printf '<html>maintenance</html>\n' >"$scratch/html.json"
serve bad --route "$index=$scratch/no-url.json" --route "/html$index=$scratch/html.json"
failure index-no-url "gpuslice: $shown$index:34: regions.eu-west-1.currentVersionUrl: required: the URL of the region's offer file" \
  --region eu-west-1 --endpoint "$url"
failure index-not-json "gpuslice: $shown/html$index:1: invalid JSON: expected a value but found '<'" --region eu-west-1 --endpoint "$url/html"

# Cut halfway: with Content-Length, curl knows; without, the reader finds the offer unfinished.
offer=$aws/offer-eu-west-1.json
size=$(stat -c %s "$offer")
serve cut --route "$index=$aws/region-index.json" --cut "$dated/eu-west-1/index.json=$offer" \
  --cut-unframed "$dated/eu-west-1/index.csv=$aws/offer-eu-west-1.csv"
failure cut-halfway "gpuslice: $shown$dated/eu-west-1/index.json: the connection closed after $((size / 2)) of the answer's $size bytes" \
  --region eu-west-1 --endpoint "$url"
failure cut-unframed "gpuslice: $shown$dated/eu-west-1/index.csv:133: the file ends inside a quoted cell" \
  --region eu-west-1 --endpoint "$url" --format csv

serve slow --sleep "$index"
failure timeout "gpuslice: $shown$index: nothing received for 1 s" --region eu-west-1 --endpoint "$url" --timeout 1

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
failure connection-refused "gpuslice: $shown$index: cannot connect (connection refused)" \
  --region eu-west-1 --endpoint "http://127.0.0.1:$port"

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
