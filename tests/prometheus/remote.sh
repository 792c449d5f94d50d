#!/usr/bin/env bash
# `gpuslice profile --prometheus-url` against fake_prom.py on 127.0.0.1, started and stopped
# here: the windows it asks for (exact query, start, end, step of every request), the headers
# and bearer token it sends, its answers equal to reading the same series from saved files
# (tests/golden/cases/profile-dcgm), AWS SigV4 recomputed by the server, and the exact line and
# exit code of each failure (HTTP 500 and 400, a Prometheus error, connection refused, a
# timeout, TLS). Usage: remote.sh PATH_TO_GPUSLICE. Needs python3 (and openssl for the TLS
# case); without them it SKIPS (exit 77) unless CI=true, where it fails.
# Prints `ok <check>` / `FAIL <check>` and then one line `N passed, M failed`.
set -u
export LC_ALL=C
bin=$(realpath "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data=$here/../data/prometheus
golden=$here/../golden/cases/profile-dcgm/stdout

for tool in python3 openssl; do
  if ! command -v $tool >/dev/null; then
    if [[ ${CI:-} == true ]]; then echo "FAIL remote: $tool is not installed"; exit 1; fi
    echo "SKIP remote: $tool is not installed"
    exit 77
  fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/gpuslice-remote.XXXXXX") || exit 2
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf -- "$scratch"
}
trap cleanup EXIT
passed=0
failed=0
pass() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; shift; printf '%s\n' "$@"; failed=$((failed + 1)); }

# serve NAME ARGS...: starts fake_prom.py; sets $port and $log.
serve() {
  local name=$1
  shift
  log=$scratch/$name.log
  python3 "$here/fake_prom.py" --port-file "$scratch/$name.port" --log "$log" "$@" &
  pids+=($!)
  for _ in $(seq 100); do [[ -s $scratch/$name.port ]] && break; sleep 0.1; done
  port=$(cat "$scratch/$name.port")
  : >>"$log"
}

# expect NAME EXIT STDOUT_FILE STDERR_TEXT -- ARGS...: runs `gpuslice profile ARGS...`.
expect() {
  local name=$1 code=$2 out=$3 err=$4
  shift 5
  local got_code=0
  "$bin" profile "$@" >"$scratch/out" 2>"$scratch/err" || got_code=$?
  if [[ $got_code != "$code" ]]; then
    fail "$name" "exit $got_code, expected $code; stderr: $(cat "$scratch/err")"
  elif [[ $(cat "$scratch/err") != "$err" ]]; then
    fail "$name" "stderr: $(cat "$scratch/err")" "expected: $err"
  elif [[ $out != - ]] && ! diff -u "$out" "$scratch/out"; then
    fail "$name" "stdout differs from $out"
  else
    pass "$name"
  fi
}

# Each request as "QUERY START END STEP".
requests() {
  python3 -c 'import json, sys
for line in open(sys.argv[1]):
    f = json.loads(line)["form"]
    print(f["query"], f["start"], f["end"], f["step"])' "$1"
}

saved=("$data/fb-used.json" "$data/busy.json" "$data/kube-owners.json")
window=(--end 2024-12-01T00:19:00Z)  # the saved series run from 00:00 to 00:19

# 14 days at 60 s: three windows per query (10,000 + 10,000 + 161 points), the series' 20
# samples all in the last; the same WorkloadSet as from the saved files.
serve data --data "${saved[@]}"
url=http://127.0.0.1:$port
expect chunks-14d 0 "$golden" "" -- --prometheus-url "$url" "${window[@]}" --since 14d --step 60s
if diff -u "$here/expected-14d-requests.txt" <(requests "$log"); then
  pass "chunks-14d: 30 requests, exact windows"
else
  fail "chunks-14d: the requests differ from expected-14d-requests.txt"
fi

# 6 ms steps: windows of 60 s that start on the saved samples' times, 20 per query; a window
# ending where the next starts would count 19 samples twice and change the figures.
: >"$log"
expect windows-on-samples 0 "$golden" "" -- --prometheus-url "$url/" "${window[@]}" --since 19m --step 6ms
got=$(requests "$log" | sed -n '1p;20p;21p')
want='DCGM_FI_DEV_FB_USED{pod!=""} 1733011200 1733011259.994 0.006
DCGM_FI_DEV_FB_USED{pod!=""} 1733012340 1733012340 0.006
DCGM_FI_PROF_SM_ACTIVE{pod!=""} 1733011200 1733011259.994 0.006'
if [[ $(wc -l <"$log") == 200 && $got == "$want" ]]; then
  pass "windows-on-samples: 200 requests, exact windows"
else
  fail "windows-on-samples: $(wc -l <"$log") requests" "$got"
fi

# Headers: a tenant, a bearer token (its file's newline dropped), the form's content type.
: >"$log"
printf 's3cr3t-token\n' >"$scratch/token"
expect headers 0 "$golden" "" -- --prometheus-url "$url" "${window[@]}" --since 19m \
  --header 'X-Scope-OrgID: tenant-a' --bearer-token-file "$scratch/token"
