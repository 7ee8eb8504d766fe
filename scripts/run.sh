#!/usr/bin/env bash
# Installs what is missing, builds `oms`, and starts the gateway on this machine:
#   nginx :8080 (nginx-conf/) ──auth_request──► oms auth :8081 ──► OIDM emulator :9001
#                └──► demo backend :8090 (echoes the identity headers it received)
#                └──► oms soap-bridge :8082 (/thunderhead/) ──SOAP──► Thunderhead emulator :9002
#                └──► oms refdata :8083 (/refdata/) ──► SQLite ./run/oms.db, Redis :6390 cache
#                └──► oms core :8084 (/v1/requests) ──► ./run/oms.db; jobs call refdata and the bridge;
#                                                        final statuses ──► Kafka-compatible broker :9092 (tansu)
# Everything lives under ./run (keys, configs, logs). Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
BUILD="${OMS_BUILD:-debug}"
swift build -c "$BUILD" --product oms
OMS="$(swift build -c "$BUILD" --show-bin-path)/oms"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

RUN="${OMS_RUN_DIR:-$PWD/run}"
mkdir -p "$RUN/keys" "$RUN/logs" "$RUN/nginx/tmp"

if [ ! -f "$RUN/keys/private.pem" ]; then
    "$OMS" keys generate --alg ES256 --kid oms-dev-1 --out "$RUN/keys"
fi

cat > "$RUN/oidm.yaml" <<YAML
server: {host: 127.0.0.1, port: 9001}
jwks: {file: $RUN/keys/jwks.json}
YAML

cat > "$RUN/auth.yaml" <<YAML
server: {host: 127.0.0.1, port: 8081}
oidm:
  url: http://127.0.0.1:9001/oauth2/rest/rest/token
  timeout_ms: 2000
  cache_ttl_s: 60
