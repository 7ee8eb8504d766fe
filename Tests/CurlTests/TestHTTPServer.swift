import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 (ephemeral port) for exercising the client.
///
/// Routes:
/// - `/echo`: 200; body = request body; `x-echo-method`, `x-echo-uri` and one
///   `x-echo-h-<lowercased name>` per request header
/// - `/hello`: 200 "hello world" with `x-server: test`
/// - `/id/N`: 200 with body "N"
/// - `/status/N`: status N (3xx carry `location: /echo`)
/// - `/delay/MS`: 200 "delayed" after MS milliseconds
/// - `/big/N`: N bytes with Content-Length; `/chunked/N`: N bytes, chunked, no length
/// - `/interim`: a 103 Early Hints (`link` header) followed by a 200 with `x-final: yes`
final class TestHTTPServer: Sendable {
    let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let acceptedConnections: ConnectionCounter

    /// TCP connections accepted so far.
    var connectionCount: Int { self.acceptedConnections.value }

    private init(port: Int, group: MultiThreadedEventLoopGroup, channel: any Channel, counter: ConnectionCounter) {
        self.port = port
        self.group = group
        self.channel = channel
        self.acceptedConnections = counter
    }

    func url(_ path: String) -> String {
        "http://127.0.0.1:\(self.port)\(path)"
    }

    static func start() async throws -> TestHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let counter = ConnectionCounter()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionCountingHandler(counter: counter))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(TestRouteHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return TestHTTPServer(port: channel.localAddress!.port!, group: group, channel: channel, counter: counter)
    }

    func stop() async throws {
        try await self.channel.close()
        try await self.group.shutdownGracefully()
    }

    /// A port on 127.0.0.1 that nothing listens on: bound once, then released.
    static func unusedPort() async throws -> Int {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        try await group.shutdownGracefully()
        return port
    }
}

/// Runs `body` against a fresh server and always stops the server afterwards.
func withTestServer<T>(_ body: (TestHTTPServer) async throws -> T) async throws -> T {
    let server = try await TestHTTPServer.start()
    do {
        let result = try await body(server)
        try await server.stop()
        return result
    } catch {
        try? await server.stop()
        throw error
    }
}

final class ConnectionCounter: Sendable {
    private let count = Mutex(0)

    var value: Int { self.count.withLock { $0 } }

    func increment() {
        self.count.withLock { $0 += 1 }
    }
}

/// First handler of every accepted connection: counts it once it is active.
private final class ConnectionCountingHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny
    private let counter: ConnectionCounter

    init(counter: ConnectionCounter) {
        self.counter = counter
    }

    func channelActive(context: ChannelHandlerContext) {
        self.counter.increment()
        context.fireChannelActive()
    }
}

private final class TestRouteHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body.clear()
        case .body(var chunk):
            self.body.writeBuffer(&chunk)
        case .end:
            guard let head = self.head else { return }
            self.route(head, context: context)
        }
    }

    private func route(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        // Proxied requests arrive in absolute form ("http://host/path").
        var path = Substring(head.uri)
        if let scheme = path.firstRange(of: "://") {
            path = path[scheme.upperBound...].drop { $0 != "/" }
        }
        path = path.prefix { $0 != "?" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        let argument = parts.count > 1 ? Int(parts[1]) : nil

        switch (parts.first ?? "", argument) {
        case ("echo", _):
            var headers: HTTPHeaders = ["x-echo-method": head.method.rawValue, "x-echo-uri": head.uri]
            for (name, value) in head.headers {
                headers.add(name: "x-echo-h-\(name.lowercased())", value: value)
            }
            self.respond(context, head, .ok, headers: headers, body: self.body)
        case ("hello", _):
            self.respond(context, head, .ok, headers: ["x-server": "test"], body: ByteBuffer(string: "hello world"))
        case ("id", let id?):
            self.respond(context, head, .ok, body: ByteBuffer(string: "\(id)"))
        case ("status", let code?):
            let status = HTTPResponseStatus(statusCode: code)
            let headers: HTTPHeaders = (300..<400).contains(code) ? ["location": "/echo"] : [:]
            let hasBody = code != 204 && code != 304
            self.respond(context, head, status, headers: headers, body: ByteBuffer(string: hasBody ? "status \(code)" : ""))
        case ("delay", let milliseconds?):
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(milliseconds))) {
                guard context.channel.isActive else { return }
                self.respond(context, head, .ok, body: ByteBuffer(string: "delayed"))
            }
        case ("big", let size?):
            self.respond(context, head, .ok, body: Self.pattern(size))
        case ("chunked", let size?):
            self.respondChunked(context, head, body: Self.pattern(size))
        case ("interim", _):
            let hints = HTTPResponseHead(version: head.version, status: .custom(code: 103, reasonPhrase: "Early Hints"), headers: ["link": "</style.css>; rel=preload"])
            context.write(self.wrapOutboundOut(.head(hints)), promise: nil)
            self.respond(context, head, .ok, headers: ["x-final": "yes"], body: ByteBuffer(string: "final"))
        default:
            self.respond(context, head, .notFound, body: ByteBuffer(string: "no route"))
        }
    }

    /// Byte i is `i % 251`, so truncation or reordering shows up in comparisons.
    static func pattern(_ size: Int) -> ByteBuffer {
        ByteBuffer(bytes: (0..<size).map { UInt8($0 % 251) })
    }

    private func respond(
        _ context: ChannelHandlerContext,
        _ request: HTTPRequestHead,
        _ status: HTTPResponseStatus,
        headers: HTTPHeaders = [:],
        body: ByteBuffer
    ) {
        var headers = headers
        if status != .noContent, status != .notModified {
            headers.add(name: "content-length", value: "\(body.readableBytes)")
        }
        context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD, body.readableBytes > 0 {
            context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// No Content-Length: NIO then frames the body with chunked transfer-encoding, so the
    /// client cannot know the size up front.
    private func respondChunked(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, body: ByteBuffer) {
        context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: .ok))), promise: nil)
        var body = body
        while let chunk = body.readSlice(length: min(16_384, body.readableBytes)), chunk.readableBytes > 0 {
            context.write(self.wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
        }
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
    }
}
