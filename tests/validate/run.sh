#!/usr/bin/env bash
# Validates `gpuslice render` output with real validators (see validate.mjs): several renders
# (seed, mixed fleet, saved MIG plans, Bottlerocket, renameByDefault, spot, a g6f pool, g7 on
# images of the user's own, the stdout stream)
# must pass; each file in bad/ must fail with the message its first line expects (so the
# validator is known to catch what it claims); and a --format kustomize render is built by
# `kubectl kustomize` over stand-in Deployments and over the realistic objects of fixtures/current
# (also given to render --current), whose patched result is checked and validated too.
#
# Usage: run.sh PATH_TO_GPUSLICE [TEST_DATA_DIR]   (default: tests/data, the CRDs and chart values)
# Needs node and `npm ci` here (package-lock.json). Without them it SKIPS (exit 77, which ctest
# shows as skipped) unless CI=true, where it fails. The kustomize step needs kubectl with
# kustomize v5 (kubectl 1.27 or later; Debian's kubernetes-client 1.20 is too old): without it
# the step is skipped with a message, except with CI=true, where it fails.
# Prints `ok <check>` / `FAIL <check>` and then one line `N passed, M failed`.
set -u
export LC_ALL=C
bin=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data=${2:-$here/../data}
examples=$here/../../examples

# shellcheck source=need_node.sh
source "$here/need_node.sh"
need_node "render validation" ajv @marcbachmann/cel-js yaml

scratch=$(mktemp -d "${TMPDIR:-/tmp}/gpuslice-validate.XXXXXX") || exit 2
trap 'rm -rf -- "$scratch"' EXIT
passed=0
failed=0
pass() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; shift; printf '%s\n' "$@"; failed=$((failed + 1)); }

validate() {  # name files...
  local name=$1
  shift
  local out
  if out=$(node "$here/validate.mjs" --data "$data" "$@" 2>&1); then
    pass "$name ($out)"
  else
    fail "$name" "$out"
  fi
}

