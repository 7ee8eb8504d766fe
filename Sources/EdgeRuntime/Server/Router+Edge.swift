import Hummingbird

extension Router where Context == EdgeRequestContext {
    /// The pipeline every Hummingbird role serves through, in this order: a server span per
    /// request (continuing the caller's `traceparent`; nothing when tracing is off), the request id (in
    /// the context, every log line and the answer), request metrics, JSON errors
    /// (`ErrorMiddleware`), then `/healthz`, `/readyz` and `/metrics`. The role adds its routes
    /// after, each behind its access check.
    public static func edge(metrics: MetricsRegistry, readiness: @escaping @Sendable () async -> Readiness) -> Router<EdgeRequestContext> {
        let router = Router(context: EdgeRequestContext.self)
        // First, so that every later log line of the request carries its trace and span ids.
        router.add(middleware: RequestSpanMiddleware())
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        router.addOperationalRoutes(metrics: metrics, readiness: readiness)
        return router
    }
}
