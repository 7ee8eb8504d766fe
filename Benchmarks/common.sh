# Shared by the benchmark scripts (sourced, not run): installs the load tools, builds `oms`
# optimised, makes a work folder that is removed on exit with every process in `pids`,
# parses wrk's output, and writes and starts the nginx they measure against.

scripts/install-deps.sh --bench
swift build -c release --product oms >/dev/null
OMS="$(swift build -c release --show-bin-path)/oms"

W="$(mktemp -d "/tmp/oms-bench.XXXXXX")"
pids=()
cleanup() {
    # A script's own clean-up first (servers that are not children, like PostgreSQL).
    if [ "$(type -t bench_cleanup)" = function ]; then bench_cleanup; fi
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

source scripts/lib.sh

# Reads wrk --latency output on stdin; prints "requests/s p99_ms non2xx".
wrk_figures() {
    awk '
        /^Requests\/sec:/ { rps = $2 }
        $1 == "99%" { v = $2
            if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 }
            else if (v ~ /ms$/) { sub(/ms$/, "", v) }
            else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 }
            p99 = v }
        /Non-2xx or 3xx responses:/ { bad = $5 }
        END { printf "%s %s %s\n", rps, (p99 == "" ? "?" : p99), (bad == "" ? 0 : bad) }'
}

NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
mkdir -p "$W/nginx/tmp" "$W/logs"

# Writes $W/nginx/nginx.conf: one worker, no access log, temp paths inside $W, and the
# server blocks read from stdin inside `http { }`.
nginx_conf() {
    {
        cat <<CONF
worker_processes 1;
error_log $W/logs/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
CONF
        cat
        echo "}"
    } > "$W/nginx/nginx.conf"
}

# Starts nginx with that file, pinned to core 0.
start_nginx() {
    taskset -c 0 "$NGINX" -p "$W/nginx" -c "$W/nginx/nginx.conf" -g "daemon off; pid $W/nginx/nginx.pid;" >"$W/logs/nginx.log" 2>&1 &
    pids+=($!)
}

# Starts PostgreSQL on port $1 in $W/pg (as the postgres user when run as root: initdb refuses
# root), creates the database "oms", and stops it on exit.
start_postgres() {
    local port="$1"
    PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    AS_PG=()
    mkdir -p "$W/pg"
    if [ "$(id -u)" = 0 ]; then
        AS_PG=(runuser -u postgres --)
        chmod 755 "$W"
        chown postgres "$W/pg"
    fi
    "${AS_PG[@]}" "$PGBIN/initdb" -D "$W/pg/data" -U postgres --auth=trust -E UTF8 >"$W/logs/initdb.log" 2>&1
    "${AS_PG[@]}" taskset -c 1 "$PGBIN/pg_ctl" -D "$W/pg/data" -l "$W/pg/postgres.log" -w \
        -o "-p $port -k $W/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    bench_cleanup() { "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$W/pg/data" -m fast stop >/dev/null 2>&1 || true; }
    "${AS_PG[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres oms
}

# The bench issuer (https://idp.bench, ES256, kid "bench") for tokens with scope "$1": keys in
# $W/keys, one valid token in $TOKEN, $NEW_TOKENS more in $W/tokens.txt (one per line, for
# new-tokens.lua), and $W/oidm.yaml for the OIDM emulator on :19001.
issuer_setup() {
    "$OMS" keys generate --alg ES256 --kid bench --out "$W/keys" >/dev/null
    local claims='{"iss":"https://idp.bench","aud":"oms","sub":"alice","domain":"retail","scope":"'"$1"'","client_id":"bench"}'
    TOKEN=$("$OMS" token mint --key "$W/keys/private.pem" --kid bench --alg ES256 --ttl 3600 --claims "$claims")
    "$OMS" token mint --key "$W/keys/private.pem" --kid bench --alg ES256 --ttl 3600 --claims "$claims" --count "$NEW_TOKENS" > "$W/tokens.txt"
    cat > "$W/oidm.yaml" <<YAML
server: {host: 127.0.0.1, port: 19001}
jwks: {file: $W/keys/jwks.json}
log: {level: warning}
YAML
}

# The shipped nginx-conf/ copied into folder $1 with the deployment's files written there:
# the public listener on port $2, oms auth on 18081, the backend and every other role on port
# $3, the demo backend empty. The throttling rates are raised: the benchmarks send thousands of
# requests a second from one client, which the shipped limits would (rightly) refuse. Its
# workers run as `nobody` and buffer under tmp/: the folders must be reachable.
shipped_gateway() {
    local folder="$1" port="$2" others="$3"
    mkdir -p "$folder/tmp"
    chmod 755 "$W" "$folder"
    cp nginx-conf/*.conf "$folder/"
    echo "listen 127.0.0.1:$port;" > "$folder/listen.conf"
    cat > "$folder/upstreams.conf" <<CONF
upstream oms_auth { server 127.0.0.1:18081; keepalive 64; }
upstream oms_backend { server 127.0.0.1:$others; keepalive 64; }
upstream oms_soap_bridge { server 127.0.0.1:$others; }
upstream oms_refdata { server 127.0.0.1:$others; }
upstream oms_core { server 127.0.0.1:$others; }
CONF
    : > "$folder/demo-backend.conf"
    sed -i -E 's/rate=[0-9]+r\/s/rate=1000000r\/s/' "$folder/oms-limits.conf"
}
