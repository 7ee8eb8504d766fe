import Hummingbird

extension Router where Context == EdgeRequestContext {
    /// The pipeline every Hummingbird role serves through, in this order: the request id (in
    /// the context, every log line and the answer), request metrics, JSON errors
    /// (`ErrorMiddleware`), then `/healthz`, `/readyz` and `/metrics`. The role adds its routes
    /// after, each behind its access check.
    public static func edge(metrics: MetricsRegistry, readiness: @escaping @Sendable () async -> Readiness) -> Router<EdgeRequestContext> {
        let router = Router(context: EdgeRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        router.addOperationalRoutes(metrics: metrics, readiness: readiness)
        return router
    }
}
