#!/usr/bin/env bash
# Throughput of the auth_request path, in one run, as ratios to the ceiling of the design:
#   (a) nginx serving a small static file, no auth
#   (b) the same behind auth_request to nginx's own `return 200` (second server block)
#   (c) the same behind `oms auth`, one cached token
#   (d) the same behind `oms auth`, every request a new token (local verify + OIDM emulator)
#   (e) the same behind a trivial NIO server: `oms auth`'s own server and pipeline answering
#       200 to everything (oms-bench-ceiling), on the same core as `oms auth`
#   (h) (c) with tracing on: nginx starts a trace per request with 1 % sampled (as
#       nginx-conf/oms-tracing.conf does), a second `oms auth` samples parent-based at 0.01 and
#       exports its spans over OTLP/HTTP to a sink (Benchmarks/otlp-sink.py)
# nginx runs one worker pinned to core 0; wrk, `oms auth`, the ceiling and the emulator share
# core 1, as a separate pod would. (b), (c) and (e) are measured three times each, interleaved,
# and reported by their medians (this machine drifts by ±20 % between runs).
# Then, without nginx: wrk on core 0 straight at `oms auth` (cached token) and at the ceiling,
# each alone on core 1, three interleaved runs each: what a decision costs beyond the server.
# Usage: Benchmarks/auth-bench.sh  (DURATION=10 CONNECTIONS=32)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
NEW_TOKENS="${NEW_TOKENS:-150000}"
source Benchmarks/common.sh
swift build -c release --product oms-bench-ceiling >/dev/null
CEILING="$(swift build -c release --show-bin-path)/oms-bench-ceiling"

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
# A server on PORT that asks UPSTREAM's /auth first, as nginx-conf/oms-gateway.conf does;
# with a third argument, sending the trace context too.
gateway_server() {
    cat <<SERVER
    server {
        listen 127.0.0.1:$1;
        location = /_auth {
            internal;
            proxy_pass http://$2/auth;
            proxy_http_version 1.1; proxy_set_header Connection "";
            proxy_pass_request_body off; proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI \$request_uri; proxy_set_header X-Original-Method \$request_method;
            ${3:+proxy_set_header traceparent \$bench_traceparent;}
        }
        location / {
            auth_request /_auth;
            auth_request_set \$oms_subject \$upstream_http_x_auth_subject;
            auth_request_set \$oms_scope \$upstream_http_x_auth_scope;
            add_header X-Auth-Subject \$oms_subject;
            root $W/html; try_files /index.json =404;
        }
    }
SERVER
}

nginx_conf <<CONF
    upstream auth_nginx { server 127.0.0.1:18083; keepalive 64; }
    upstream oms_auth { server 127.0.0.1:18081; keepalive 64; }
    upstream ceiling { server 127.0.0.1:18085; keepalive 64; }

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
$(gateway_server 18084 oms_auth)

    # (e) auth_request to the trivial NIO server, wired the same way
$(gateway_server 18086 ceiling)

    # (h) auth_request to a traced oms auth, 1 % of the traces sampled by nginx
    upstream oms_auth_traced { server 127.0.0.1:18087; keepalive 64; }
    split_clients "\${request_id}" \$bench_trace_flags { 1% "01"; * "00"; }
    map \$request_id \$bench_parent_id { "~^(?<half>[0-9a-f]{16})" \$half; }
    map \$request_id \$bench_traceparent { default "00-\$request_id-\$bench_parent_id-\$bench_trace_flags"; }
$(gateway_server 18088 oms_auth_traced traced)
CONF
sed 's/port: 18081/port: 18085/' "$W/auth.yaml" > "$W/ceiling.yaml"
sed 's/port: 18081/port: 18087/' "$W/auth.yaml" > "$W/auth-traced.yaml"

taskset -c 1 "$OMS" emulate oidm --config "$W/oidm.yaml" >"$W/logs/oidm.log" 2>&1 &
pids+=($!)
taskset -c 1 "$OMS" auth --config "$W/auth.yaml" >"$W/logs/auth.log" 2>&1 &
pids+=($!)
taskset -c 1 "$CEILING" "$W/ceiling.yaml" >"$W/logs/ceiling.log" 2>&1 &
pids+=($!)
taskset -c 1 python3 Benchmarks/otlp-sink.py 18089 >"$W/logs/otlp-sink.log" 2>&1 &
pids+=($!)
OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:18089 OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.01 \
    taskset -c 1 "$OMS" auth --config "$W/auth-traced.yaml" >"$W/logs/auth-traced.log" 2>&1 &
pids+=($!)
start_nginx
wait_port 19001; wait_port 18081; wait_port 18085; wait_port 18080; wait_port 18084; wait_port 18086
wait_port 18087; wait_port 18088; wait_port 18089

# Prints "requests/s p99_ms non2xx" for one wrk run.
measure() {
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" 2>&1 | tee -a "$W/logs/wrk.log" | wrk_figures
}

AUTH_HEADER="Authorization: Bearer $TOKEN"
# Warm up every path (and put the cached token in the cache).
for url in http://127.0.0.1:18080/v1/documents http://127.0.0.1:18082/v1/documents http://127.0.0.1:18084/v1/documents http://127.0.0.1:18086/v1/documents http://127.0.0.1:18088/v1/documents; do
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s -H "$AUTH_HEADER" "$url" >/dev/null 2>&1
done

# The middle of three "rps p99 bad" lines, by rps.
median() { printf '%s\n' "$@" | sort -n -k1,1 | sed -n 2p; }

