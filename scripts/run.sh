#!/usr/bin/env bash
# Installs what is missing, builds `oms`, and starts the whole gateway on this machine:
#   nginx :8080 (nginx-conf/) ──auth_request──► oms auth :8081 ──► OIDM emulator :9001
#                └──► demo backend :8090 (nginx itself; echoes the identity headers it received)
#                └──► oms soap-bridge :8082 (/thunderhead/) ──SOAP──► Thunderhead emulator :9002
#                └──► oms refdata :8083 (/refdata/) ──► SQLite ./run/oms.db, Redis :6390 cache
#                └──► oms core :8084 (/v1/requests) ──► ./run/oms.db; jobs call refdata and the bridge;
#                                                        final statuses ──► Kafka-compatible broker :9092 (tansu)
# Every oms role runs in one process (`oms dev`); Redis and the broker are started when they
# are installed (scripts/install-deps.sh installs both), and left out otherwise.
# Everything lives under ./run (keys, database, nginx, logs). Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
BUILD="${OMS_BUILD:-debug}"
swift build -c "$BUILD" --product oms
OMS="$(swift build -c "$BUILD" --show-bin-path)/oms"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

RUN="${OMS_RUN_DIR:-$PWD/run}"
mkdir -p "$RUN/logs" "$RUN/nginx/tmp"
# The shipped gateway config, as is; upstreams.conf and listen.conf are the parts a
# deployment replaces.
cp nginx-conf/*.conf "$RUN/nginx/"

pids=()
stop_all() {
    trap - INT TERM EXIT
    echo
    echo "stopping…"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    exit 0
}
trap stop_all INT TERM EXIT

source scripts/lib.sh

if command -v redis-server >/dev/null; then
    redis-server --port 6390 --bind 127.0.0.1 --save '' --appendonly no --dir "$RUN" >>"$RUN/logs/redis.log" 2>&1 &
    pids+=($!)
    wait_port 6390
    export OMS_REDIS_URL="redis://127.0.0.1:6390/0"
fi
# A Kafka-compatible broker in memory (tansu), with the status topic; the core talks to it with
# the librdkafka that install-deps.sh fetched (Debian's is too old for tansu).
KAFKA_TOOLS="$PWD/.tools/kafka"
if [ -x "$KAFKA_TOOLS/tansu" ]; then
    "$KAFKA_TOOLS/tansu" broker --listener-url tcp://127.0.0.1:9092 --advertised-listener-url tcp://127.0.0.1:9092 \
        --storage-engine memory://tansu/ >>"$RUN/logs/kafka.log" 2>&1 &
    pids+=($!)
    wait_port 9092
    "$KAFKA_TOOLS/tansu" topic create oms.document.status --broker tcp://127.0.0.1:9092 --partitions 1 >>"$RUN/logs/kafka.log" 2>&1
    export OMS_KAFKA_BROKERS="127.0.0.1:9092"
    export LD_LIBRARY_PATH="$KAFKA_TOOLS/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

# nginx first: `oms dev` prints what to try once its roles listen, and that goes through nginx.
"$NGINX" -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -g "daemon off; pid $RUN/nginx/nginx.pid;" >>"$RUN/logs/nginx.log" 2>&1 &
pids+=($!)
wait_port 8080
echo "gateway (nginx) on http://127.0.0.1:8080; logs in $RUN/logs/"
# Its JSON logs to a file; what it prints for people (stderr) to this terminal.
"$OMS" dev --dir "$RUN" >>"$RUN/logs/oms.log" &
pids+=($!)

wait -n "${pids[@]}"
echo "a process exited; see $RUN/logs/" >&2
