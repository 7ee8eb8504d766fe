import EdgeRuntime
import NIOCore
import NIOHTTP1

/// The whole HTTP surface of `oms auth` on one connection: `/auth` plus the operational
/// endpoints. No router or middleware chain: this is the hottest path of the gateway.
/// Requests on one connection are answered in order (a pipelined request waits its turn).
///
/// A client that sends requests without reading the answers gets backpressure: no answer is
/// made while the socket cannot take it, and the connection is not read while answers wait.
/// What one connection holds is then what one read cycle brought (`AuthHTTPServer` bounds
/// it), however fast the client writes; a paused client costs no CPU, and is closed by the
/// idle timer once nothing has been read from it for that long.
final class AuthHTTPHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Requests waiting for their turn at which the connection is no longer read.
    static let readPauseAt = 8

    private let endpoints: AuthEndpoints
    private let timers: ConnectionTimersHandler
    private var head: HTTPRequestHead?
    private var waiting = CircularBuffer<HTTPRequestHead>(initialCapacity: 4)
    private var busy = false
    private var draining = false
    private var readHeld = false
    private var quiescing = false
    private var closing = false

    init(endpoints: AuthEndpoints, timers: ConnectionTimersHandler) {
        self.endpoints = endpoints
        self.timers = timers
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body:
            break  // auth subrequests carry no body; anything sent is ignored
        case .end:
            timers.requestEnded()
            guard let requestHead = head, !closing else { return }
            head = nil
            // The usual case (nginx sends one request at a time on a connection): nothing
            // waits, nothing is in hand, the socket takes more, so answer at once. Otherwise
            // the request joins the queue, answered in order as the socket drains.
            if waiting.isEmpty, !busy, !draining, context.channel.isWritable {
                handle(requestHead, context: context)
            } else {
                waiting.append(requestHead)
                drain(context: context)
            }
        }
    }

    func read(context: ChannelHandlerContext) {
        if mustHoldReads(context: context) {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drain(context: context) }
        context.fireChannelWritabilityChanged()
    }

    private func mustHoldReads(context: ChannelHandlerContext) -> Bool {
        waiting.count >= Self.readPauseAt || !context.channel.isWritable
    }

    /// Answers waiting requests in order while nothing is in hand and the socket takes more;
    /// then reads again if reading was held. Called again when an answer completes or the
    /// socket drains, never recursively.
    private func drain(context: ChannelHandlerContext) {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while !busy, !closing, context.channel.isWritable, let next = waiting.popFirst() {
            handle(next, context: context)
        }
        if quiescing && !busy && !closing && waiting.isEmpty && head == nil {
            // Shutdown arrived while requests were in hand: now the connection is idle.
            closing = true
            context.close(promise: nil)
            return
        }
        if readHeld && !closing && !mustHoldReads(context: context) {
            readHeld = false
            context.read()
        }
    }

    private func handle(_ requestHead: HTTPRequestHead, context: ChannelHandlerContext) {
        busy = true
        let close = !requestHead.isKeepAlive || quiescing
        // The path without the query, found in the bytes (a search by Character would walk
        // grapheme clusters).
        let uri = requestHead.uri
        let path = uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { uri[..<$0] } ?? uri[...]
        guard requestHead.method == .GET || requestHead.method == .HEAD || path == "/auth" else {
            respond(ResponseBytes.plain(status: 405, reason: "Method Not Allowed", contentType: "application/json", body: Array("{\"error\":\"method not allowed\"}".utf8), close: close), close: close, context: context)
            return
        }
        switch path {
        case "/auth":
            let request = AuthRequest(headers: requestHead.headers, pathHeader: endpoints.pathHeader)
            switch endpoints.decider.decide(request, on: context.eventLoop, span: ProcessTracing.isOn ? DecisionSpan(request) : nil) {
            case .now(let decision):
                respond(ResponseBytes.bytes(for: decision, close: close), close: close, context: context)
            case .later(let future):
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                future.whenComplete { result in
                    let (handler, context) = bound.value
                    // A failure here is a bug, and the only safe answer is still a denial.
                    let decision = (try? result.get()) ?? .deny(.oidmUnavailable)
                    handler.respond(ResponseBytes.bytes(for: decision, close: close), close: close, context: context)
                }
            }
        case "/oauth2/start", "/oauth2/callback", "/oauth2/sign_out":
            guard let browser = endpoints.decider.browser else {
                respond(ResponseBytes.plain(status: 404, reason: "Not Found", contentType: "application/json", body: Array("{\"error\":\"browser sign-in is not configured\"}".utf8), close: close), close: close, context: context)
                return
            }
            let query = uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { uri[uri.index(after: $0)...] } ?? ""
            switch path {
            case "/oauth2/start":
                respond(ResponseBytes.answer(browser.start(query: query), close: close), close: close, context: context)
            case "/oauth2/sign_out":
                respond(ResponseBytes.answer(browser.signOut(), close: close), close: close, context: context)
            default:
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let cookie = requestHead.headers["Cookie"].joined(separator: "; ")
                let requestID = RequestID.accept(requestHead.headers.first(name: "X-Request-Id"))
                context.eventLoop.makeFutureWithTask {
                    await browser.callback(query: query, cookieHeader: cookie.isEmpty ? nil : cookie, requestID: requestID)
                }.whenSuccess { answer in
                    let (handler, context) = bound.value
                    handler.respond(ResponseBytes.answer(answer, close: close), close: close, context: context)
                }
            }
        case "/healthz":
            respond(ResponseBytes.plain(status: 200, reason: "OK", contentType: "application/json", body: Array("{\"status\":\"ok\"}".utf8), close: close), close: close, context: context)
        case "/metrics":
            respond(ResponseBytes.plain(status: 200, reason: "OK", contentType: "text/plain; version=0.0.4", body: endpoints.metrics.render(), close: close), close: close, context: context)
        case "/readyz":
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let readiness = endpoints.readiness
            context.eventLoop.makeFutureWithTask { await readiness() }.whenSuccess { state in
                let (handler, context) = bound.value
                let status = state.ready ? 200 : 503
                handler.respond(ResponseBytes.plain(status: status, reason: state.ready ? "OK" : "Service Unavailable", contentType: "application/json", body: Array(state.json.utf8), close: close), close: close, context: context)
            }
        default:
            respond(ResponseBytes.plain(status: 404, reason: "Not Found", contentType: "application/json", body: Array("{\"error\":\"not found\"}".utf8), close: close), close: close, context: context)
        }
    }

    private func respond(_ bytes: [UInt8], close: Bool, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        busy = false
        if close {
            closing = true
            waiting.removeAll()
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        drain(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, !busy {
            // Nothing arrived for server.idle_timeout_s and nothing is being answered.
            context.close(promise: nil)
            return
        }
        if event is ChannelShouldQuiesceEvent {
            // Graceful shutdown: finish the requests in hand, then close.
            quiescing = true
            if !busy && waiting.isEmpty && head == nil { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Unparseable input (a 100 KB header, garbage) is still only ever a 401.
        // Only when nothing earlier waits, or the 401 would answer an earlier request.
        if let parserError = error as? HTTPParserError, !busy, !closing, waiting.isEmpty {
            endpoints.decider.recordUnparseable(String(describing: parserError))
            respond(ResponseBytes.deny(.malformed, scopes: [], close: true), close: true, context: context)
            return
        }
        context.close(promise: nil)
    }
}

/// What the handler serves; shared by every connection.
struct AuthEndpoints: Sendable {
    let decider: AuthDecider
    let pathHeader: PathHeader
    let connections: ConnectionMetrics
    let metrics: MetricsRegistry
    let readiness: @Sendable () async -> Readiness
}
