#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit and integration: the tests
# start their own nginx, OIDM emulator and `oms auth` on loopback ports).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
export OMS_NGINX="${OMS_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"

swift build --build-tests
swift test --skip-build "$@"