jwks: {file: $RUN/keys/jwks.json}
token:
  algorithms: [ES256, RS256, PS256, EdDSA]
  issuers: [https://idp.oms.local]
  audiences: [oms]
  allowed_domains: [retail]
routes:
  - {prefix: /v1/documents, scopes: [documents.read]}
  - {prefix: /v1/documents, methods: [POST, PUT, DELETE], scopes: [documents.write]}
  - {prefix: /v1/admin, scopes: [admin]}
  - {prefix: /thunderhead, scopes: [documents.write]}
  - {prefix: /v1/requests, scopes: [documents.read]}
  - {prefix: /v1/requests, methods: [POST], scopes: [documents.write]}
  - {prefix: /refdata, scopes: [refdata.read]}
  - {prefix: /refdata, methods: [PUT, DELETE], scopes: [refdata.admin]}
YAML

# A bridge on port $1 whose Thunderhead listens on port $2.
bridge_config() {
    cat <<YAML
server: {host: 127.0.0.1, port: $1}
policies: $PWD/sidecars
services:
  thunderhead:
    url: http://127.0.0.1:$2/thunderhead/services/JobAPIWebWrapped
    timeout_ms: 10000
YAML
}
bridge_config 8082 9002 > "$RUN/soap-bridge.yaml"
# A second bridge for the attack suite's SOAP cases: its Thunderhead is the suite's echo
# upstream (:8091, up only while `oms conformance --echo-listen` runs), which plays a hostile
# SOAP service.
bridge_config 8092 8091 > "$RUN/soap-bridge-conformance.yaml"

cat > "$RUN/refdata.yaml" <<YAML
server: {host: 127.0.0.1, port: 8083}
database: {url: "sqlite:$RUN/oms.db"}
redis: {url: "redis://127.0.0.1:6390/0"}
cache: {near: {enabled: true}}
YAML

cat > "$RUN/core.yaml" <<YAML
server: {host: 127.0.0.1, port: 8084}
database: {url: "sqlite:$RUN/oms.db"}
refdata: {url: "http://127.0.0.1:8083"}
soap_bridge: {url: "http://127.0.0.1:8082"}
kafka: {brokers: ["127.0.0.1:9092"], topic: oms.document.status}
YAML

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

"$OMS" emulate oidm --config "$RUN/oidm.yaml" >>"$RUN/logs/oidm.log" 2>&1 &
pids+=($!)
wait_port 9001
"$OMS" auth --config "$RUN/auth.yaml" >>"$RUN/logs/auth.log" 2>&1 &
pids+=($!)
wait_port 8081
"$OMS" emulate thunderhead --port 9002 --wsdl sidecars/thunderhead/JobAPIWebWrapped.wsdl >>"$RUN/logs/thunderhead.log" 2>&1 &
pids+=($!)
wait_port 9002
"$OMS" soap-bridge --config "$RUN/soap-bridge.yaml" >>"$RUN/logs/soap-bridge.log" 2>&1 &
pids+=($!)
wait_port 8082
"$OMS" soap-bridge --config "$RUN/soap-bridge-conformance.yaml" >>"$RUN/logs/soap-bridge-conformance.log" 2>&1 &
pids+=($!)
wait_port 8092
redis-server --port 6390 --bind 127.0.0.1 --save '' --appendonly no --dir "$RUN" >>"$RUN/logs/redis.log" 2>&1 &
pids+=($!)
wait_port 6390
"$OMS" refdata --config "$RUN/refdata.yaml" >>"$RUN/logs/refdata.log" 2>&1 &
pids+=($!)
wait_port 8083
# A Kafka-compatible broker in memory (tansu), with the status topic; the core talks to it with
# the librdkafka that install-deps.sh fetched (Debian's is too old for tansu).
KAFKA_TOOLS="$PWD/.tools/kafka"
"$KAFKA_TOOLS/tansu" broker --listener-url tcp://127.0.0.1:9092 --advertised-listener-url tcp://127.0.0.1:9092 \
    --storage-engine memory://tansu/ >>"$RUN/logs/kafka.log" 2>&1 &
pids+=($!)
wait_port 9092
"$KAFKA_TOOLS/tansu" topic create oms.document.status --broker tcp://127.0.0.1:9092 --partitions 1 >>"$RUN/logs/kafka.log" 2>&1
LD_LIBRARY_PATH="$KAFKA_TOOLS/lib" "$OMS" core --config "$RUN/core.yaml" >>"$RUN/logs/core.log" 2>&1 &
pids+=($!)
wait_port 8084
# A source and an enrichment for the demo request below (idempotent: PUT replaces).
curl -sf -X PUT http://127.0.0.1:8083/refdata/v1/sources/crm -H 'Content-Type: application/json' -d '{"allowed": true}' >/dev/null
curl -sf -X PUT http://127.0.0.1:8083/refdata/v1/enrichment/invoice -H 'Content-Type: application/json' \
    -d '{"batchConfigResID": 7001, "projectID": 12}' >/dev/null
"$NGINX" -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -g "daemon off; pid $RUN/nginx/nginx.pid;" >>"$RUN/logs/nginx.log" 2>&1 &
pids+=($!)
wait_port 8080

TOKEN=$("$OMS" token mint --key "$RUN/keys/private.pem" --kid oms-dev-1 --alg ES256 --ttl 3600 \
    --claims '{"iss":"https://idp.oms.local","aud":"oms","sub":"alice","domain":"retail","scope":"documents.read documents.write refdata.read refdata.admin","client_id":"demo"}')

cat <<TEXT

OMS Edge is running (logs in $RUN/logs/):
  gateway (nginx)   http://127.0.0.1:8080
  oms auth          http://127.0.0.1:8081   (/healthz /readyz /metrics)
  OIDM emulator     http://127.0.0.1:9001
  oms soap-bridge   http://127.0.0.1:8082   (REST/JSON → Thunderhead SOAP; /healthz /readyz /metrics)
                    http://127.0.0.1:8092   (the same, its Thunderhead the attack suite's echo :8091)
  Thunderhead       http://127.0.0.1:9002/thunderhead/services/JobAPIWebWrapped?wsdl  (SOAP JobAPI emulator)
  oms refdata       http://127.0.0.1:8083   (reference data on ./run/oms.db, Redis :6390; /healthz /readyz /metrics)
  oms core          http://127.0.0.1:8084   (document requests on ./run/oms.db; operator page /ops; /healthz /readyz /metrics)
  Kafka (tansu)     127.0.0.1:9092          (final statuses as CloudEvents on topic oms.document.status)

A token for alice (scopes documents.read documents.write refdata.read refdata.admin, one hour):
  TOKEN=$TOKEN

Try:
  curl -i -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:8080/v1/documents/42     # 200
  curl -i http://127.0.0.1:8080/v1/documents/42                                         # 401
  curl -i -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:8080/v1/admin/users            # 403
  curl -i -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -X POST http://127.0.0.1:8080/thunderhead/v1/batches \\
       -d '{"batchConfigResID": 7001, "batchName": "demo", "projectID": 12, "transactionData": {"customer": 42}}'   # 201 {batchId}
  curl -i -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -X PUT http://127.0.0.1:8080/refdata/v1/sources/crm \
       -d '{"allowed": true}'                                                               # 201, ETag "1"
  curl -i -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:8080/refdata/v1/sources/crm    # 200 {kind, key, version, value, updatedAt}
  curl -i -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-1' \
       -X POST http://127.0.0.1:8080/v1/requests -d '{"source": "crm", "documentType": "invoice", "data": {"customer": 42}}'  # 202 {id, status}
  curl -s -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:8080/v1/requests/ID     # RECEIVED … COMPLETED, with history
  $KAFKA_TOOLS/tansu cat consume oms.document.status --broker tcp://127.0.0.1:9092   # the CloudEvents published

The attack suite against this gateway (reports in $RUN/conformance/):
  $OMS conformance --gateway http://127.0.0.1:8080 --valid-token "\$TOKEN" --jwks $RUN/keys/jwks.json \\
       --signing-key $RUN/keys/private.pem --kid oms-dev-1 --alg ES256 --oidm-admin http://127.0.0.1:9001 \\
       --route POST:/v1/documents/conformance:documents.write --out $RUN/conformance
The SOAP bridge's cases, against the second bridge (:8092) whose Thunderhead is the suite's echo:
  $OMS conformance --gateway http://127.0.0.1:8080 --valid-token "\$TOKEN" --category soap-bridge \\
       --soap-bridge http://127.0.0.1:8092 --echo-listen 127.0.0.1:8091 --out $RUN/conformance-bridge

Ctrl-C stops everything.
TEXT

wait -n "${pids[@]}"
echo "a process exited; see $RUN/logs/" >&2
