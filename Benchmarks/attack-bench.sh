#!/usr/bin/env bash
# What an attacker on one address costs everyone else, in one run, as ratios to the same load
# without the attack. A client on 127.0.0.1 (wrk, one cached token) measures; the attacker
# (Benchmarks/attacker.py) works from 127.0.0.2:
#   (a) the shipped gateway (nginx-conf, throttling raised), no attack: the baseline
#   (b) the same while 2,000 connections trickle a header line a second (slow heads)
#   (c) the same while 1,000 connections send a whole head and never the body (slow bodies)
#   (d) oms auth directly (GET /auth), no attack: the baseline
#   (e) the same while 4 connections pipeline GET /metrics without reading and 2,000 trickle
#       header lines; with oms auth's resident memory before and after
# nginx (one worker) on core 0; wrk, oms auth, the OIDM emulator and the attacker on core 1.
# Usage: Benchmarks/attack-bench.sh  (DURATION=10 CONNECTIONS=32)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
NEW_TOKENS=1
source Benchmarks/common.sh

issuer_setup "documents.read documents.write"
cat > "$W/auth.yaml" <<YAML
server: {host: 127.0.0.1, port: 18081, threads: 1}
oidm: {url: "http://127.0.0.1:19001/oauth2/rest/rest/token", cache_ttl_s: 300}
jwks: {file: $W/keys/jwks.json}
token: {algorithms: [ES256], issuers: ["https://idp.bench"], audiences: [oms], allowed_domains: [retail]}
routes: [{prefix: /v1/documents, scopes: [documents.read]}, {prefix: /v1/documents, methods: [POST, PUT, PATCH, DELETE], scopes: [documents.write]}]
log: {level: warning}
YAML

# The shipped gateway, one worker, throttling (limit_req) raised out of the way; the connection
# limits and timeouts stay as shipped: they are what is measured.
G="$W/gateway"
shipped_gateway "$G" 18080 18090
echo "server { listen 127.0.0.1:18090; access_log off; location / { return 200 '{\"ok\":true}'; } }" > "$G/demo-backend.conf"
sed -i -E 's/^worker_processes auto;/worker_processes 1;/' "$G/nginx.conf"
sed -i -E 's|access_log /dev/stdout oms_json;|access_log off;|' "$G/oms-gateway.conf"
taskset -c 0 "$NGINX" -p "$G" -c "$G/nginx.conf" -g "daemon off; pid $G/nginx.pid;" >"$W/logs/gateway.log" 2>&1 &
pids+=($!)
taskset -c 1 "$OMS" emulate oidm --config "$W/oidm.yaml" >"$W/logs/oidm.log" 2>&1 &
pids+=($!)
taskset -c 1 "$OMS" auth --config "$W/auth.yaml" >"$W/logs/auth.log" 2>&1 &
AUTH_PID=$!
pids+=($AUTH_PID)
wait_port 19001; wait_port 18081; wait_port 18080

AUTH_HEADER="Authorization: Bearer $TOKEN"
GATEWAY_URL=http://127.0.0.1:18080/v1/documents/7
AUTH_URL=http://127.0.0.1:18081/auth
measure() {
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" 2>&1 | tee -a "$W/logs/wrk.log" | wrk_figures
}
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$AUTH_PID/status"; }
# Starts the attacker in mode $1 with the rest as its arguments; waits $ATTACK_RAMP s for it to
# take hold. stop_attack ends it and prints its own account.
ATTACK_RAMP="${ATTACK_RAMP:-3}"
attack() {
    taskset -c 1 python3 Benchmarks/attacker.py "$@" 2>>"$W/logs/attacker.log" &
    ATTACKER=$!
    sleep "$ATTACK_RAMP"
}
stop_attack() {
    kill -TERM "$ATTACKER" 2>/dev/null || true
    wait "$ATTACKER" 2>/dev/null || true
    sleep 1
}

# Warm up both paths (and put the token in oms auth's cache).
taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s -H "$AUTH_HEADER" "$GATEWAY_URL" >/dev/null 2>&1
taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s -H "$AUTH_HEADER" -H "X-Original-URI: /v1/documents/7" -H "X-Original-Method: GET" "$AUTH_URL" >/dev/null 2>&1

read -r a_rps a_p99 a_bad < <(measure -H "$AUTH_HEADER" "$GATEWAY_URL")
attack slow-heads 18080 2000 127.0.0.2
read -r b_rps b_p99 b_bad < <(measure -H "$AUTH_HEADER" "$GATEWAY_URL")
stop_attack
attack slow-bodies 18080 1000 127.0.0.2 "$TOKEN" /v1/documents/7
read -r c_rps c_p99 c_bad < <(measure -H "$AUTH_HEADER" "$GATEWAY_URL")
stop_attack

read -r d_rps d_p99 d_bad < <(measure -H "$AUTH_HEADER" -H "X-Original-URI: /v1/documents/7" -H "X-Original-Method: GET" "$AUTH_URL")
rss_before=$(rss_mb)
attack pipeline 18081 4 127.0.0.2
taskset -c 1 python3 Benchmarks/attacker.py slow-heads 18081 2000 127.0.0.3 2>>"$W/logs/attacker.log" &
TRICKLER=$!
sleep "$ATTACK_RAMP"
read -r e_rps e_p99 e_bad < <(measure -H "$AUTH_HEADER" -H "X-Original-URI: /v1/documents/7" -H "X-Original-Method: GET" "$AUTH_URL")
rss_during=$(rss_mb)
kill -TERM "$TRICKLER" 2>/dev/null || true
wait "$TRICKLER" 2>/dev/null || true
stop_attack
rss_after=$(rss_mb)
closed=$(curl -s http://127.0.0.1:18081/metrics | awk '/^oms_auth_connections_closed_total/ { sub(/oms_auth_connections_closed_total/, ""); printf "%s=%d ", $1, $2 }')

row() { awk -v n="$1" -v r="$2" -v p="$3" -v base="$4" -v bad="$5" 'BEGIN { printf "%-62s %10.0f %9s %7.2f× %s\n", n, r, p, r / base, (bad > 0 ? "(" bad " non-2xx!)" : "") }'; }
echo
echo "A legitimate client (wrk -t1 -c$CONNECTIONS ${DURATION}s, one cached token) while one address attacks"
printf "%-62s %10s %9s %8s\n" "case" "req/s" "p99 ms" "× base"
row "(a) gateway, no attack (base of b, c)" "$a_rps" "$a_p99" "$a_rps" "$a_bad"
row "(b) gateway, 2,000 slow heads from 127.0.0.2" "$b_rps" "$b_p99" "$a_rps" "$b_bad"
row "(c) gateway, 1,000 slow bodies from 127.0.0.2" "$c_rps" "$c_p99" "$a_rps" "$c_bad"
row "(d) oms auth direct, no attack (base of e)" "$d_rps" "$d_p99" "$d_rps" "$d_bad"
row "(e) oms auth direct, pipelined flood + 2,000 slow heads" "$e_rps" "$e_p99" "$d_rps" "$e_bad"
echo "oms auth resident memory: ${rss_before} MB before (e), ${rss_during} MB at its end, ${rss_after} MB after"
echo "oms auth closed connections: ${closed:-none}"
echo "attacker's account:"
sed 's/^/  /' "$W/logs/attacker.log"
