import ServiceContextModule
import Synchronization
import Tracing

/// An async HTTP client on libcurl's multi interface.
///
/// Each client owns one OS thread that drives all of its transfers, and one connection
/// cache, so create one client per process (or per distinct configuration) and share it.
/// Call `shutdown()` when done; a client dropped without it still stops its thread, but
/// nobody waits for that.
public final class CurlClient: Sendable {
    public struct Configuration: Sendable {
        /// CURLMOPT_MAX_HOST_CONNECTIONS; requests beyond it wait for a free connection. 0 = unlimited.
        public var maxConnectionsPerHost: Int
        /// CURLMOPT_MAX_TOTAL_CONNECTIONS. 0 = unlimited.
        public var maxTotalConnections: Int
        /// CURLMOPT_MAXCONNECTS: idle keep-alive connections kept for reuse.
        public var maxCachedConnections: Int
        /// CURLOPT_PROXY, e.g. "http://proxy:3128". `nil` means no proxy at all: the
        /// http_proxy/https_proxy/all_proxy environment variables are ignored.
        public var proxy: String?

        public init(
            maxConnectionsPerHost: Int = 0,
            maxTotalConnections: Int = 0,
            maxCachedConnections: Int = 64,
            proxy: String? = nil
        ) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxTotalConnections = maxTotalConnections
            self.maxCachedConnections = maxCachedConnections
            self.proxy = proxy
        }
    }

    private let loop: CurlEventLoop
    private let thread: CurlThread
    /// Whether the thread has been joined or detached; exactly one of the two may happen.
    private let threadReleased = Mutex(false)

    public init(configuration: Configuration = .init()) {
        let loop = CurlEventLoop(configuration: configuration)
        self.loop = loop
        self.thread = CurlThread.start(name: "curl-loop") {
            CurlLoopRunner(loop: loop).run()
        }
    }

    deinit {
        // No in-flight execute() can exist here (each one retains the client). If shutdown()
        // never ran, stop the loop anyway; it cleans up on its own thread, so detach it.
        if self.claimThread() {
            self.loop.requestShutdown()
            self.thread.detach()
        }
    }

    /// Performs one request. Any HTTP status is a response; only transport-level failures,
    /// cancellation of the calling task and shutdown throw.
    ///
    /// A traced request is a client span in the calling task's trace, and carries it on as
    /// `traceparent` (W3C Trace Context); with no tracer bootstrapped both cost nothing.
    public func execute(_ request: CurlRequest) async throws(CurlError) -> CurlResponse {
        guard request.traced, TraceFields.isOn else { return try await transfer(request) }
        let span = TraceFields.tracer.startSpan(request.method, context: ServiceContext.current ?? .topLevel, ofKind: .client)
        defer { span.end() }
        var request = request
        request.headers += TraceFields.of(span.context)
        span.attributes["http.request.method"] = request.method
        // Never the query: an OIDM GET carries the token there.
        span.attributes["url.full"] = String(request.url.prefix { $0 != "?" })
        do {
            let response = try await transfer(request)
            span.attributes["http.response.status_code"] = response.status
            if response.status >= 500 { span.setStatus(SpanStatus(code: .error)) }
            return response
        } catch {
            span.attributes["error.type"] = "\(error.code)"
            span.setStatus(SpanStatus(code: .error, message: error.message))
            throw error
        }
    }

    private func transfer(_ request: CurlRequest) async throws(CurlError) -> CurlResponse {
        try request.validate()
        let loop = self.loop
        let id = loop.makeID()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<CurlResponse, CurlError>, Never>) in
                loop.submit(CurlPendingRequest(id: id, request: request, continuation: continuation))
            }
        } onCancel: {
            loop.cancel(id: id)
        }
        return try result.get()
    }

    /// Fails in-flight and later requests with `.shutdown`, closes all connections and joins
    /// the loop thread. Idempotent; concurrent callers all return once the thread is gone.
    public func shutdown() async {
        self.loop.requestShutdown()
        // Suspends rather than blocking in pthread_join: the loop signals once libcurl has
        // been released, after which the thread only has to return.
        await self.loop.waitUntilFinished()
        if self.claimThread() {
            self.thread.join()
        }
    }

    private func claimThread() -> Bool {
        self.threadReleased.withLock { released in
            defer { released = true }
            return !released
        }
    }
}
