#!/usr/bin/env bash
# `gpuslice profile --prometheus-url` against a real Prometheus (Debian's `prometheus`), started
# and stopped here: series.om (the series of tests/data/prometheus/*.json, see README.md) goes
# into a fresh TSDB through `promtool tsdb create-blocks-from openmetrics`, Prometheus serves it
# on a free port of 127.0.0.1, and profile's WorkloadSet must equal, byte for byte, the one
# profile writes from the saved responses (tests/golden/cases/profile-dcgm/stdout); `plan`
# must read it. Usage: integration.sh PATH_TO_GPUSLICE. Without prometheus and promtool it
# SKIPS (exit 77) unless CI=true, where it fails.
set -u
export LC_ALL=C
bin=$(realpath "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
golden=$here/../golden/cases/profile-dcgm/stdout

for tool in prometheus promtool python3; do
  if ! command -v $tool >/dev/null; then
    if [[ ${CI:-} == true ]]; then echo "FAIL prometheus integration: $tool is not installed"; exit 1; fi
    echo "SKIP prometheus integration: $tool is not installed (Debian: apt-get install prometheus)"
    exit 77
  fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/gpuslice-prometheus.XXXXXX") || exit 2
pid=
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; fi
  rm -rf -- "$scratch"
}
trap cleanup EXIT
die() { echo "FAIL prometheus integration: $*"; exit 1; }

promtool tsdb create-blocks-from openmetrics "$here/series.om" "$scratch/tsdb" >"$scratch/promtool.log" 2>&1 ||
  die "promtool: $(cat "$scratch/promtool.log")"
printf 'global:\n  scrape_interval: 1m\nscrape_configs: []\n' >"$scratch/prometheus.yml"

# A free port: bound by the kernel's choice, then released for Prometheus (retried if taken).
for _ in 1 2 3; do
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # The saved samples are 60 s apart; a lookback under 60 s makes each evaluation at a sample's
  # time see that sample alone, as the saved responses do (no repeats after a series ends).
  prometheus --config.file="$scratch/prometheus.yml" --storage.tsdb.path="$scratch/tsdb" \
    --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$port" \
    --query.lookback-delta=59s >"$scratch/prometheus.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
      "http://127.0.0.1:$port/-/ready" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && break
  wait "$pid"
  pid=
done
[[ -n $pid ]] || die "prometheus did not start: $(tail -3 "$scratch/prometheus.log")"

status=0
"$bin" profile --prometheus-url "http://127.0.0.1:$port" --end 2024-12-01T00:19:00Z --since 19m --step 60s \
  -o "$scratch/workloads.yaml" 2>"$scratch/err" || status=$?
[[ $status == 0 ]] || die "profile exited $status: $(cat "$scratch/err")"
diff -u "$golden" "$scratch/workloads.yaml" || die "the WorkloadSet differs from $golden"
echo "ok profile from Prometheus $(prometheus --version 2>&1 | head -1 | cut -d' ' -f3) on 127.0.0.1:$port"
"$bin" plan "$scratch/workloads.yaml" >"$scratch/plan.txt" 2>"$scratch/err" || die "plan: $(cat "$scratch/err")"
echo "ok plan reads it ($(wc -l <"$scratch/plan.txt") lines)"
