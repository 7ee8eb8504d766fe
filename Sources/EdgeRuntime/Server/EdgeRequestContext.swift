import Hummingbird

/// The request context of every Hummingbird role: Hummingbird's core storage plus the
/// request id, which `RequestIDMiddleware` sets before any handler runs.
public struct EdgeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Accepted from `X-Request-Id` or generated; empty only before the middleware ran.
    public var requestID: String = ""
    /// Set by the access check of the route, when it has one.
    public var caller: Caller?

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}
