#!/usr/bin/env bash
# How long a security team waits for `oms conformance`, in one run, as ratios to plain traffic
# through the same gateway (the shipped nginx-conf, `oms auth`, the OIDM emulator and
# `oms soap-bridge`), one request at a time as the suite sends them:
#   (a) GET with one valid token, cached by `oms auth` after the first request
#   (b) GET with a new valid token on every request (local verify + an OIDM call each)
#   (c) the whole catalog with the issuer's key and --soap-bridge: cases per second of
#       wall time (start-up, echo upstream and report writing included), RUNS times
# For (a) and (b) a stand-in upstream (nginx `return 200`) holds the port the suite's echo
# upstream takes in (c). Usage: Benchmarks/conformance-bench.sh  (DURATION=10 RUNS=3)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
RUNS="${RUNS:-3}"
NEW_TOKENS="${NEW_TOKENS:-20000}"
source Benchmarks/common.sh

issuer_setup "documents.read documents.write"
cat > "$W/auth.yaml" <<YAML
server: {host: 127.0.0.1, port: 18081}
oidm: {url: "http://127.0.0.1:19001/oauth2/rest/rest/token", timeout_ms: 3000}
jwks: {file: $W/keys/jwks.json}
token: {algorithms: [ES256], issuers: ["https://idp.bench"], audiences: [oms], allowed_domains: [retail]}
routes:
  - {prefix: /v1/documents, scopes: [documents.read]}
  - {prefix: /v1/documents, methods: [POST, PUT, PATCH, DELETE], scopes: [documents.write]}
log: {level: warning}
YAML
# The bridge's Thunderhead is the suite's echo upstream, which plays the hostile SOAP service.
cat > "$W/bridge.yaml" <<YAML
server: {host: 127.0.0.1, port: 18082}
policies: $PWD/sidecars
access: {mode: none}
services: {thunderhead: {url: "http://127.0.0.1:19090/thunderhead/services/JobAPIWebWrapped", timeout_ms: 5000}}
log: {level: warning}
YAML

