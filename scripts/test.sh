#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit and integration: the tests
# start their own nginx, Redis, PostgreSQL, Kafka broker, emulators and roles on loopback ports).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# Helm, for the chart's tests (helm lint and helm template; no cluster).
scripts/install-helm.sh
export OMS_HELM="${OMS_HELM:-$PWD/.tools/helm/helm}"
export OMS_NGINX="${OMS_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
# The Kafka tests' broker, and the librdkafka that talks to it (see install-kafka-tools.sh).
export OMS_TANSU="${OMS_TANSU:-$PWD/.tools/kafka/tansu}"
export LD_LIBRARY_PATH="$PWD/.tools/kafka/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

swift build --build-tests
swift test --skip-build "$@"
