import NIOCore

/// Closes a connection whose request has not arrived whole within a deadline counted from its
/// first byte. The idle timer alone is reset by every byte, so a client trickling one header
/// line at a time could hold a connection for ever; this bounds the whole request. Idle
/// keep-alive connections are left to the idle timer.
///
/// Sits before the HTTP decoder, where the bytes arrive; `AuthHTTPHandler` reports each
/// request's end. One timer per connection at most, re-armed lazily, so a stream of whole
/// requests schedules nothing per request.
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let expired: @Sendable () -> Void
    /// When the request being received started; nil between requests.
    private var startedAt: NIODeadline?
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount, expired: @escaping @Sendable () -> Void) {
        self.timeout = timeout
        self.expired = expired
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if startedAt == nil {
            let now = NIODeadline.now()
            startedAt = now
            if timer == nil { schedule(at: now + timeout, context: context) }
        }
        context.fireChannelRead(data)
    }

    /// The request in hand arrived whole.
    func requestEnded() {
        startedAt = nil
    }

    private func schedule(at deadline: NIODeadline, context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.fire(context: context)
        }
    }

    private func fire(context: ChannelHandlerContext) {
        timer = nil
        guard let startedAt else { return }
        let due = startedAt + timeout
        if due <= .now() {
            expired()
            context.close(promise: nil)
        } else {
            // A later request started since the timer was set: wait for its own deadline.
            schedule(at: due, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }
}
