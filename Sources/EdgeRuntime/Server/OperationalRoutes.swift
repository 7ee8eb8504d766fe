import Hummingbird

/// `/healthz`, `/readyz` and `/metrics` for a Hummingbird role.
extension Router {
    public func addOperationalRoutes(metrics: MetricsRegistry, readiness: @escaping @Sendable () async -> Readiness) {
        get("/healthz") { _, _ in
            Response.json(.ok, "{\"status\":\"ok\"}")
        }
        get("/readyz") { _, _ in
            let state = await readiness()
            return Response.json(state.ready ? .ok : .serviceUnavailable, state.json)
        }
        get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render()))
            )
        }
    }
}