# The gateway: the shipped configuration, with the deployment's files written here. Its
# workers run as `nobody` and buffer large bodies under tmp/: the folders must be reachable.
# The throttling rates are raised: the baselines send thousands of requests a second from one
# client, which the shipped limits would (rightly) refuse.
mkdir -p "$W/gateway/tmp"
chmod 755 "$W" "$W/gateway"
cp nginx-conf/*.conf "$W/gateway/"
sed -i -E 's/rate=[0-9]+r\/s/rate=1000000r\/s/' "$W/gateway/oms-limits.conf"
echo "listen 127.0.0.1:18080;" > "$W/gateway/listen.conf"
cat > "$W/gateway/upstreams.conf" <<CONF
upstream oms_auth { server 127.0.0.1:18081; keepalive 16; }
upstream oms_backend { server 127.0.0.1:19090; }
upstream oms_soap_bridge { server 127.0.0.1:18082; }
upstream oms_refdata { server 127.0.0.1:19090; }
upstream oms_core { server 127.0.0.1:19090; }
CONF
: > "$W/gateway/demo-backend.conf"

"$OMS" emulate oidm --config "$W/oidm.yaml" >"$W/logs/oidm.log" 2>&1 &
pids+=($!)
"$OMS" auth --config "$W/auth.yaml" >"$W/logs/auth.log" 2>&1 &
pids+=($!)
"$OMS" soap-bridge --config "$W/bridge.yaml" >"$W/logs/bridge.log" 2>&1 &
pids+=($!)
"$NGINX" -p "$W/gateway" -c "$W/gateway/nginx.conf" -g "daemon off; pid $W/gateway/nginx.pid;" >"$W/logs/gateway.log" 2>&1 &
pids+=($!)
wait_port 19001; wait_port 18081; wait_port 18082; wait_port 18080

# The stand-in upstream for (a) and (b), stopped before (c) takes its port.
nginx_conf <<CONF
    server { listen 127.0.0.1:19090; location / { return 200 '{"ok":true}'; } }
CONF
"$NGINX" -p "$W/nginx" -c "$W/nginx/nginx.conf" -g "daemon off; pid $W/nginx/nginx.pid;" >"$W/logs/nginx.log" 2>&1 &
standin=$!
pids+=($standin)
wait_port 19090
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" http://127.0.0.1:18080/v1/documents/conformance

# Prints "requests/s p99_ms non2xx" for one wrk run on one connection (after a warm-up).
measure() {
    wrk -t1 -c1 -d2s "$@" >/dev/null 2>&1
    wrk -t1 -c1 -d"${DURATION}s" --latency "$@" 2>&1 | tee -a "$W/logs/wrk.log" | wrk_figures
}
read -r a_rps a_p99 a_bad < <(measure -H "Authorization: Bearer $TOKEN" http://127.0.0.1:18080/v1/documents)
read -r b_rps b_p99 b_bad < <(measure -s Benchmarks/new-tokens.lua http://127.0.0.1:18080 -- "$W/tokens.txt")
kill -TERM "$standin"; wait "$standin" 2>/dev/null || true
while (echo > /dev/tcp/127.0.0.1/19090) 2>/dev/null; do sleep 0.1; done

# (c): the suite, RUNS times; each run must pass every case it does not skip.
suite() {
    "$OMS" conformance --gateway http://127.0.0.1:18080 --valid-token "$TOKEN" --jwks "$W/keys/jwks.json" \
        --signing-key "$W/keys/private.pem" --kid bench --alg ES256 --echo-listen 127.0.0.1:19090 \
        --oidm-admin http://127.0.0.1:19001 --route POST:/v1/documents/conformance:documents.write \
        --soap-bridge http://127.0.0.1:18080 --out "$W/report-$1" >"$W/logs/suite-$1.log" 2>&1 \
        || { echo "run $1 of the suite did not pass:"; tail -20 "$W/logs/suite-$1.log"; exit 1; }
}
seconds=()
for run in $(seq 1 "$RUNS"); do
    start=$(date +%s.%N)
    suite "$run"
    seconds+=("$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')")
done
median=$(printf '%s\n' "${seconds[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
read -r total ran < <(python3 - "$W/report-1/results.json" <<'PY'
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
print(len(cases), sum(1 for c in cases if c["outcome"] != "skipped"))
PY
)
c_rate=$(awk -v n="$ran" -v s="$median" 'BEGIN { print n / s }')

row() { awk -v n="$1" -v r="$2" -v p="$3" -v a="$a_rps" -v b="$b_rps" -v bad="$4" 'BEGIN { printf "%-58s %9.0f %8s %7.3f× %7.3f× %s\n", n, r, p, r / a, r / b, (bad > 0 ? "(" bad " non-2xx!)" : "") }'; }
echo
echo "oms conformance — one request at a time through the shipped gateway (nginx + oms auth + OIDM emulator + oms soap-bridge)"
printf "%-58s %9s %8s %8s %8s\n" "case" "per s" "p99 ms" "× (a)" "× (b)"
row "(a) GET, one valid token (cached), wrk -c1 ${DURATION}s" "$a_rps" "$a_p99" "$a_bad"
row "(b) GET, a new valid token each request, wrk -c1 ${DURATION}s" "$b_rps" "$b_p99" "$b_bad"
row "(c) the suite: $ran of $total cases run, median of $RUNS runs (cases/s)" "$c_rate" "-" 0
echo "suite wall times (s): ${seconds[*]}"
echo "slowest cases (run 1):"
python3 - "$W/report-1/results.json" <<'PY'
import json, sys
cases = sorted(json.load(open(sys.argv[1]))["cases"], key=lambda c: -c["durationMs"])
for case in cases[:5]:
    print(f"  {case['id']:8} {case['durationMs']:6} ms  {case['title']}")
PY
