#!/usr/bin/env bash
# Checks the JSON Schemas in schemas/ (see schemas.mjs): `gpuslice schema` prints them byte for
# byte; the examples, the golden cases' WorkloadSets, plans and error documents are valid;
# inputs the reader refuses, and plans and error documents broken on purpose, are not.
#
# Usage: schemas.sh PATH_TO_GPUSLICE
# Needs node and `npm ci` here (package-lock.json). Without them it SKIPS (exit 77, which ctest
# shows as skipped) unless CI=true, where it fails.
set -u
export LC_ALL=C
bin=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if ! command -v node >/dev/null || [[ ! -d $here/node_modules/ajv || ! -d $here/node_modules/yaml ]]; then
  msg="node or the validator's npm packages are missing (run: npm ci --prefix tests/validate)"
  if [[ ${CI:-} == true ]]; then
    echo "FAIL schema validation: $msg"
    exit 1
  fi
  echo "SKIP schema validation: $msg"
  exit 77
fi
exec node "$here/schemas.mjs" "$bin" "$here/../.."