render_dir() {  # name args... : renders every part into a directory and validates it
  local name=$1
  shift
  local dir=$scratch/$name
  local err
  if ! err=$("$bin" render "$@" --cluster demo --node-role KarpenterNodeRole-demo --out-dir "$dir" 2>&1 >/dev/null); then
    fail "$name" "render failed: $err"
    return
  fi
  validate "$name" "$dir"/*.yaml
}

render_dir seed "$examples/seed-four-workloads.yaml"
render_dir seed-rename "$examples/seed-four-workloads.yaml" --rename-by-default
render_dir seed-time-slicing-bottlerocket "$examples/seed-four-workloads.yaml" --strategy time-slicing --ami bottlerocket
render_dir seed-bottlerocket-sharing "$examples/seed-four-workloads.yaml" --ami bottlerocket --sharing-via bottlerocket
render_dir mixed-fleet "$examples/mixed-fleet.yaml"
render_dir mixed-fleet-max-pods "$examples/mixed-fleet.yaml" --max-pods 110 --ami bottlerocket
render_dir mixed-fleet-rename "$examples/mixed-fleet.yaml" --rename-by-default --ami bottlerocket --sharing-via bottlerocket
render_dir mig-h100 "$examples/mig-h100.yaml"
render_dir mig-h100-strategy-mig "$examples/mig-h100.yaml" --strategy mig
render_dir mig-mixed-plan --plan "$here/fixtures/mig-mixed-plan.json"
render_dir mig-single-plan --plan "$here/fixtures/mig-single-plan.json" --rename-by-default
# maxReplicas: NodePool limits with room for every workload at its maximum.
render_dir max-replicas "$here/fixtures/max-replicas.yaml"
render_dir max-replicas-from-plan --plan "$here/fixtures/max-replicas-plan.json"
render_dir mig-single-bottlerocket --plan "$here/fixtures/mig-single-plan.json" --ami bottlerocket --sharing-via bottlerocket
render_dir g6f-overlay "$here/fixtures/g6f-workloads.yaml"
render_dir g7-ami-selector "$here/fixtures/g7-workloads.yaml" --ami-selector 'name=g7-nvidia-595-*' --ami-selector tag:gpuslice/driver=595 --ami-selector id=ami-0123456789abcdef0
render_dir g7-ami-selector-bottlerocket "$here/fixtures/g7-workloads.yaml" --ami bottlerocket --sharing-via bottlerocket --ami-selector id=ami-0123456789abcdef0
if "$bin" render "$examples/seed-four-workloads.yaml" --cluster demo --node-role R >"$scratch/stream.yaml" 2>/dev/null; then
  validate stdout-stream "$scratch/stream.yaml"
else
  fail stdout-stream "render to stdout failed"
fi

for f in "$here"/bad/*.yaml; do
  expect=$(head -1 "$f" | sed 's/^# expect: //')
  out=$(node "$here/validate.mjs" --data "$data" "$f" 2>&1)
  if [[ $? == 1 && $out == *"$expect"* ]]; then
    pass "rejects bad/$(basename "$f")"
  else
    fail "rejects bad/$(basename "$f")" "expected a failure containing: $expect" "got: $out"
  fi
done

# The major version of kubectl's built-in kustomize ("Kustomize Version: v5.5.0"), empty when
# kubectl is missing or too old to print one.
kustomize_major() {
  command -v kubectl >/dev/null && kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p'
}

# kustomize_case NAME CURRENT_FILE RENDER_ARGS...: renders --format kustomize, adds the workloads'
# objects (CURRENT_FILE, or stand-ins when it is empty), builds it with kubectl kustomize, checks
# the patched objects and validates the result. With CURRENT_FILE, the fixture's llm-tp (gpu.count
# 2) must request and limit exactly nvidia.com/gpu: 2 (or its renamed resource).
kustomize_case() {
  local name=$1 current=$2
  shift 2
  local gpus=()
  [[ -n $current ]] && gpus=(inference/llm-tp=2)
  local dir=$scratch/$name out
  if "$bin" render "$@" --format kustomize --cluster demo --node-role R --out-dir "$dir" >/dev/null 2>"$scratch/$name.err" &&
    node "$here/kustomize_fixture.mjs" "$dir" $current 2>>"$scratch/$name.err" &&
    kubectl kustomize "$dir" >"$scratch/$name.yaml" 2>>"$scratch/$name.err"; then
    if out=$(node "$here/kustomize_check.mjs" "$dir" "$scratch/$name.yaml" ${current:+--current} "${gpus[@]}" 2>&1); then
      pass "$name ($out)"
      validate "$name-output" "$scratch/$name.yaml"
    else
      fail "$name" "$out"
    fi
  else
    fail "$name" "$(cat "$scratch/$name.err")"
  fi
}

major=$(kustomize_major)
if [[ -z $major || $major -lt 5 ]]; then
  if command -v kubectl >/dev/null; then
    msg="kubectl's kustomize is not v5 or later ($(kubectl version --client 2>&1 | paste -sd ' ' -))"
  else
    msg="kubectl is not installed"
  fi
  if [[ ${CI:-} == true ]]; then
    fail "kubectl kustomize" "$msg; CI needs kubectl 1.27 or later"
  else
    echo "SKIP kubectl kustomize: $msg"
  fi
else
  kustomize_case kubectl-kustomize "" "$examples/mixed-fleet.yaml"
  kustomize_case kubectl-kustomize-current "$here/fixtures/current/current.yaml" \
    "$here/fixtures/current/workloads.yaml" --current "$here/fixtures/current/current.yaml"
  # nvidia.com/gpu.shared: the objects' nvidia.com/gpu must go.
  kustomize_case kubectl-kustomize-current-renamed "$here/fixtures/current/current.yaml" \
    "$here/fixtures/current/workloads.yaml" --current "$here/fixtures/current/current.yaml" --rename-by-default
  # minNodes: a topology spread over the pods' new label, their own labels kept.
  kustomize_case kubectl-kustomize-current-min-nodes "$here/fixtures/current/current.yaml" \
    "$here/fixtures/current/workloads.yaml" --current "$here/fixtures/current/current.yaml" --min-nodes 2
fi

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
