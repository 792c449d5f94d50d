#!/usr/bin/env bash
# Golden-file tests of the real gpuslice binary.
#
# Usage:
#   run.sh PATH_TO_GPUSLICE            run every case, compare, report
#   UPDATE=1 run.sh PATH_TO_GPUSLICE   rewrite the expected files from the actual output
#                                      (then REVIEW `git diff tests/golden` before committing:
#                                      UPDATE blesses whatever the binary printed, bugs included)
#   CASES='seed-*' run.sh PATH         run only the cases whose name matches the glob
#
# Layout: one directory per case, cases/<name>/, holding
#   cmd                   one line: the arguments after `gpuslice`. Split on whitespace by
#                         `read -r -a`: no quoting, no globbing, no variables (so an argument
#                         cannot contain a space). Paths are relative to the case directory.
#   stdout stderr         expected output, compared byte for byte
#   exit_code             expected exit status (a number and a newline)
#   expect_file_<name>    after the run, the file <name> (relative to the case directory)
#                         must exist with exactly this content
#   expect_no_file_<name> after the run, the file <name> must not exist (content ignored)
#   env                   optional: VAR=value lines, exported for the run (no quoting)
#   anything else         input fixtures
#
# Every case runs in a fresh temporary copy of its directory (so files it writes never
# land in the tree), with that copy as the working directory, stdin from /dev/null,
# LC_ALL=C, an empty XDG_CACHE_HOME (no cached price tables), and a time limit
# (GOLDEN_TIMEOUT seconds, default 30).
#
# Prints `ok <case>` or `FAIL <case>` (with diff -u of each mismatch) per case, then
# exactly one line `N passed, M failed`; exits 1 if any case failed, 2 on usage errors.

set -u
export LC_ALL=C
# "Today", for how old prices are: a fixed day (2026-08-01), so that no output changes with the
# date; a case's `env` file may set another.
export SOURCE_DATE_EPOCH=1785542400

if [[ $# -ne 1 ]]; then
    echo "usage: [UPDATE=1] $0 PATH_TO_GPUSLICE" >&2
    exit 2
fi

bin=$1
if [[ $bin != /* ]]; then
    # Resolve relative to the caller's directory, before we cd away.
    bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
fi
if [[ ! -x $bin || -d $bin ]]; then
    echo "$0: not an executable: $1" >&2
    exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")" || exit 2
here=$(pwd)

update=${UPDATE:-0}
[[ $update == 1 ]] || update=0
timeout_s=${GOLDEN_TIMEOUT:-30}
case_glob=${CASES:-*}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/gpuslice-golden.XXXXXX") || exit 2
trap 'rm -rf -- "$scratch"' EXIT
# An empty price cache: a table `gpuslice pricing fetch` cached for the user must not change
# what the cases print.
export XDG_CACHE_HOME=$scratch/no-cache

passed=0
failed=0

# compare EXPECTED ACTUAL LABEL: diff -u, labelled; returns non-zero on mismatch.
compare() {
    diff -u --label "expected $3" --label "actual $3" -- "$1" "$2"
}

run_case() {
    local name=$1 src=$here/cases/$1
    local work=$scratch/$name/case out=$scratch/$name/out
    local ok=1 rc line f target

    if [[ ! -f $src/cmd ]]; then
        echo "$name: missing cmd file"
        return 1
    fi
    mkdir -p "$work" "$out"
    cp -R -- "$src/." "$work/"

    local -a args=()
    IFS= read -r line <"$src/cmd" || [[ -n $line ]]
    read -r -a args <<<"$line"

    (
        cd "$work" || exit 125
        if [[ -f env ]]; then
            while IFS= read -r var; do [[ -n $var ]] && export "${var?}"; done <env
        fi
        exec timeout "$timeout_s" "$bin" "${args[@]}" </dev/null >"$out/stdout" 2>"$out/stderr"
    )
    rc=$?
    echo "$rc" >"$out/exit_code"

    if [[ $update == 1 ]]; then
        cp -- "$out/stdout" "$src/stdout"
        cp -- "$out/stderr" "$src/stderr"
        cp -- "$out/exit_code" "$src/exit_code"
        for f in "$src"/expect_file_*; do
            [[ -e $f ]] || continue
            target=${f##*/expect_file_}
            if [[ -f $work/$target ]]; then
                cp -- "$work/$target" "$f"
            fi
        done
    fi

    for f in stdout stderr exit_code; do
        if [[ ! -f $src/$f ]]; then
            echo "$name: missing expected file $f (run with UPDATE=1 to create it)"
            ok=0
        elif ! compare "$src/$f" "$out/$f" "$name/$f"; then
            ok=0
        fi
    done

    for f in "$src"/expect_file_*; do
        [[ -e $f ]] || continue
        target=${f##*/expect_file_}
        if [[ ! -f $work/$target ]]; then
            echo "$name: expected file $target was not written"
            ok=0
        elif ! compare "$f" "$work/$target" "$name/$target"; then
            ok=0
        fi
    done

    for f in "$src"/expect_no_file_*; do
        [[ -e $f ]] || continue
        target=${f##*/expect_no_file_}
        if [[ -e $work/$target || -L $work/$target ]]; then
            echo "$name: file $target exists but must not"
            ok=0
        fi
    done

    rm -rf -- "${scratch:?}/$name"
    [[ $ok == 1 ]]
}

shopt -s nullglob
for dir in cases/$case_glob/; do
    name=${dir#cases/}
    name=${name%/}
    if run_case "$name"; then
        echo "ok $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        failed=$((failed + 1))
    fi
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