got=$(python3 -c 'import json, sys
print(sorted({json.dumps(json.loads(l)["headers"], sort_keys=True) for l in open(sys.argv[1])}))' "$log")
want="['{\"Authorization\": \"Bearer s3cr3t-token\", \"Content-Type\": \"application/x-www-form-urlencoded\", \"X-Scope-OrgID\": \"tenant-a\"}']"
if [[ $got == "$want" && $(wc -l <"$log") == 10 ]]; then pass "headers: sent with each of 10 requests"; else fail "headers" "$got"; fi

# Failures: one line naming the URL (without credentials) and the query, exit 1.
q='DCGM_FI_DEV_FB_USED{pod!=""}'
serve s500 --mode status500
expect http-500 1 - "gpuslice: http://127.0.0.1:$port/api/v1/query_range (query $q): HTTP 500: \"internal error\\x0a\"" \
  -- --prometheus-url "http://someone:hunter2@127.0.0.1:$port" "${window[@]}"
serve s400 --mode status400
expect http-400 1 - "gpuslice: http://127.0.0.1:$port/prom/api/v1/query_range (query $q): HTTP 404: \"404 page not found\\x0a\"" \
  -- --prometheus-url "http://127.0.0.1:$port/prom" "${window[@]}"
expect http-400-prometheus 1 - "gpuslice: http://127.0.0.1:$port/api/v1/query_range (query $q): HTTP 400: \"{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}\"" \
  -- --prometheus-url "http://127.0.0.1:$port" "${window[@]}"
serve promerror --mode promerror
expect prometheus-error 1 - "gpuslice: http://127.0.0.1:$port/api/v1/query_range (query $q): status: Prometheus answered \"error\" (timeout): query timed out" \
  -- --prometheus-url "http://127.0.0.1:$port" "${window[@]}"
free=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect connection-refused 1 - "gpuslice: http://127.0.0.1:$free/api/v1/query_range (query $q): cannot connect (connection refused)" \
  -- --prometheus-url "http://127.0.0.1:$free" "${window[@]}"
serve sleep --mode sleep
expect timeout 1 - "gpuslice: http://127.0.0.1:$port/api/v1/query_range (query $q): no complete answer within 1 s" \
  -- --prometheus-url "http://127.0.0.1:$port" "${window[@]}" --timeout 1

# TLS: a self-signed certificate fails verification unless --ca-file names it.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$scratch/key.pem" -out "$scratch/cert.pem" 2>/dev/null
serve tls --tls "$scratch/cert.pem:$scratch/key.pem" --data "${saved[@]}"
expect tls-untrusted 1 - "gpuslice: https://127.0.0.1:$port/api/v1/query_range (query $q): TLS failure: SSL certificate problem: self-signed certificate" \
  -- --prometheus-url "https://127.0.0.1:$port" "${window[@]}"
expect tls-ca-file 0 "$golden" "" -- --prometheus-url "https://127.0.0.1:$port" "${window[@]}" --ca-file "$scratch/cert.pem"

# AWS SigV4: the server recomputes each signature with the secret and session token it expects.
serve sigv4 --prefix /workspaces/ws-1 --sigv4 AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY:us-west-2:the-session-token --data "${saved[@]}"
sig=(--prometheus-url "http://127.0.0.1:$port/workspaces/ws-1" "${window[@]}")
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export AWS_SESSION_TOKEN=the-session-token
expect sigv4 0 "$golden" "" -- "${sig[@]}" --sigv4-region us-west-2
AWS_SECRET_ACCESS_KEY=wrong expect sigv4-wrong-secret 1 - \
  "gpuslice: http://127.0.0.1:$port/workspaces/ws-1/api/v1/query_range (query $q): HTTP 403: \"{\"message\":\"signature does not match\"}\"" \
  -- "${sig[@]}" --sigv4-region us-west-2
AWS_SESSION_TOKEN= expect sigv4-no-session-token 1 - \
  "gpuslice: http://127.0.0.1:$port/workspaces/ws-1/api/v1/query_range (query $q): HTTP 403: \"{\"message\":\"session token missing, wrong or not signed\"}\"" \
  -- "${sig[@]}" --sigv4-region us-west-2
expect sigv4-other-region 1 - \
  "gpuslice: http://127.0.0.1:$port/workspaces/ws-1/api/v1/query_range (query $q): HTTP 403: \"{\"message\":\"wrong key, scope or date\"}\"" \
  -- "${sig[@]}" --sigv4-region us-east-1
AWS_SECRET_ACCESS_KEY= expect sigv4-no-credentials 1 - \
  "gpuslice: --sigv4-region: needs AWS credentials in the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN with temporary ones)" \
  -- "${sig[@]}" --sigv4-region us-west-2
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
