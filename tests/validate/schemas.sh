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

# shellcheck source=need_node.sh
source "$here/need_node.sh"
need_node "schema validation" ajv yaml
exec node "$here/schemas.mjs" "$bin" "$here/../.."
