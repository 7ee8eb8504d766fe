#!/usr/bin/env bash
# Reads of reference data on PostgreSQL, in one run, as ratios:
#   (a) a trivial Hummingbird endpoint (/healthz of the same server): the ceiling
#   (b) reads from the near cache
#   (c) reads from Redis (no near cache)
#   (d) reads from the database only (no cache)
#   (e) a 95/5 read/write mix, Redis without near cache
#   (f) reads from Redis over TLS with AUTH (rediss://, an ACL user), as on Azure Cache for Redis
# (c) and (f) are measured three times each, interleaved, and compared by their medians.
# 100 keys, read at random. Every instance checks each caller's bearer token (access.*, one
# cached ES256 token, as in production); (a) is open, as /healthz is. The refdata instances run
# on core 0; wrk, PostgreSQL and Redis on core 1. Usage: Benchmarks/refdata-bench.sh
# (DURATION=10 CONNECTIONS=32)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
source Benchmarks/common.sh

start_postgres 15432
NEW_TOKENS=1 issuer_setup "refdata.read refdata.admin"
export TOKEN

taskset -c 1 redis-server --port 16390 --bind 127.0.0.1 --save '' --appendonly no --dir "$W" >"$W/logs/redis.log" 2>&1 &
pids+=($!)
wait_port 16390

# The same Redis setup behind TLS only, with a private CA and an ACL user.
mkdir -p "$W/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj '/CN=bench-ca' \
    -keyout "$W/tls/ca.key" -out "$W/tls/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=localhost' \
    -keyout "$W/tls/srv.key" -out "$W/tls/srv.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$W/tls/srv.ext"
openssl x509 -req -in "$W/tls/srv.csr" -CA "$W/tls/ca.pem" -CAkey "$W/tls/ca.key" -CAcreateserial -days 1 \
    -extfile "$W/tls/srv.ext" -out "$W/tls/srv.pem" 2>/dev/null
printf 'bench-password\n' > "$W/tls/redis.password"
taskset -c 1 redis-server --port 0 --tls-port 16391 --bind 127.0.0.1 --save '' --appendonly no --dir "$W" \
    --tls-cert-file "$W/tls/srv.pem" --tls-key-file "$W/tls/srv.key" --tls-ca-cert-file "$W/tls/ca.pem" --tls-auth-clients no \
    --user default off --user oms on '>bench-password' '~*' '&*' '+@all' >"$W/logs/redis-tls.log" 2>&1 &
pids+=($!)
wait_port 16391

start_refdata() {  # name port redis(yes|tls|no) near(true|false)
    local redis_line=""
    [ "$3" = yes ] && redis_line='redis: {url: "redis://127.0.0.1:16390/0"}'
    [ "$3" = tls ] && redis_line="redis: {url: \"rediss://127.0.0.1:16391/0\", username: oms, password_file: \"$W/tls/redis.password\", tls: {ca_file: \"$W/tls/ca.pem\"}}"
    cat > "$W/$1.yaml" <<YAML
server: {host: 127.0.0.1, port: $2}
database: {url: "postgres://postgres@127.0.0.1:15432/oms"}
access:
  jwks: {file: "$W/keys/jwks.json"}
  token: {algorithms: [ES256], issuers: ["https://idp.bench"], audiences: [oms], allowed_domains: [retail]}
$redis_line
cache: {near: {enabled: $4}}
log: {level: warning}
YAML
    taskset -c 0 "$OMS" refdata --config "$W/$1.yaml" >"$W/logs/$1.log" 2>&1 &
    pids+=($!)
    wait_port "$2"
}
start_refdata near 18301 yes true
start_refdata redis 18302 yes false
start_refdata database 18303 no false
start_refdata tls 18304 tls false

for n in $(seq 0 99); do
    curl -sf -X PUT "http://127.0.0.1:18303/refdata/v1/sources/k$n" -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
        -d "{\"allowed\":true,\"n\":$n,\"description\":\"source number $n\"}" >/dev/null
done

measure() {  # url [env...]
    local url="$1"; shift
    env "$@" taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s -s Benchmarks/refdata-keys.lua "$url" >/dev/null 2>&1
    env "$@" taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s Benchmarks/refdata-keys.lua "$url" 2>&1 \
        | tee -a "$W/logs/wrk.log" | wrk_figures
}
read -r a_rps a_p99 a_bad < <(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency http://127.0.0.1:18301/healthz 2>&1 | wrk_figures)
read -r b_rps b_p99 b_bad < <(measure http://127.0.0.1:18301)
c_runs=(); f_runs=()
for round in 1 2 3; do
    read -r rps p99 bad < <(measure http://127.0.0.1:18302); c_runs+=("$rps $p99 $bad")
    read -r rps p99 bad < <(measure http://127.0.0.1:18304); f_runs+=("$rps $p99 $bad")
done
median() { printf '%s\n' "$@" | sort -n -k1,1 | sed -n 2p; }
read -r c_rps c_p99 c_bad < <(median "${c_runs[@]}")
read -r f_rps f_p99 f_bad < <(median "${f_runs[@]}")
read -r d_rps d_p99 d_bad < <(measure http://127.0.0.1:18303)
read -r e_rps e_p99 e_bad < <(measure http://127.0.0.1:18302 WRITE_PERCENT=5)
row() { awk -v n="$1" -v r="$2" -v p="$3" -v a="$a_rps" -v d="$d_rps" -v bad="$4" 'BEGIN { printf "%-46s %10.0f %9s %7.2f× %7.2f× %s\n", n, r, p, r / a, r / d, (bad > 0 ? "(" bad " non-2xx!)" : "") }'; }
echo
echo "refdata on PostgreSQL — wrk -t1 -c$CONNECTIONS ${DURATION}s, 100 keys; refdata on core 0, wrk + PostgreSQL + Redis on core 1"
printf "%-46s %10s %9s %8s %8s\n" "case" "req/s" "p99 ms" "× (a)" "× (d)"
row "(a) trivial endpoint (/healthz), the ceiling" "$a_rps" "$a_p99" "$a_bad"
row "(b) reads, near cache" "$b_rps" "$b_p99" "$b_bad"
row "(c) reads, Redis" "$c_rps" "$c_p99" "$c_bad"
row "(d) reads, database only" "$d_rps" "$d_p99" "$d_bad"
row "(e) 95/5 reads/writes, Redis" "$e_rps" "$e_p99" "$e_bad"
row "(f) reads, Redis over TLS with AUTH" "$f_rps" "$f_p99" "$f_bad"
awk -v c="$c_rps" -v f="$f_rps" 'BEGIN { printf "(f) ÷ (c), medians of 3 interleaved runs: %.2f×\n", f / c }'
echo "targets: (c) ≥ 2 × (d); (b) ≥ 0.6 × (a); (f) ≥ 0.8 × (c)"
