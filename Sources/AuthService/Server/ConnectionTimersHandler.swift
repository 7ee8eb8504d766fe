import NIOCore

/// The timers of one connection, in one handler before the HTTP decoder, where the bytes
/// arrive:
/// - **idle**: nothing read for `idle` fires `IdleStateHandler.IdleStateEvent.read` (the
///   handler after decides, as it knows whether an answer is in hand), again each `idle`;
/// - **request**: a request (head, and a body if one is sent) not whole within `request` of its
///   first byte closes the connection. The idle timer alone is reset by every byte, so a
///   client trickling one header line at a time could hold a connection for ever; idle
///   keep-alive connections are not touched. `AuthHTTPHandler` reports each request's end.
///
/// One scheduled task per connection, set to the nearer deadline: brought forward when a
/// request starts while it waits for the idle deadline, which a stream of whole requests
/// makes happen about once per `request` period, not once per request.
final class ConnectionTimersHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let idle: TimeAmount
    private let request: TimeAmount
    private let requestExpired: @Sendable () -> Void
    private var lastRead = NIODeadline.now()
    /// When the request being received started; nil between requests.
    private var startedAt: NIODeadline?
    private var timer: Scheduled<Void>?
    private var timerDeadline = NIODeadline.distantFuture
    /// When the idle event last fired: it fires once per `idle` of silence.
    private var idleFiredAt: NIODeadline?

    init(idle: TimeAmount, request: TimeAmount, requestExpired: @escaping @Sendable () -> Void) {
        self.idle = idle
        self.request = request
        self.requestExpired = requestExpired
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard timer == nil else { return }
        lastRead = .now()
        schedule(at: lastRead + idle, context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = NIODeadline.now()
        lastRead = now
        idleFiredAt = nil
        if startedAt == nil {
            startedAt = now
            // Only when the timer waits for the idle deadline: once per firing at most.
            if timerDeadline > now + request {
                timer?.cancel()
                schedule(at: now + request, context: context)
            }
        }
        context.fireChannelRead(data)
    }

    /// The request in hand arrived whole.
    func requestEnded() {
        startedAt = nil
    }

    private func schedule(at deadline: NIODeadline, context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timerDeadline = deadline
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.fire(context: context)
        }
    }

    private func fire(context: ChannelHandlerContext) {
        timer = nil
        timerDeadline = .distantFuture
        guard context.channel.isActive else { return }
        let now = NIODeadline.now()
        if let startedAt, startedAt + request <= now {
            requestExpired()
            context.close(promise: nil)
            return
        }
        let idleSince = max(lastRead, idleFiredAt ?? lastRead)
        if idleSince + idle <= now {
            idleFiredAt = now
            context.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
            guard context.channel.isActive else { return }
        }
        var next = max(lastRead, idleFiredAt ?? lastRead) + idle
        if let startedAt { next = min(next, startedAt + request) }
        schedule(at: next, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
        timerDeadline = .distantFuture
    }
}
