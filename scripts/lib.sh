# Shell helpers shared by scripts/run.sh and the benchmarks (sourced, not run).

# Waits until something accepts connections on 127.0.0.1:$1 (10 s at most).
wait_port() {
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "error: nothing listens on port $1" >&2
    exit 1
}
