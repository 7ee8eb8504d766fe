#!/usr/bin/env bash
# Throughput of the auth_request path, in one run, as ratios to the ceiling of the design:
#   (a) nginx serving a small static file, no auth
#   (b) the same behind auth_request to nginx's own `return 200` (second server block)
#   (c) the same behind `oms auth`, one cached token
#   (d) the same behind `oms auth`, every request a new token (local verify + OIDM emulator)
# nginx runs one worker pinned to core 0; wrk, `oms auth` and the emulator share core 1, as
# a separate pod would. Usage: Benchmarks/auth-bench.sh  (DURATION=10 CONNECTIONS=32)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
NEW_TOKENS="${NEW_TOKENS:-150000}"
source Benchmarks/common.sh

mkdir -p "$W/html"
# nginx started as root serves files as `nobody`: the static file must be readable by it.
chmod 755 "$W" "$W/html"
printf '{"status":"ok"}\n' > "$W/html/index.json"
issuer_setup documents.read
cat > "$W/auth.yaml" <<YAML
server: {host: 127.0.0.1, port: 18081, threads: 1}
oidm: {url: "http://127.0.0.1:19001/oauth2/rest/rest/token", cache_ttl_s: 300}
jwks: {file: $W/keys/jwks.json}
token: {algorithms: [ES256], issuers: ["https://idp.bench"], audiences: [oms], allowed_domains: [retail]}
routes: [{prefix: /v1/documents, scopes: [documents.read]}]
cache: {max_entries: 1000000}
log: {level: warning}
YAML
nginx_conf <<CONF
    upstream auth_nginx { server 127.0.0.1:18083; keepalive 64; }
    upstream oms_auth { server 127.0.0.1:18081; keepalive 64; }

    # (a) no auth
    server { listen 127.0.0.1:18080; location / { root $W/html; try_files /index.json =404; } }

    # (b) auth_request to nginx's own return 200
    server {
        listen 127.0.0.1:18082;
        location = /_auth {
            internal;
            proxy_pass http://auth_nginx/auth;
            proxy_http_version 1.1; proxy_set_header Connection "";
            proxy_pass_request_body off; proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI \$request_uri; proxy_set_header X-Original-Method \$request_method;
        }
        location / { auth_request /_auth; root $W/html; try_files /index.json =404; }
    }
    server { listen 127.0.0.1:18083; location /auth { return 200; } }

    # (c), (d) auth_request to oms auth, as nginx-conf/oms-gateway.conf wires it
    server {
        listen 127.0.0.1:18084;
        location = /_auth {
            internal;
            proxy_pass http://oms_auth/auth;
            proxy_http_version 1.1; proxy_set_header Connection "";
            proxy_pass_request_body off; proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI \$request_uri; proxy_set_header X-Original-Method \$request_method;
        }
        location / {
            auth_request /_auth;
            auth_request_set \$oms_subject \$upstream_http_x_auth_subject;
            auth_request_set \$oms_scope \$upstream_http_x_auth_scope;
            add_header X-Auth-Subject \$oms_subject;
            root $W/html; try_files /index.json =404;
        }
    }
CONF

taskset -c 1 "$OMS" emulate oidm --config "$W/oidm.yaml" >"$W/logs/oidm.log" 2>&1 &
pids+=($!)
taskset -c 1 "$OMS" auth --config "$W/auth.yaml" >"$W/logs/auth.log" 2>&1 &
pids+=($!)
start_nginx
wait_port 19001; wait_port 18081; wait_port 18080; wait_port 18084

# Prints "requests/s p99_ms non2xx" for one wrk run.
measure() {
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" 2>&1 | tee -a "$W/logs/wrk.log" | wrk_figures
}

AUTH_HEADER="Authorization: Bearer $TOKEN"
# Warm up every path (and put the cached token in the cache).
for url in http://127.0.0.1:18080/v1/documents http://127.0.0.1:18082/v1/documents http://127.0.0.1:18084/v1/documents; do
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s -H "$AUTH_HEADER" "$url" >/dev/null 2>&1
done

read -r a_rps a_p99 a_bad < <(measure http://127.0.0.1:18080/v1/documents)
read -r b_rps b_p99 b_bad < <(measure -H "$AUTH_HEADER" http://127.0.0.1:18082/v1/documents)
read -r c_rps c_p99 c_bad < <(measure -H "$AUTH_HEADER" http://127.0.0.1:18084/v1/documents)
read -r d_rps d_p99 d_bad < <(measure -s Benchmarks/new-tokens.lua http://127.0.0.1:18084/v1/documents -- "$W/tokens.txt")

row() { awk -v n="$1" -v r="$2" -v p="$3" -v b="$b_rps" -v bad="$4" 'BEGIN { printf "%-58s %10.0f %9s %7.2f× %s\n", n, r, p, r / b, (bad > 0 ? "(" bad " non-2xx!)" : "") }'; }
echo
echo "auth_request throughput — wrk -t1 -c$CONNECTIONS ${DURATION}s, nginx 1 worker on core 0, wrk + oms on core 1"
printf "%-58s %10s %9s %8s\n" "case" "req/s" "p99 ms" "× (b)"
row "(a) static file, no auth" "$a_rps" "$a_p99" "$a_bad"
row "(b) auth_request → nginx return 200 (ceiling)" "$b_rps" "$b_p99" "$b_bad"
row "(c) auth_request → oms auth, cached token" "$c_rps" "$c_p99" "$c_bad"
row "(d) auth_request → oms auth, new token each request" "$d_rps" "$d_p99" "$d_bad"
d_requests=$(awk '/requests in/ {n = $1} END {print n}' "$W/logs/wrk.log")
echo "(d) sent $d_requests requests with $NEW_TOKENS distinct tokens$( [ "${d_requests:-0}" -gt "$NEW_TOKENS" ] && echo ': some tokens were reused (raise NEW_TOKENS)')"
