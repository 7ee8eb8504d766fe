import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The body of a `RedisSubscriber`'s thread: subscribe, deliver, reconnect with backoff, until
/// asked to stop. Kept apart from `RedisSubscriber` so the running thread does not keep the
/// subscriber alive (its deinit is what stops an abandoned one).
final class RedisSubscriberLoop: Sendable {
    let endpoint: RedisEndpoint
    let channels: [String]
    let timeout: Duration
    let onConnect: @Sendable () -> Void
    let onMessage: @Sendable (_ channel: String, _ payload: [UInt8]) -> Void
    let onDisconnect: @Sendable () -> Void

    /// How long the thread waits for input before it looks at `stopRequested` again: this is
    /// what bounds `stop()` while connected.
    static let pollInterval: Duration = .milliseconds(200)
    static let firstBackoff: Duration = .milliseconds(100)
    static let maximumBackoff: Duration = .seconds(2)
    /// Backoff sleeps are cut into slices this long so a stop request is seen promptly.
    private static let sleepSlice: Duration = .milliseconds(20)

    private let stopRequested = Atomic(false)
    /// The thread running `run()`, so `stop()` from a callback does not wait for itself.
    private let runningThread = Mutex<pthread_t?>(nil)

    init(
        endpoint: RedisEndpoint, channels: [String], timeout: Duration,
        onConnect: @escaping @Sendable () -> Void,
        onMessage: @escaping @Sendable (_ channel: String, _ payload: [UInt8]) -> Void,
        onDisconnect: @escaping @Sendable () -> Void
    ) {
        self.endpoint = endpoint
        self.channels = channels
        self.timeout = timeout
        self.onConnect = onConnect
        self.onMessage = onMessage
        self.onDisconnect = onDisconnect
    }

    func requestStop() {
        self.stopRequested.store(true, ordering: .releasing)
    }

    var isOnLoopThread: Bool {
        self.runningThread.withLock { thread in
            guard let thread else { return false }
            return pthread_equal(thread, pthread_self()) != 0
        }
    }

    private var stopping: Bool { self.stopRequested.load(ordering: .acquiring) }

    /// Blocks until `requestStop()`.
    func run() {
        RedisConnection.blockSIGPIPE()
        self.runningThread.withLock { $0 = pthread_self() }
        defer { self.runningThread.withLock { $0 = nil } }
        var backoff = Self.firstBackoff
        let security = RedisSecurity(self.endpoint)
        while !self.stopping {
            let connection = RedisConnection(endpoint: self.endpoint, timeout: self.timeout, security: security)
            do throws(RedisError) {
                try connection.open()
                try self.subscribe(connection)
            } catch {
                connection.close()
                self.sleep(backoff)
                backoff = min(backoff * 2, Self.maximumBackoff)
                continue
            }
            backoff = Self.firstBackoff
            self.onConnect()
            self.listen(connection)
            connection.close()
            if self.stopping { break }
            self.onDisconnect()
            self.sleep(backoff)
        }
    }

    private func subscribe(_ connection: RedisConnection) throws(RedisError) {
        try connection.append(["SUBSCRIBE".utf8.map { $0 }] + self.channels.map { Array($0.utf8) })
        // One confirmation per channel: ["subscribe", channel, count].
        for _ in self.channels {
            let reply = try connection.readReply()
            if case .error(let message) = reply {
                throw RedisError(.server, "SUBSCRIBE failed on \(connection.address): \(message)")
            }
            guard let parts = reply.array, parts.first?.text == "subscribe" else {
                throw RedisError(.protocolError, "unexpected reply to SUBSCRIBE from \(connection.address)")
            }
        }
    }

    /// Returns when the connection is lost or a stop was requested.
    private func listen(_ connection: RedisConnection) {
        do throws(RedisError) {
            while !self.stopping {
                // Replies already in hiredis' buffer first: one read can carry many messages.
                if let reply = try connection.bufferedReply() {
                    self.deliver(reply)
                    continue
                }
                if connection.waitForInput(Self.pollInterval) {
                    try connection.receive()
                }
            }
        } catch {
            return
        }
    }

    private func deliver(_ reply: RedisReply) {
        guard case .array(let parts) = reply, parts.count == 3, parts[0].text == "message",
              let channel = parts[1].bytes, let payload = parts[2].bytes
        else { return }
        self.onMessage(String(decoding: channel, as: UTF8.self), payload)
    }

    private func sleep(_ duration: Duration) {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        while !self.stopping, clock.now < deadline {
            let slice = min(Self.sleepSlice, deadline - clock.now)
            let (seconds, attoseconds) = slice.components
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            nanosleep(&request, nil)
        }
    }
}
