#!/usr/bin/env bash
# What `gpuslice render` writes must lint clean: renders the plans of golden cases (their cmd, in a
# copy of their directory) and lints the manifests, expecting "no findings" and exit 0. Cases that
# print to stdout are linted from stdin; an --out-dir case is linted from the files it wrote.
# Usage: tests/lint/render_clean.sh build/gpuslice
set -uo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cases=$(cd "$(dirname "$0")/../golden/cases" && pwd)
status=0
check() {  # case, how it was linted, lint's output, lint's exit code
  if [ "$4" != 0 ] || [ "$3" != "no findings" ]; then
    echo "FAIL $1 ($2): exit $4"
    echo "$3"
    status=1
  else
    echo "ok $1 ($2)"
  fi
}
for c in render-seed render-mig-plan render-mig-h100 render-seed-from-plan render-g6f-overlay \
  render-max-replicas-karpenter render-identical-pools render-mig-single-plan-spot \
  render-seed-patches-renamed render-gpu-count-patches render-bottlerocket-gpu-operator; do
  tmp=$(mktemp -d)
  cp -R "$cases/$c/." "$tmp"
  read -r -a args <"$cases/$c/cmd"
  if ! (cd "$tmp" && "$bin" "${args[@]}" >rendered.yaml 2>/dev/null); then
    echo "FAIL $c: render failed"
    status=1
  else
    out=$(cd "$tmp" && "$bin" lint - <rendered.yaml)
    check "$c" stdin "$out" $?
  fi
  rm -rf "$tmp"
done
# --out-dir: every manifest file it wrote, together (the NodePool's label and the ConfigMap are in
# different files).
tmp=$(mktemp -d)
cp "$cases/render-seed-out-dir/seed.yaml" "$tmp"
read -r -a args <"$cases/render-seed-out-dir/cmd"
if (cd "$tmp" && "$bin" "${args[@]}" >/dev/null 2>&1); then
  files=$(cd "$tmp" && ls *.yaml | grep -v '^seed.yaml$')
  out=$(cd "$tmp" && "$bin" lint $files)
  check render-seed-out-dir "$(echo $files | wc -w) files" "$out" $?
else
  echo "FAIL render-seed-out-dir: render failed"
  status=1
fi
rm -rf "$tmp"
exit $status
