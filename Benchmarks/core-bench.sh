#!/usr/bin/env bash
# The core, in one run:
#   intake — POST /v1/requests with wrk (a new Idempotency-Key each time, ~300 B body), jobs
#   off, on SQLite and on PostgreSQL, as ratios to a trivial endpoint (/healthz, same server);
#   and on SQLite with every request traced (ratio 1.0) and exported over OTLP/HTTP to a sink
#   (Benchmarks/otlp-sink.py), against the same without tracing: five interleaved runs each;
#   pipeline — N requests taken first, then one core with jobs on brings them to COMPLETED
#   against refdata, the SOAP bridge and the Thunderhead emulator: requests completed per second
#   from the core listening to the last one completed (the start-up is printed apart);
#   relay — then the outbox holds RELAY events (the pipeline's N final statuses and copies of
#   them under new event and request ids), and a core with jobs off and Kafka on publishes them
#   to a Kafka-compatible broker (tansu, in memory): events per second from the first event
#   published to the last, so the process's start-up is left out.
# The core runs on core 0; wrk, PostgreSQL and the upstreams on core 1. The intake's servers
# (and PostgreSQL) stop before the pipeline starts.
# Usage: Benchmarks/core-bench.sh  (DURATION=10 CONNECTIONS=32 PIPELINE=5000 RELAY=100000)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
PIPELINE="${PIPELINE:-5000}"
RELAY="${RELAY:-100000}"
source Benchmarks/common.sh
start_postgres 15433

