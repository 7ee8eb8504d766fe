import NIOPosix
import Synchronization

/// A dedicated thread holding a `SUBSCRIBE` connection to `channels`.
///
/// Calls `onMessage(channel, payload)` for each message, `onConnect()` after each
/// (re)subscription succeeds and `onDisconnect()` whenever an established subscription is
/// lost, because messages published meanwhile are gone for good and a cache must flush
/// what it holds. Reconnects with a backoff from 100 ms doubling to 2 s. The callbacks run on
/// the subscriber's thread, one at a time; they should return quickly.
///
/// A hung server that keeps the socket open is not detected: nothing arrives, which looks
/// the same as a quiet channel.
public final class RedisSubscriber: Sendable {
    private let loop: RedisSubscriberLoop
    private let thread = NIOThreadPool(numberOfThreads: 1)
    private let lifecycle = Mutex(Lifecycle.idle)

    private enum Lifecycle {
        case idle
        case running
        case stopped
    }

    /// `timeout` bounds connecting and the SUBSCRIBE confirmation; `channels` must not be empty.
    public init(
        endpoint: RedisEndpoint,
        channels: [String],
        timeout: Duration,
        onConnect: @escaping @Sendable () -> Void,
        onMessage: @escaping @Sendable (_ channel: String, _ payload: [UInt8]) -> Void,
        onDisconnect: @escaping @Sendable () -> Void
    ) {
        precondition(!channels.isEmpty, "RedisSubscriber needs at least one channel")
        self.loop = RedisSubscriberLoop(
            endpoint: endpoint, channels: channels, timeout: timeout,
            onConnect: onConnect, onMessage: onMessage, onDisconnect: onDisconnect
        )
    }

    deinit {
        // The thread holds only the loop, so it would run forever unless told to stop; nobody
        // can wait for it here, so it is left to end on its own.
        self.loop.requestStop()
        self.lifecycle.withLock { lifecycle in
            if case .running = lifecycle {
                self.thread.shutdownGracefully { _ in }
            }
        }
    }

    /// Starts the thread. Calling it again, or after `stop()`, does nothing.
    public func start() {
        self.lifecycle.withLock { lifecycle in
            guard case .idle = lifecycle else { return }
            lifecycle = .running
            let loop = self.loop
            self.thread.start()
            self.thread.submit { state in
                guard case .active = state else { return }
                loop.run()
            }
        }
    }

    /// Stops the thread and closes the connection, returning once the thread has ended
    /// (within about 200 ms, or `timeout` while connecting). Idempotent; concurrent callers
    /// all wait. Called from one of the callbacks it only requests the stop, since the thread
    /// cannot wait for itself.
    public func stop() {
        self.loop.requestStop()
        if self.loop.isOnLoopThread { return }
        // Held while joining so that a second caller also returns only once the thread is gone.
        self.lifecycle.withLock { lifecycle in
            if case .running = lifecycle {
                try? self.thread.syncShutdownGracefully()
            }
            lifecycle = .stopped
        }
    }
}
