import NIOCore
import NIOHTTP1

/// Answers every request 200 with an allow of the usual size, deciding nothing: the last
/// handler of `AuthRole.benchmarkCeiling`, so the benchmark sees what the server, its
/// pipeline and the kernel cost before any decision.
final class CeilingHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    /// Told of each request's end, as `AuthHTTPHandler` tells it (the request deadline).
    private let timers: ConnectionTimersHandler

    init(timers: ConnectionTimersHandler) {
        self.timers = timers
    }

    static let answer = Array("""
        HTTP/1.1 200 OK\r
        Content-Length: 0\r
        X-Auth-Subject: alice\r
        X-Auth-Domain: retail\r
        X-Auth-Scope: documents.read\r
        X-Auth-Client: bench\r
        \r

        """.utf8)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        timers.requestEnded()
        var buffer = context.channel.allocator.buffer(capacity: Self.answer.count)
        buffer.writeBytes(Self.answer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
}