core_config() {  # name port database jobs(true|false) [extra yaml]
    cat > "$W/$1.yaml" <<YAML
server: {host: 127.0.0.1, port: $2}
database: {url: "$3"}
access: {mode: none}
refdata: {url: "http://127.0.0.1:18493"}
soap_bridge: {url: "http://127.0.0.1:18492"}
jobs: {enabled: $4, interval_ms: 20, batch_size: 128}
log: {level: warning}
${5:-}
YAML
}
# Polls a core's /metrics (every 50 ms) until the sum of the lines matching $3 reaches $2 (or
# 300 s pass); prints "count seconds" (seconds since $4).
wait_metric() {  # port target awk-pattern started
    local count=0 elapsed
    while [ "$count" -lt "$2" ]; do
        sleep 0.05
        count=$(curl -sf "http://127.0.0.1:$1/metrics" | awk "$3 { s += \$NF } END { print s + 0 }")
        elapsed=$(awk -v a="$4" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
        if awk -v t="$elapsed" 'BEGIN { exit !(t > 300) }'; then echo "only $count of $2 in 300 s" >&2; break; fi
    done
    echo "$count $(awk -v a="$4" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"
}
# Polls a core's /metrics (every 50 ms) until the sum of the lines matching $3 reaches $2 (or
# 300 s pass); prints "count seconds first" — the seconds from the first poll that saw any, and
# the count that poll saw.
wait_progress() {  # port target awk-pattern
    local count=0 first="" since="" deadline=$((SECONDS + 300))
    while [ "$count" -lt "$2" ] && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.05
        count=$(curl -sf "http://127.0.0.1:$1/metrics" | awk "$3 { s += \$NF } END { print s + 0 }")
        if [ -z "$since" ] && [ "$count" -gt 0 ]; then since=$EPOCHREALTIME; first=$count; fi
    done
    [ "$count" -ge "$2" ] || echo "only $count of $2 in 300 s" >&2
    echo "$count $(awk -v a="${since:-$EPOCHREALTIME}" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }') ${first:-0}"
}
start() {  # name port core
    taskset -c "$3" "$OMS" "${@:4}" >"$W/logs/$1.log" 2>&1 &
    pids+=($!)
    declare -g "pid_${1//-/_}=$!"
    wait_port "$2"
}

core_config intake-sqlite 18401 "sqlite:$W/intake.db" false
core_config intake-postgres 18402 "postgres://postgres@127.0.0.1:15433/oms" false
core_config intake-traced 18407 "sqlite:$W/intake-traced.db" false
start intake-sqlite 18401 0 core --config "$W/intake-sqlite.yaml"
start intake-postgres 18402 0 core --config "$W/intake-postgres.yaml"
taskset -c 1 python3 Benchmarks/otlp-sink.py 18408 >"$W/logs/otlp-sink.log" 2>&1 &
pids+=($!)
pid_sink=$!
wait_port 18408
OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:18408 OTEL_TRACES_SAMPLER=always_on \
    start intake-traced 18407 0 core --config "$W/intake-traced.yaml"

measure() {  # url [wrk args]
    local url="$1"; shift
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s "$@" "$url" >/dev/null 2>&1
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" 2>&1 | tee -a "$W/logs/wrk.log" | wrk_figures
}
# The middle one of an odd number of "rps p99 bad" lines, by rps.
median() { printf '%s\n' "$@" | sort -n -k1,1 | sed -n "$(( ($# + 1) / 2 ))p"; }
read -r a_rps a_p99 a_bad < <(measure http://127.0.0.1:18401/healthz)
b_runs=(); f_runs=()
for round in 1 2 3 4 5; do
    b_runs+=("$(measure http://127.0.0.1:18401 -s Benchmarks/core-intake.lua)")
    f_runs+=("$(measure http://127.0.0.1:18407 -s Benchmarks/core-intake.lua)")
done
read -r b_rps b_p99 b_bad < <(median "${b_runs[@]}")
read -r f_rps f_p99 f_bad < <(median "${f_runs[@]}")
read -r c_rps c_p99 c_bad < <(measure http://127.0.0.1:18402 -s Benchmarks/core-intake.lua)
sleep 6  # one more export interval
f_exported=$(curl -sf http://127.0.0.1:18408/count || echo "?")
f_dropped=$(curl -sf http://127.0.0.1:18407/metrics | awk '/^oms_otel_spans_dropped_total/ { s += $NF } END { print s + 0 }')
# The intake's servers are done: the pipeline and the relay run without them (after a bulk
# intake PostgreSQL may still vacuum and checkpoint, on core 1 with the upstreams).
kill -TERM "$pid_intake_sqlite" "$pid_intake_postgres" "$pid_intake_traced" "$pid_sink"
wait "$pid_intake_sqlite" "$pid_intake_postgres" "$pid_intake_traced" "$pid_sink" 2>/dev/null || true
bench_cleanup

# The pipeline: emulator, bridge and refdata on core 1, the core on core 0.
cat > "$W/bridge.yaml" <<YAML
server: {host: 127.0.0.1, port: 18492}
policies: $PWD/sidecars
access: {mode: none}
services: {thunderhead: {url: "http://127.0.0.1:18491/thunderhead/services/JobAPIWebWrapped"}}
log: {level: warning}
YAML
printf 'server: {host: 127.0.0.1, port: 18493}\ndatabase: {url: "sqlite:%s/refdata.db"}\naccess: {mode: none}\nlog: {level: warning}\n' "$W" > "$W/refdata.yaml"
start emulator 18491 1 emulate thunderhead --port 18491 --complete-after-ms 100 --wsdl sidecars/thunderhead/JobAPIWebWrapped.wsdl
start bridge 18492 1 soap-bridge --config "$W/bridge.yaml"
start refdata 18493 1 refdata --config "$W/refdata.yaml"
curl -sf -X PUT http://127.0.0.1:18493/refdata/v1/sources/crm -H 'Content-Type: application/json' -d '{"allowed":true}' >/dev/null
curl -sf -X PUT http://127.0.0.1:18493/refdata/v1/enrichment/invoice -H 'Content-Type: application/json' -d '{"batchConfigResID":7001,"projectID":12}' >/dev/null

core_config backlog 18404 "sqlite:$W/pipeline.db" false
start backlog 18404 0 core --config "$W/backlog.yaml"
python3 - "$PIPELINE" <<'PY'
import concurrent.futures, json, sys, urllib.request
n = int(sys.argv[1])
body = json.dumps({"source": "crm", "documentType": "invoice", "data": {"customer": 42}}).encode()
def submit(i):
    request = urllib.request.Request("http://127.0.0.1:18404/v1/requests", data=body, method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": "pipeline-%d" % i})
    with urllib.request.urlopen(request) as response:
        assert response.status == 202
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    list(pool.map(submit, range(n)))
PY
core_config pipeline 18405 "sqlite:$W/pipeline.db" true
started=$EPOCHREALTIME
start pipeline 18405 0 core --config "$W/pipeline.yaml"
listening=$EPOCHREALTIME
read -r completed elapsed < <(wait_metric 18405 "$PIPELINE" '/^oms_core_steps_total\{.*result="completed"/' "$listening")
startup=$(awk -v a="$started" -v b="$listening" 'BEGIN { print b - a }')
failed=$(curl -sf "http://127.0.0.1:18405/v1/requests?status=FAILED&limit=1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')

# The relay: the pipeline's N events, still in the outbox, and copies of them up to RELAY. The
# cores that used the file stop first: on SQLite one process holds the database.
kill -TERM "$pid_backlog" "$pid_pipeline"
wait "$pid_backlog" "$pid_pipeline" 2>/dev/null || true
python3 - "$W/pipeline.db" "$RELAY" <<'PY'
import sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[1], timeout=30)
n = int(sys.argv[2])
rows = db.execute("SELECT payload, created_at_ms FROM core_outbox").fetchall()
copies = [(str(uuid.uuid4()), str(uuid.uuid4()), rows[i % len(rows)][0], rows[i % len(rows)][1] + 1 + i) for i in range(max(0, n - len(rows)))]
db.executemany("INSERT INTO core_outbox (event_id, request_id, payload, created_at_ms) VALUES (?, ?, ?, ?)", copies)
db.commit()
PY
KAFKA_TOOLS="$PWD/.tools/kafka"
taskset -c 1 "$KAFKA_TOOLS/tansu" broker --listener-url tcp://127.0.0.1:18494 --advertised-listener-url tcp://127.0.0.1:18494 \
    --storage-engine memory://tansu/ >"$W/logs/kafka.log" 2>&1 &
pids+=($!)
wait_port 18494
"$KAFKA_TOOLS/tansu" topic create oms.document.status --broker tcp://127.0.0.1:18494 --partitions 4 >>"$W/logs/kafka.log" 2>&1
core_config relay 18406 "sqlite:$W/pipeline.db" false 'kafka: {brokers: ["127.0.0.1:18494"]}'
LD_LIBRARY_PATH="$KAFKA_TOOLS/lib" start relay 18406 0 core --config "$W/relay.yaml"
read -r published relay_elapsed relay_first < <(wait_progress 18406 "$RELAY" '/^oms_core_events_published_total/')

row() { awk -v n="$1" -v r="$2" -v p="$3" -v a="$a_rps" -v bad="$4" 'BEGIN { printf "%-44s %10.0f %9s %7.2f× %s\n", n, r, p, r / a, (bad > 0 ? "(" bad " non-2xx!)" : "") }'; }
echo
echo "oms core — wrk -t1 -c$CONNECTIONS ${DURATION}s; core on core 0, wrk + PostgreSQL + upstreams on core 1"
printf "%-44s %10s %9s %8s\n" "case" "req/s" "p99 ms" "× (a)"
row "(a) trivial endpoint (/healthz)" "$a_rps" "$a_p99" "$a_bad"
row "(b) intake, SQLite (durable, group commit)" "$b_rps" "$b_p99" "$b_bad"
row "(c) intake, PostgreSQL" "$c_rps" "$c_p99" "$c_bad"
row "(f) intake, SQLite, traced (ratio 1.0, exported)" "$f_rps" "$f_p99" "$f_bad"
awk -v n="$completed" -v t="$elapsed" -v a="$a_rps" -v f="$failed" 'BEGIN { printf "%-44s %10.0f %9s %7.4f× %s\n", "(d) pipeline to COMPLETED (" n " requests, " sprintf("%.1f", t) " s)", n / t, "-", (n / t) / a, (f > 0 ? "(some FAILED!)" : "") }'
awk -v n="$published" -v f="$relay_first" -v t="$relay_elapsed" -v a="$a_rps" 'BEGIN { printf "%-44s %10.0f %9s %7.4f×\n", "(e) relay to Kafka (" n " events, " sprintf("%.1f", t) " s)", (n - f) / t, "-", ((n - f) / t) / a }'
echo "(b), (f): medians of 5 interleaved runs; req/s of each run: (b) $(printf '%s\n' "${b_runs[@]}" | awk '{printf "%s ", $1}')(f) $(printf '%s\n' "${f_runs[@]}" | awk '{printf "%s ", $1}')"
awk -v f="$f_rps" -v b="$b_rps" 'BEGIN { printf "(f) ÷ (b) = %.2f× (tracing every intake)\n", f / b }'
echo "(f) spans exported: $f_exported, dropped by the exporter (queue full or export failed): $f_dropped"
awk -v n="$completed" -v t="$elapsed" -v s="$startup" 'BEGIN { printf "(d): from the core listening (its start-up took %.2f s); from its start: %.0f requests/s\n", s, n / (t + s) }'
echo "(e): from the first poll that saw events published ($relay_first then) to the last; start-up left out"
echo "targets: (b) ≥ 5,000 requests/s; (d) ≥ 1,000 requests/s; (e) ≥ 20,000 events/s; (f) ≥ 0.8 × (b)"
