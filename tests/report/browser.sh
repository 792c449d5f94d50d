#!/usr/bin/env bash
# gpuslice report in a real browser: headless Chromium (Debian's `chromium`) loads the report
# of fleet.yaml from a file. Checks: the page names no URL and loads nothing (no src, href,
# url() or script); Chromium logs no console message (a page without script has none unless
# something failed), which a control page with a console.error shows the check catches; the
# DOM Chromium built has the chart's bars, one SVG per pool and a slot rect per pod with the
# expected data attributes (check_dom.py); a 1280x2000 screenshot is taken. Also: the page is
# dated only by SOURCE_DATE_EPOCH.
# Usage: browser.sh PATH_TO_GPUSLICE [OUT_DIR]; the page and report.png stay in OUT_DIR
# (default: a temporary directory, removed). Without chromium or python3 it SKIPS (exit 77)
# unless CI=true, where it fails. Prints `ok <check>` / `FAIL <check>`, then `N passed, M failed`.
set -u
export LC_ALL=C
bin=$(realpath "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
browser=$(command -v chromium || true)
for tool in "$browser" python3; do
  if [[ -z $tool ]] || ! command -v "$tool" >/dev/null; then
    if [[ ${CI:-} == true ]]; then echo "FAIL browser: chromium or python3 is not installed"; exit 1; fi
    echo "SKIP browser: chromium or python3 is not installed"
    exit 77
  fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/gpuslice-browser.XXXXXX") || exit 2
trap 'rm -rf -- "$scratch"' EXIT
out=${2:-$scratch}
mkdir -p "$out" && out=$(realpath "$out")
passed=0
failed=0
pass() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; shift; printf '%s\n' "$@"; failed=$((failed + 1)); }

# chrome ARGS...: headless Chromium, its own profile, no name resolves (nothing can be fetched);
# console messages go to stderr as INFO:CONSOLE lines.
chrome() {
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$scratch/profile" \
    --host-resolver-rules='MAP * ~NOTFOUND' --enable-logging=stderr --v=0 "$@"
}

page=$out/report.html
"$bin" report "$here/fleet.yaml" -o "$page" 2>"$scratch/err" || fail report "$(cat "$scratch/err")"
"$bin" plan --format json "$here/fleet.yaml" >"$scratch/plan.json" 2>"$scratch/err" || fail plan "$(cat "$scratch/err")"

# The page is dated only when SOURCE_DATE_EPOCH says when; a value that is no time is refused.
SOURCE_DATE_EPOCH=86400 "$bin" report "$here/fleet.yaml" >"$scratch/dated.html" 2>"$scratch/err"
if grep -q '^<footer>Made by gpuslice on 1970-01-02 00:00 UTC.</footer>$' "$scratch/dated.html" &&
  ! grep -q '<footer>Made by gpuslice on' "$page"; then pass source-date-epoch; else
  fail source-date-epoch "$(grep footer "$scratch/dated.html" "$page")"
fi
code=0
SOURCE_DATE_EPOCH=yesterday "$bin" report "$here/fleet.yaml" >/dev/null 2>"$scratch/err" || code=$?
if [[ $code == 2 && $(cat "$scratch/err") == 'gpuslice: SOURCE_DATE_EPOCH: "yesterday" is not a number of seconds since 1970-01-01 UTC (decimal digits)' ]]; then
  pass source-date-epoch-refused
else
  fail source-date-epoch-refused "exit $code: $(cat "$scratch/err")"
fi

if found=$(grep -noE 'https?://|src=|href=|url\(|@import|<script' "$page"); then
  fail self-contained "the page refers to something to load:" "$found"
else
  pass self-contained
fi

# The console check must catch a page that logs an error.
printf '<!DOCTYPE html><title>control</title><script>console.error("control error")</script>\n' >"$scratch/control.html"
chrome --dump-dom "file://$scratch/control.html" >/dev/null 2>"$scratch/control.log"
if grep -q 'CONSOLE.*control error' "$scratch/control.log"; then pass console-check-catches; else
  fail console-check-catches "Chromium logged no console line for the control page:" "$(tail -5 "$scratch/control.log")"
fi

# One load of the page: its DOM on stdout, its console on stderr, and the screenshot.
if ! chrome --dump-dom --screenshot="$out/report.png" --window-size=1280,2000 --hide-scrollbars "file://$page" \
  >"$scratch/dom.html" 2>"$scratch/chrome.log"; then
  fail load "Chromium failed:" "$(tail -5 "$scratch/chrome.log")"
elif grep -q 'CONSOLE' "$scratch/chrome.log"; then
  fail console "Chromium logged console messages:" "$(grep 'CONSOLE' "$scratch/chrome.log")"
else
  pass console
fi
if counted=$(python3 "$here/check_dom.py" "$scratch/dom.html" "$page" "$scratch/plan.json"); then
  pass "dom ($counted)"
else
  fail dom "$counted"
fi
# A PNG of 1280 x 2000: its signature, then the IHDR chunk's width and height.
size=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print(*(struct.unpack(">II", d[16:24]) if d[:8]==b"\x89PNG\r\n\x1a\n" else ("not-png",)))' \
  "$out/report.png" 2>/dev/null)
if [[ $size == "1280 2000" ]]; then pass screenshot; else fail screenshot "report.png: ${size:-missing}"; fi

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
