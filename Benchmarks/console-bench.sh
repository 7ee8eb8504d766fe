#!/usr/bin/env bash
# The operator console at scale: a database of ROWS requests (1,000,000 by default) created
# over the last day (93 % COMPLETED, 3 % FAILED, 2 % REJECTED, 2 % in flight; 5 sources, 10
# document types), on SQLite and on PostgreSQL, then each console page that lists, filters,
# searches, counts or charts timed through `oms core` (curl, the median of RUNS calls after one
# warm-up), with the core's /healthz as the baseline of the same run. Rows are written with
# SQL straight into the core's own schema (the core made it), and finished with an UPDATE, so
# the triggers keep the console's stats as intake and the jobs would; their deltas are folded
# in the same transaction, as the core's compaction does every few seconds. SQLite gets no
# ANALYZE (the core never runs one); PostgreSQL gets the VACUUM ANALYZE autovacuum would.
# Usage: Benchmarks/console-bench.sh  (ROWS=1000000 RUNS=7)
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${ROWS:-1000000}"
RUNS="${RUNS:-7}"
source Benchmarks/common.sh
start_postgres 15434
PSQL=(psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 15434 -U postgres oms)

now_ms=$(( $(date +%s) * 1000 ))
start_ms=$(( now_ms - 86400000 ))
step_ms=$(( 86400000 / ROWS ))

core_config() {  # name port database
    cat > "$W/$1.yaml" <<YAML
server: {host: 127.0.0.1, port: $2}
database: {url: "$3"}
access: {mode: none}
refdata: {url: "http://127.0.0.1:18493"}
soap_bridge: {url: "http://127.0.0.1:18492"}
jobs: {enabled: false}
log: {level: warning}
YAML
}
start_core() {  # name port
    taskset -c 0 "$OMS" core --config "$W/$1.yaml" >"$W/logs/$1.log" 2>&1 &
    pids+=($!)
    wait_port "$2"
}
stop_core() { kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }

# The status a row ends in, from its number (SQL, both databases).
final_status="CASE WHEN n % 100 < 93 THEN 'COMPLETED' WHEN n % 100 < 96 THEN 'FAILED' WHEN n % 100 < 98 THEN 'REJECTED' ELSE 'RECEIVED' END"

fill_sqlite() {
    sqlite3 "$W/console.db" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
BEGIN;
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < $ROWS - 1)
INSERT INTO core_requests (id, idempotency_key, request_key, body, source, document_type, data, status, attempts,
    due_at_ms, created_at_ms, updated_at_ms, client)
SELECT printf('%08x-%04x-7%03x-8%03x-%012x', t >> 16, t & 65535, n % 4096, n % 4096, n), 'bench' || char(10) || 'key-' || n, 'key-' || n,
    '{}', 's' || (n % 5), 't' || (n % 10), '{}', 'RECEIVED', 0, t, t, t, 'bench'
FROM (SELECT n, $start_ms + n * $step_ms AS t FROM seq);
UPDATE core_requests SET status = (SELECT $final_status FROM (SELECT CAST(substr(request_key, 5) AS INTEGER) AS n)),
    updated_at_ms = created_at_ms + 100 + (CAST(substr(request_key, 5) AS INTEGER) * 7919) % 20000
    WHERE CAST(substr(request_key, 5) AS INTEGER) % 100 < 98;
-- What the core's compaction does, at once for the whole fill.
INSERT INTO core_stats (kind, key, minute, n) SELECT kind, key, minute, SUM(delta) FROM core_stat_deltas WHERE true GROUP BY kind, key, minute
    ON CONFLICT (kind, key, minute) DO UPDATE SET n = n + excluded.n;
DELETE FROM core_stat_deltas;
COMMIT;
SQL
}

fill_postgres() {
    "${PSQL[@]}" <<SQL
BEGIN;
INSERT INTO core_requests (id, idempotency_key, request_key, body, source, document_type, data, status, attempts,
    due_at_ms, created_at_ms, updated_at_ms, client)
SELECT lpad(to_hex(t >> 16), 8, '0') || '-' || lpad(to_hex(t & 65535), 4, '0') || '-7' || lpad(to_hex(n % 4096), 3, '0')
        || '-8' || lpad(to_hex(n % 4096), 3, '0') || '-' || lpad(to_hex(n), 12, '0'),
    'bench' || chr(10) || 'key-' || n, 'key-' || n, '{}', 's' || (n % 5), 't' || (n % 10), '{}', 'RECEIVED', 0, t, t, t, 'bench'
FROM (SELECT n, $start_ms::BIGINT + n * $step_ms AS t FROM generate_series(0, $ROWS - 1) AS n) AS rows;
UPDATE core_requests SET status = (SELECT $final_status FROM (SELECT substr(request_key, 5)::BIGINT AS n) AS k),
    updated_at_ms = created_at_ms + 100 + (substr(request_key, 5)::BIGINT * 7919) % 20000
    WHERE substr(request_key, 5)::BIGINT % 100 < 98;
INSERT INTO core_stats (kind, key, minute, n) SELECT kind, key, minute, SUM(delta) FROM core_stat_deltas GROUP BY kind, key, minute
    ON CONFLICT (kind, key, minute) DO UPDATE SET n = core_stats.n + EXCLUDED.n;
DELETE FROM core_stat_deltas;
COMMIT;
VACUUM ANALYZE;
SQL
}

