#!/usr/bin/env bash
# What the shipped gateway's micro-cache of auth decisions gains, in one run, as ratios to a
# backend without auth:
#   (a) the backend alone (nginx `return 200`, as demo-backend.conf), no gateway
#   (b) the shipped nginx-conf in front of it, micro-cache off (as shipped): every request asks
#       oms auth, whose own cache holds the token
#   (c) the same with the micro-cache on (oms-limits.conf): nginx answers repeated calls itself
# One token; throttling raised out of the way. nginx (one gateway per case, 2 workers) on
# core 0; wrk, oms auth and the OIDM emulator on core 1.
# Usage: Benchmarks/gateway-bench.sh  (DURATION=10 CONNECTIONS=32)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
NEW_TOKENS=1
source Benchmarks/common.sh

issuer_setup documents.read
cat > "$W/auth.yaml" <<YAML
server: {host: 127.0.0.1, port: 18081}
oidm: {url: "http://127.0.0.1:19001/oauth2/rest/rest/token", cache_ttl_s: 300}
jwks: {file: $W/keys/jwks.json}
token: {algorithms: [ES256], issuers: ["https://idp.bench"], audiences: [oms], allowed_domains: [retail]}
routes: [{prefix: /v1/documents, scopes: [documents.read]}]
log: {level: warning}
YAML

# One shipped gateway per case: folder $1, port $2, micro-cache switch $3 (1 = off).
gateway() {
    local folder="$W/$1"
    shipped_gateway "$folder" "$2" 18090
    sed -i -E "/oms_auth_cache_off/,/}/ s/default [01];/default $3;/" "$folder/oms-limits.conf"
    grep -q "default $3;" "$folder/oms-limits.conf" || { echo "cannot set the micro-cache switch in $folder"; exit 1; }
    taskset -c 0 "$NGINX" -p "$folder" -c "$folder/nginx.conf" -g "daemon off; pid $folder/nginx.pid;" >/dev/null 2>"$W/logs/$1.log" &
    pids+=($!)
}
gateway cache-off 18080 1
gateway cache-on 18082 0
# The backend, alone.
nginx_conf <<CONF
    server { listen 127.0.0.1:18090; location / { return 200 '{"ok":true}'; } }
CONF
start_nginx

taskset -c 1 "$OMS" emulate oidm --config "$W/oidm.yaml" >"$W/logs/oidm.log" 2>&1 &
pids+=($!)
taskset -c 1 "$OMS" auth --config "$W/auth.yaml" >"$W/logs/auth.log" 2>&1 &
pids+=($!)
wait_port 19001; wait_port 18081; wait_port 18080; wait_port 18082; wait_port 18090

AUTH_HEADER="Authorization: Bearer $TOKEN"
for url in http://127.0.0.1:18080/v1/documents http://127.0.0.1:18082/v1/documents; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH_HEADER" "$url")" = 200 ] || { echo "$url does not pass the token"; exit 1; }
done

measure() {
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s -H "$AUTH_HEADER" "$1" >/dev/null 2>&1
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$AUTH_HEADER" "$1" 2>&1 | tee -a "$W/logs/wrk.log" | wrk_figures
}
allowed() { curl -s http://127.0.0.1:18081/metrics | awk '/^oms_auth_decisions_total\{outcome="allow"/ { n += $2 } END { print n + 0 }'; }
read -r a_rps a_p99 a_bad < <(measure http://127.0.0.1:18090/v1/documents)
before=$(allowed)
read -r b_rps b_p99 b_bad < <(measure http://127.0.0.1:18080/v1/documents)
middle=$(allowed)
read -r c_rps c_p99 c_bad < <(measure http://127.0.0.1:18082/v1/documents)
after=$(allowed)

row() { awk -v n="$1" -v r="$2" -v p="$3" -v a="$a_rps" -v bad="$4" -v asked="$5" 'BEGIN { printf "%-54s %10.0f %9s %7.3f× %12s %s\n", n, r, p, r / a, asked, (bad > 0 ? "(" bad " non-2xx!)" : "") }'; }
echo
echo "The shipped gateway — wrk -t1 -c$CONNECTIONS ${DURATION}s, one token; nginx on core 0, wrk + oms auth on core 1"
printf "%-54s %10s %9s %8s %12s\n" "case" "req/s" "p99 ms" "× (a)" "auth asked*"
row "(a) backend alone (nginx return 200)" "$a_rps" "$a_p99" "$a_bad" "-"
row "(b) shipped gateway, micro-cache off (as shipped)" "$b_rps" "$b_p99" "$b_bad" "$((middle - before))"
row "(c) shipped gateway, micro-cache on (5 s)" "$c_rps" "$c_p99" "$c_bad" "$((after - middle))"
awk -v b="$b_rps" -v c="$c_rps" 'BEGIN { printf "micro-cache gain: (c) / (b) = %.2f×\n", c / b }'
echo "* decisions oms auth made during the 2 s warm-up and the run"
