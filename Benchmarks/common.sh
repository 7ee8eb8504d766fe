# Shared by the benchmark scripts (sourced, not run): installs the load tools, builds `oms`
# optimised, makes a work folder that is removed on exit with every process in `pids`,
# and parses wrk's output.

scripts/install-deps.sh --bench
swift build -c release --product oms >/dev/null
OMS="$(swift build -c release --show-bin-path)/oms"

W="$(mktemp -d "/tmp/oms-bench.XXXXXX")"
pids=()
cleanup() {
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