# The median time (ms) of RUNS GETs of a path, after one warm-up; fails on a non-200.
time_path() {  # port path
    curl -sf -o /dev/null "http://127.0.0.1:$1$2" || { echo "GET $2 failed" >&2; exit 1; }
    for _ in $(seq "$RUNS"); do
        curl -sf -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$1$2"
    done | sort -n | awk '{ t[NR] = $1 } END { printf "%.1f", t[int((NR + 1) / 2)] * 1000 }'
}

measure() {  # label port
    local port="$2" id key
    id=$(curl -sf "http://127.0.0.1:$port/ops/requests?status=FAILED" | grep -o 'id="r-[0-9a-f-]*"' | sed -n 3p | cut -d- -f2- | tr -d '"')
    key="key-$(( ROWS / 2 + 7 ))"
    local hour_from hour_to
    hour_from=$(date -u -d "@$(( (start_ms + 43200000) / 1000 ))" +%Y-%m-%dT%H:%M)
    hour_to=$(date -u -d "@$(( (start_ms + 46800000) / 1000 ))" +%Y-%m-%dT%H:%M)
    local base
    base=$(time_path "$port" /healthz)
    printf '\n%s, %s requests (the core'"'"'s /healthz: %s ms)\n' "$1" "$ROWS" "$base"
    printf '%-58s %9s %8s\n' "page (its queries)" "ms" "× base"
    while IFS='|' read -r label path; do
        local ms
        ms=$(time_path "$port" "$path")
        printf '%-58s %9s %8s\n' "$label" "$ms" "$(awk -v a="$ms" -v b="$base" 'BEGIN { printf "%.1f", a / b }')"
    done <<ROWS_
overview (counts, backlog, 2 charts, latest failures)|/ops
list, no filter (newest 50)|/ops/requests
status=FAILED|/ops/requests?status=FAILED
status=COMPLETED&source=s3|/ops/requests?status=COMPLETED&source=s3
type=t7|/ops/requests?type=t7
source=s1&type=t2 (matches none)|/ops/requests?source=s1&type=t2
status=FAILED&source=nosuch (matches none)|/ops/requests?status=FAILED&source=nosuch
created within one hour, midday|/ops/requests?from=$hour_from&to=$hour_to
second page of status=FAILED|/ops/requests?status=FAILED&before=$id
search by id|/ops/requests?q=$id
search by idempotency key|/ops/requests?q=$key
request page (fields, history, failures, event)|/ops/requests/$id
ROWS_
    local count_ms
    count_ms=$( { for _ in $(seq "$RUNS"); do curl -sf -o /dev/null -w '%{time_total}\n' -X POST -d 'source=s2' "http://127.0.0.1:$port/ops/rerun"; done; } | sort -n | awk '{ t[NR] = $1 } END { printf "%.1f", t[int((NR + 1) / 2)] * 1000 }')
    printf '%-58s %9s %8s\n' "bulk rerun's count (FAILED & source=s2)" "$count_ms" "$(awk -v a="$count_ms" -v b="$base" 'BEGIN { printf "%.1f", a / b }')"
}

# SQLite: the core makes the schema, stops, the rows go in, the core starts again.
core_config console-sqlite 18411 "sqlite:$W/console.db"
start_core console-sqlite 18411
stop_core
echo "filling SQLite with $ROWS requests…" >&2
fill_sqlite
start_core console-sqlite 18411
measure "SQLite" 18411
stop_core

core_config console-postgres 18412 "postgres://postgres@127.0.0.1:15434/oms"
start_core console-postgres 18412
stop_core
echo "filling PostgreSQL with $ROWS requests…" >&2
fill_postgres
start_core console-postgres 18412
measure "PostgreSQL" 18412
stop_core
echo
echo "Target: every page above within 50 ms with $ROWS requests (page times include rendering)."
