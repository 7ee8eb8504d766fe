#!/usr/bin/env bash
# Throughput of the SOAP bridge, in one run, as a ratio to its baseline:
#   (a) the Thunderhead emulator called directly with a SOAP submitBatch (~2 KB envelope)
#   (b) the same operation through `oms soap-bridge` with the equivalent JSON (~2 KB)
# The emulator runs on core 0, the bridge and wrk on core 1.
# Usage: Benchmarks/bridge-bench.sh  (DURATION=10 CONNECTIONS=32)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"

source Benchmarks/common.sh

# A ~2 KB request: transaction data of 40 customer records.
DATA=$(python3 -c 'import json; print(json.dumps({"records": [{"customer": i, "name": "Customer %d" % i, "amount": "12.%02d" % i} for i in range(40)]}, separators=(",", ":")))')
python3 - "$W" "$DATA" <<'PY'
import base64, json, sys
folder, data = sys.argv[1], sys.argv[2]
body = {"batchConfigResID": 7001, "batchName": "bench", "projectID": 12, "jobType": "BATCH", "priority": 5,
        "transactionData": json.loads(data), "properties": {"correlationId": "bench-1"}}
open(f"{folder}/request.json", "w").write(json.dumps(body, separators=(",", ":")))
encoded = base64.b64encode(data.encode()).decode()
soap = ('<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>'
        '<tns:submitBatch xmlns:tns="http://jobapi.ws.thunderhead.com/"><request><batchConfigResID>7001</batchConfigResID>'
        '<batchName>bench</batchName><projectID>12</projectID><jobType>BATCH</jobType><priority>5</priority>'
        f'<transactionData>{encoded}</transactionData><properties><name>correlationId</name><value>bench-1</value></properties>'
        '</request></tns:submitBatch></env:Body></env:Envelope>')
open(f"{folder}/request.xml", "w").write(soap)
PY
cat > "$W/bridge.yaml" <<YAML
server: {host: 127.0.0.1, port: 18082}
policies: $PWD/sidecars
services: {thunderhead: {url: "http://127.0.0.1:19002/thunderhead/services/JobAPIWebWrapped"}}
log: {level: warning}
YAML

taskset -c 0 "$OMS" emulate thunderhead --port 19002 --wsdl sidecars/thunderhead/JobAPIWebWrapped.wsdl >"$W/emulator.log" 2>&1 &
pids+=($!)
taskset -c 1 "$OMS" soap-bridge --config "$W/bridge.yaml" >"$W/bridge.log" 2>&1 &
pids+=($!)
wait_port 19002; wait_port 18082

measure() {
    env "$@" taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s Benchmarks/post-body.lua "$URL" 2>&1 | wrk_figures
}

URL=http://127.0.0.1:19002/thunderhead/services/JobAPIWebWrapped
SOAP_ENV=(BODY_FILE="$W/request.xml" CONTENT_TYPE="text/xml; charset=utf-8" SOAP_ACTION='"urn:submitBatch"')
JSON_ENV=(BODY_FILE="$W/request.json" CONTENT_TYPE="application/json" SOAP_ACTION="")
measure "${SOAP_ENV[@]}" >/dev/null  # warm-up
read -r a_rps a_p99 a_bad < <(measure "${SOAP_ENV[@]}")
URL=http://127.0.0.1:18082/thunderhead/v1/batches
measure "${JSON_ENV[@]}" >/dev/null
read -r b_rps b_p99 b_bad < <(measure "${JSON_ENV[@]}")

echo
echo "SOAP bridge — wrk -t1 -c$CONNECTIONS ${DURATION}s; emulator on core 0, bridge + wrk on core 1"
echo "request: $(wc -c <"$W/request.json") B JSON / $(wc -c <"$W/request.xml") B SOAP"
printf "%-52s %10s %9s %8s\n" "case" "req/s" "p99 ms" "× (a)"
awk -v r="$a_rps" -v p="$a_p99" -v bad="$a_bad" 'BEGIN { printf "%-52s %10.0f %9s %7.2f× %s\n", "(a) emulator, SOAP submitBatch, direct", r, p, 1, (bad > 0 ? "(" bad " non-2xx!)" : "") }'
awk -v r="$b_rps" -v p="$b_p99" -v a="$a_rps" -v bad="$b_bad" 'BEGIN { printf "%-52s %10.0f %9s %7.2f× %s\n", "(b) through oms soap-bridge, JSON", r, p, r / a, (bad > 0 ? "(" bad " non-2xx!)" : "") }'
