# Sourced by run.sh and schemas.sh: need_node WHAT PACKAGE... returns when node and the npm
# packages (under tests/validate/node_modules) are there; otherwise it exits 77, which ctest
# shows as skipped, or 1 with CI=true, where a check that cannot run is a failure.
need_node() {
  local what=$1 dir
  dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  shift
  local missing=0
  command -v node >/dev/null || missing=1
  for p in "$@"; do [[ -d $dir/node_modules/$p ]] || missing=1; done
  [[ $missing == 0 ]] && return 0
  local msg="node or the validator's npm packages are missing (run: npm ci --prefix tests/validate)"
  if [[ ${CI:-} == true ]]; then
    echo "FAIL $what: $msg"
    exit 1
  fi
  echo "SKIP $what: $msg"
  exit 77
}
