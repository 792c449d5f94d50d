#!/usr/bin/env bash
# tidy.sh BUILD_DIR: runs clang-tidy with the repository's .clang-tidy (function size only) over
# every non-test .cpp under src/, two files at a time, using BUILD_DIR/compile_commands.json
# (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON, the default here, and build once: the
# embedded data headers are generated). Prints one line per function past the limits,
#   src/file.cpp:LINE: function 'name' exceeds ...: N lines ...; nesting level 5 at lines ...
# and exits 1 when there is any, or when a file is missing from the database or fails to parse.
# An exemption is a comment on the function's line,
#   // NOLINT(readability-function-size): <why>
# and a NOLINT without the check's name and a reason is a finding too.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: tests/tidy.sh BUILD_DIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
if [ ! -f "$build/compile_commands.json" ]; then
  echo "tidy.sh: no $build/compile_commands.json: configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON" >&2
  exit 2
fi
tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
if [ -z "$tidy" ]; then
  echo "tidy.sh: clang-tidy not found (Debian package clang-tidy)" >&2
  exit 2
fi

cd "$root"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
find src -name '*.cpp' ! -name '*_test.cpp' | LC_ALL=C sort >"$logs/files"

# One log per source file, so that the two runs at a time never interleave their output.
xargs -P 2 -I{} sh -c 'log="$3/$(echo "$2" | tr / _)"; "$0" -p "$1" --quiet "$2" >"$log.out" 2>&1; echo $? >"$log.rc"' \
  "$tidy" "$build" {} "$logs" <"$logs/files"

status=0
while read -r file; do
  log="$logs/$(echo "$file" | tr / _)"
  # A warning and the notes after it become one line; the nesting notes are listed by line.
  findings=$(awk -v root="$root/" '
    function flush() {
      if (head == "") return
      out = head ": " notes
      if (nest != "") out = out (notes == "" ? "" : "; ") "nesting level " level " at lines " nest " (threshold " limit ")"
      print out
      head = notes = nest = ""
    }
    / warning: function .* exceeds / {
      flush()
      split($0, at, ":")
      sub(root, "", at[1])
      msg = $0
      sub(/^[^ ]* warning: /, "", msg)
      sub(/ \[readability-function-size\]$/, "", msg)
      head = at[1] ":" at[2] ": " msg
      next
    }
    / note: nesting level [0-9]+ starts here/ && head != "" {
      split($0, at, ":")
      match($0, /nesting level [0-9]+/); level = substr($0, RSTART + 14, RLENGTH - 14)
      match($0, /threshold [0-9]+/); limit = substr($0, RSTART + 10, RLENGTH - 10)
      nest = nest (nest == "" ? "" : ", ") at[2]
      next
    }
    / note: / && head != "" {
      msg = $0
      sub(/^.* note: /, "", msg)
      notes = notes (notes == "" ? "" : "; ") msg
      next
    }
    END { flush() }
  ' "$log.out")
  if [ -n "$findings" ]; then
    echo "$findings"
    status=1
  fi
  if grep -q 'Compile command not found' "$log.out"; then
    echo "$file: not in $build/compile_commands.json, so not checked"
    status=1
  elif [ "$(cat "$log.rc")" != 0 ]; then
    echo "$file: clang-tidy could not parse it:"
    grep -E '(^|: )error: ' "$log.out" || cat "$log.out"
    status=1
  fi
done <"$logs/files"

# An exemption names the check and says why.
if grep -n 'NOLINT' $(cat "$logs/files") | grep -v 'NOLINT(readability-function-size): [^ ]'; then
  echo "tidy.sh: a NOLINT above does not read '// NOLINT(readability-function-size): <why>'"
  status=1
fi
exit $status
