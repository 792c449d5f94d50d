#!/usr/bin/env bash
# `gpuslice profile --prometheus-url` against a real Prometheus (Debian's `prometheus`), started
# and stopped here: series.om (the series of tests/data/prometheus/*.json, see README.md) goes
# into a fresh TSDB through `promtool tsdb create-blocks-from openmetrics`, Prometheus serves it
# on a free port of 127.0.0.1, and profile's WorkloadSet must equal, byte for byte, the one
# profile writes from the saved responses (tests/golden/cases/profile-dcgm/stdout; then the same
# for profile-ksm's responses, kube-state-metrics included, converted by to_openmetrics.py); `plan`
# must read it. Usage: integration.sh PATH_TO_GPUSLICE. Without prometheus and promtool it
# SKIPS (exit 77) unless CI=true, where it fails.
set -u
export LC_ALL=C
bin=$(realpath "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

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

# One case: the series of OM go into a fresh TSDB, Prometheus serves them, and profile must write
# GOLDEN byte for byte; then plan must read it. The server is stopped before the next case.
run_case() {
  local om=$2 golden=$3 dir=$scratch/$1
  mkdir -p "$dir"
  promtool tsdb create-blocks-from openmetrics "$om" "$dir/tsdb" >"$dir/promtool.log" 2>&1 ||
    die "promtool: $(cat "$dir/promtool.log")"
  printf 'global:\n  scrape_interval: 1m\nscrape_configs: []\n' >"$dir/prometheus.yml"

  # A free port: bound by the kernel's choice, then released for Prometheus (retried if taken).
  for _ in 1 2 3; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # The saved samples are 60 s apart; a lookback under 60 s makes each evaluation at a sample's
    # time see that sample alone, as the saved responses do (no repeats after a series ends).
    prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/tsdb" \
      --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$port" \
      --query.lookback-delta=59s >"$dir/prometheus.log" 2>&1 &
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
  [[ -n $pid ]] || die "prometheus did not start: $(tail -3 "$dir/prometheus.log")"

  status=0
  "$bin" profile --prometheus-url "http://127.0.0.1:$port" --end 2024-12-01T00:19:00Z --since 19m --step 60s \
    -o "$dir/workloads.yaml" 2>"$dir/err" || status=$?
  [[ $status == 0 ]] || die "profile exited $status: $(cat "$dir/err")"
  diff -u "$golden" "$dir/workloads.yaml" || die "the WorkloadSet differs from $golden"
  echo "ok profile from Prometheus $(prometheus --version 2>&1 | head -1 | cut -d' ' -f3) on 127.0.0.1:$port"
  "$bin" plan "$dir/workloads.yaml" >"$dir/plan.txt" 2>"$dir/err" || die "plan: $(cat "$dir/err")"
  echo "ok plan reads it ($(wc -l <"$dir/plan.txt") lines)"
  kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  pid=
}

run_case dcgm "$here/series.om" "$here/../golden/cases/profile-dcgm/stdout"
# The kube-state-metrics figures (cpu, memory, current.instanceType, maxReplicas) through a live
# server: profile-ksm's saved responses are turned into OpenMetrics here, so the two cannot drift.
python3 "$here/to_openmetrics.py" "$here"/../golden/cases/profile-ksm/*.json >"$scratch/ksm.om" ||
  die "to_openmetrics.py failed"
run_case ksm "$scratch/ksm.om" "$here/../golden/cases/profile-ksm/stdout"
