#!/usr/bin/env bash
# Throughput of the SOAP bridge for a ~2 KB JSON request and a ~4 KB SOAP response (an
# executePreview whose PDF shows the transaction data), in one run, as ratios to baselines:
#   (a) the Thunderhead emulator called directly with the SOAP request
#   (b) the same operation through `oms soap-bridge` with the equivalent JSON
#   (c) nginx answering the same SOAP response (a static file), called directly
#   (d) `oms soap-bridge` in front of (c): the bridge's own ceiling, when the upstream is
#       never the limit
# The upstream (emulator or nginx, one worker) runs on core 0, the bridge and wrk on core 1.
# Usage: Benchmarks/bridge-bench.sh  (DURATION=10 CONNECTIONS=32)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"

source Benchmarks/common.sh

# A ~2 KB request: transaction data of 30 customer records, one per line.
python3 - "$W" <<'PY'
import base64, json, sys
folder = sys.argv[1]
records = [{"customer": i, "name": "Customer %d" % i, "amount": "12.%02d" % i} for i in range(30)]
data = "\n".join(json.dumps(r, separators=(",", ":")) for r in records)
body = {"batchConfigResID": 7001, "batchName": "bench", "projectID": 12, "jobType": "PREVIEW", "priority": 5,
        "transactionData": data, "properties": {"correlationId": "bench-1"}}
open(f"{folder}/request.json", "w").write(json.dumps(body, separators=(",", ":")))
encoded = base64.b64encode(data.encode()).decode()
soap = ('<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>'
        '<tns:executePreview xmlns:tns="http://jobapi.ws.thunderhead.com/"><request><batchConfigResID>7001</batchConfigResID>'
        '<batchName>bench</batchName><projectID>12</projectID><jobType>PREVIEW</jobType><priority>5</priority>'
        f'<transactionData>{encoded}</transactionData><properties><name>correlationId</name><value>bench-1</value></properties>'
        '</request></tns:executePreview></env:Body></env:Envelope>')
open(f"{folder}/request.xml", "w").write(soap)
PY
for port in 18082 18083; do
    upstream=$([ "$port" = 18082 ] && echo 19002 || echo 19003)
    cat > "$W/bridge-$port.yaml" <<YAML
server: {host: 127.0.0.1, port: $port}
policies: $PWD/sidecars
access: {mode: none}
services: {thunderhead: {url: "http://127.0.0.1:$upstream/thunderhead/services/JobAPIWebWrapped"}}
log: {level: warning}
YAML
done

taskset -c 0 "$OMS" emulate thunderhead --port 19002 --wsdl sidecars/thunderhead/JobAPIWebWrapped.wsdl >"$W/logs/emulator.log" 2>&1 &
pids+=($!)
wait_port 19002
SOAP_URL=http://127.0.0.1:19002/thunderhead/services/JobAPIWebWrapped
# The emulator's own answer to the request is what nginx will serve.
curl -sf "$SOAP_URL" -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: "urn:executePreview"' \
    --data-binary @"$W/request.xml" -o "$W/response.xml"
# nginx serves it as a static file: a POST to a file is refused (405), and error_page turns
# that into an internal GET of the same file with status 200.
mkdir -p "$W/html" && chmod 755 "$W" "$W/html" && cp "$W/response.xml" "$W/html/" && chmod 644 "$W/html/response.xml"
nginx_conf <<CONF
    client_body_buffer_size 16k;
    server {
        listen 127.0.0.1:19003;
        root $W/html;
        default_type "text/xml; charset=utf-8";
        error_page 405 =200 /response.xml;
        location / { try_files /response.xml =404; }
    }
CONF
start_nginx
taskset -c 1 "$OMS" soap-bridge --config "$W/bridge-18082.yaml" >"$W/logs/bridge-emulator.log" 2>&1 &
pids+=($!)
taskset -c 1 "$OMS" soap-bridge --config "$W/bridge-18083.yaml" >"$W/logs/bridge-nginx.log" 2>&1 &
pids+=($!)
wait_port 19003; wait_port 18082; wait_port 18083

# Both paths must answer the preview before anything is measured.
for port in 18082 18083; do
    curl -sf "http://127.0.0.1:$port/thunderhead/v1/previews" -H 'Content-Type: application/json' \
        --data-binary @"$W/request.json" | python3 -c 'import json, sys; assert json.load(sys.stdin)["documents"][0]["format"] == "application/pdf"'
done

# Prints "requests/s p99_ms non2xx" for one wrk run (after a short warm-up).
measure() {
    local url="$1"; shift
    env "$@" taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s -s Benchmarks/post-body.lua "$url" >/dev/null 2>&1
    env "$@" taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s Benchmarks/post-body.lua "$url" 2>&1 \
        | tee -a "$W/logs/wrk.log" | wrk_figures
}
SOAP_ENV=(BODY_FILE="$W/request.xml" CONTENT_TYPE="text/xml; charset=utf-8" SOAP_ACTION='"urn:executePreview"')
JSON_ENV=(BODY_FILE="$W/request.json" CONTENT_TYPE="application/json" SOAP_ACTION="")
read -r a_rps a_p99 a_bad < <(measure "$SOAP_URL" "${SOAP_ENV[@]}")
read -r b_rps b_p99 b_bad < <(measure http://127.0.0.1:18082/thunderhead/v1/previews "${JSON_ENV[@]}")
read -r c_rps c_p99 c_bad < <(measure http://127.0.0.1:19003/thunderhead/services/JobAPIWebWrapped "${SOAP_ENV[@]}")
read -r d_rps d_p99 d_bad < <(measure http://127.0.0.1:18083/thunderhead/v1/previews "${JSON_ENV[@]}")

row() { awk -v n="$1" -v r="$2" -v p="$3" -v base="$4" -v bad="$5" 'BEGIN { printf "%-52s %10.0f %9s %7.2f× %s\n", n, r, p, r / base, (bad > 0 ? "(" bad " non-2xx!)" : "") }'; }
echo
echo "SOAP bridge — wrk -t1 -c$CONNECTIONS ${DURATION}s; upstream on core 0, bridge + wrk on core 1"
echo "request: $(wc -c <"$W/request.json") B JSON / $(wc -c <"$W/request.xml") B SOAP; response: $(wc -c <"$W/response.xml") B SOAP"
printf "%-52s %10s %9s %8s\n" "case" "req/s" "p99 ms" "ratio"
row "(a) emulator, SOAP executePreview, direct" "$a_rps" "$a_p99" "$a_rps" "$a_bad"
row "(b) through oms soap-bridge to (a), JSON  [× (a)]" "$b_rps" "$b_p99" "$a_rps" "$b_bad"
row "(c) nginx, the same SOAP response from a file, direct" "$c_rps" "$c_p99" "$c_rps" "$c_bad"
row "(d) through oms soap-bridge to (c), JSON  [× (c)]" "$d_rps" "$d_p99" "$c_rps" "$d_bad"
