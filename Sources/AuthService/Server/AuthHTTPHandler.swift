import EdgeRuntime
import NIOCore
import NIOHTTP1

/// The whole HTTP surface of `oms auth` on one connection: `/auth` plus the operational
/// endpoints. No router or middleware chain: this is the hottest path of the gateway.
/// Requests on one connection are answered in order (a pipelined request waits its turn).
final class AuthHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    private let endpoints: AuthEndpoints
    private var head: HTTPRequestHead?
    private var waiting: [HTTPRequestHead] = []
    private var busy = false
    private var quiescing = false

    init(endpoints: AuthEndpoints) {
        self.endpoints = endpoints
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body:
            break  // auth subrequests carry no body; anything sent is ignored
        case .end:
            guard let requestHead = head else { return }
            head = nil
            if busy {
                waiting.append(requestHead)
            } else {
                handle(requestHead, context: context)
            }
        }
    }

    private func handle(_ requestHead: HTTPRequestHead, context: ChannelHandlerContext) {
        busy = true
        let close = !requestHead.isKeepAlive || quiescing
        let path = requestHead.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard requestHead.method == .GET || requestHead.method == .HEAD || path == "/auth" else {
            respond(ResponseBytes.plain(status: 405, reason: "Method Not Allowed", contentType: "application/json", body: Array("{\"error\":\"method not allowed\"}".utf8), close: close), close: close, context: context)
            return
        }
        switch path {
        case "/auth":
            let request = AuthRequest(
                authorization: requestHead.headers["Authorization"],
                // nginx-conf sends X-Original-URI; ingress-nginx's auth-url sends X-Original-URL.
                originalURI: requestHead.headers.first(name: "X-Original-URI") ?? AuthRequest.target(ofURL: requestHead.headers.first(name: "X-Original-URL")),
                originalMethod: requestHead.headers.first(name: "X-Original-Method"),
                requestID: RequestID.accept(requestHead.headers.first(name: "X-Request-Id"))
            )
            switch endpoints.decider.decide(request, on: context.eventLoop) {
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
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
            waiting.removeAll()
            return
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        if !waiting.isEmpty {
            handle(waiting.removeFirst(), context: context)
        } else if quiescing && head == nil {
            // Shutdown arrived while this request was in hand: now the connection is idle.
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, !busy {
            // Nothing arrived for server.idle_timeout_s and nothing is being answered.
            context.close(promise: nil)
            return
        }
        if event is ChannelShouldQuiesceEvent {
            // Graceful shutdown: finish the request in hand, then close.
            quiescing = true
            if !busy && head == nil { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Unparseable input (a 100 KB header, garbage) is still only ever a 401.
        if let parserError = error as? HTTPParserError, !busy {
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
    let metrics: MetricsRegistry
    let readiness: @Sendable () async -> Readiness
}