read -r a_rps a_p99 a_bad < <(measure http://127.0.0.1:18080/v1/documents)
b_runs=(); c_runs=(); e_runs=(); h_runs=()
spans_before=$(curl -sf http://127.0.0.1:18089/count)
for round in 1 2 3; do
    b_runs+=("$(measure -H "$AUTH_HEADER" http://127.0.0.1:18082/v1/documents)")
    c_runs+=("$(measure -H "$AUTH_HEADER" http://127.0.0.1:18084/v1/documents)")
    e_runs+=("$(measure -H "$AUTH_HEADER" http://127.0.0.1:18086/v1/documents)")
    h_runs+=("$(measure -H "$AUTH_HEADER" http://127.0.0.1:18088/v1/documents)")
done
read -r b_rps b_p99 b_bad < <(median "${b_runs[@]}")
read -r c_rps c_p99 c_bad < <(median "${c_runs[@]}")
read -r e_rps e_p99 e_bad < <(median "${e_runs[@]}")
read -r h_rps h_p99 h_bad < <(median "${h_runs[@]}")
sleep 6  # one more export interval
h_spans=$(( $(curl -sf http://127.0.0.1:18089/count) - spans_before ))
read -r d_rps d_p99 d_bad < <(measure -s Benchmarks/new-tokens.lua http://127.0.0.1:18084/v1/documents -- "$W/tokens.txt")

# Straight at the servers: wrk alone on core 0, the server alone on core 1.
direct() {
    taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$AUTH_HEADER" \
        -H "X-Original-URI: /v1/documents/1" -H "X-Original-Method: GET" "$@" 2>&1 | tee -a "$W/logs/wrk-direct.log" | wrk_figures
}
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d2s -H "$AUTH_HEADER" -H "X-Original-URI: /v1/documents/1" -H "X-Original-Method: GET" http://127.0.0.1:18081/auth >/dev/null 2>&1
auth_runs=(); ceiling_runs=()
for round in 1 2 3; do
    auth_runs+=("$(direct http://127.0.0.1:18081/auth)")
    ceiling_runs+=("$(direct http://127.0.0.1:18085/auth)")
done
read -r f_rps f_p99 f_bad < <(median "${auth_runs[@]}")
read -r g_rps g_p99 g_bad < <(median "${ceiling_runs[@]}")

row() { awk -v n="$1" -v r="$2" -v p="$3" -v b="$b_rps" -v bad="$4" 'BEGIN { printf "%-58s %10.0f %9s %7.2f× %s\n", n, r, p, r / b, (bad > 0 ? "(" bad " non-2xx!)" : "") }'; }
echo
echo "auth_request throughput — wrk -t1 -c$CONNECTIONS ${DURATION}s, nginx 1 worker on core 0, wrk + oms on core 1"
printf "%-58s %10s %9s %8s\n" "case" "req/s" "p99 ms" "× (b)"
row "(a) static file, no auth" "$a_rps" "$a_p99" "$a_bad"
row "(b) auth_request → nginx return 200 (ceiling)" "$b_rps" "$b_p99" "$b_bad"
row "(c) auth_request → oms auth, cached token" "$c_rps" "$c_p99" "$c_bad"
row "(d) auth_request → oms auth, new token each request" "$d_rps" "$d_p99" "$d_bad"
row "(e) auth_request → trivial NIO server (oms auth's pipeline)" "$e_rps" "$e_p99" "$e_bad"
row "(h) (c) traced: 1 % sampled, spans exported over OTLP" "$h_rps" "$h_p99" "$h_bad"
echo "(b), (c), (e), (h): medians of 3 interleaved runs; req/s of each run: (b) $(printf '%s\n' "${b_runs[@]}" | awk '{printf "%s ", $1}')(c) $(printf '%s\n' "${c_runs[@]}" | awk '{printf "%s ", $1}')(e) $(printf '%s\n' "${e_runs[@]}" | awk '{printf "%s ", $1}')(h) $(printf '%s\n' "${h_runs[@]}" | awk '{printf "%s ", $1}')"
echo "(h) exported $h_spans spans to the sink ($(awk -v s="$h_spans" -v r="$h_rps" -v d="$DURATION" 'BEGIN { printf "%.2f", 100 * s / (3 * r * d) }') % of its requests)"
echo
echo "straight at the server — wrk -t1 -c$CONNECTIONS ${DURATION}s on core 0, the server alone on core 1, medians of 3 interleaved runs"
printf "%-58s %10s %9s %8s\n" "case" "req/s" "p99 ms" "× (g)"
grow() { awk -v n="$1" -v r="$2" -v p="$3" -v g="$g_rps" -v bad="$4" 'BEGIN { printf "%-58s %10.0f %9s %7.2f× %s\n", n, r, p, r / g, (bad > 0 ? "(" bad " non-2xx!)" : "") }'; }
grow "(f) oms auth, cached token" "$f_rps" "$f_p99" "$f_bad"
grow "(g) trivial NIO server (oms auth's server and pipeline)" "$g_rps" "$g_p99" "$g_bad"
echo "targets: (c) ≥ 0.9 × (b); (h) ≥ 0.9 × (b); (f) ≥ 0.8 × (g)"
d_requests=$(awk '/requests in/ {n = $1} END {print n}' "$W/logs/wrk.log")
echo "(d) sent $d_requests requests with $NEW_TOKENS distinct tokens$( [ "${d_requests:-0}" -gt "$NEW_TOKENS" ] && echo ': some tokens were reused (raise NEW_TOKENS)')"
