import NIOPosix
import Synchronization

/// A pool of `connections` synchronous Redis connections, each used by one thread at a time.
///
/// The connections block, so every call runs on the client's own `NIOThreadPool`
/// (one thread per connection), never on an event loop or the cooperative pool. There are
/// exactly as many connections as threads, so a thread always finds a free connection and
/// callers beyond `connections` simply queue in the pool.
///
/// Every socket operation is bounded by `timeout` (each write, each reply; the steps of a new
/// connection by `connectTimeout`). Over TLS (`rediss://`) the bytes go through OpenSSL. A
/// connection that failed (error, timeout, EOF) is closed and re-created lazily on its next
/// use; after connecting it sends `AUTH` when credentials are set and `SELECT db` when the
/// database is not 0. Commands are never retried: after a failure the command may or may not
/// have run.
///
/// Call `shutdown()` when done; a client dropped without it still closes its connections
/// and stops its threads, but nobody waits for that.
public final class RedisClient: Sendable {
    public let endpoint: RedisEndpoint
    public let timeout: Duration
    private let threads: NIOThreadPool
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var idle: [RedisConnection]
        var closed = false
    }

    /// `connectTimeout` bounds each step of a new connection (TCP, TLS, `AUTH`, `SELECT`);
    /// nil uses `timeout`. A TLS handshake takes more round trips than a command.
    public init(endpoint: RedisEndpoint, timeout: Duration, connectTimeout: Duration? = nil, connections: Int = 4) {
        let count = max(connections, 1)
        self.endpoint = endpoint
        self.timeout = timeout
        let security = RedisSecurity(endpoint)
        self.state = Mutex(State(idle: (0..<count).map { _ in RedisConnection(endpoint: endpoint, timeout: timeout, connectTimeout: connectTimeout, security: security) }))
        self.threads = NIOThreadPool(numberOfThreads: count)
        self.threads.start()
    }

    deinit {
        // No command can be in flight here (each one retains the client), so every
        // connection is idle. The pool must be shutting down before it is released.
        let idle = self.state.withLock { state in
            defer { state.idle = [] }
            return state.idle
        }
        for connection in idle {
            connection.close()
        }
        self.threads.shutdownGracefully { _ in }
    }

    /// Runs one command (binary-safe arguments, the first being the command name).
    ///
    /// A Redis error reply is returned as `.error(...)`, not thrown; transport failures throw
    /// `.connection`, `.timeout` or `.protocolError`, and any call after `shutdown()` `.closed`.
    public func command(_ arguments: [[UInt8]]) async throws(RedisError) -> RedisReply {
        try await self.run([arguments])[0]
    }

    /// Convenience for text-only commands: each argument is sent as its UTF-8 bytes.
    public func command(_ arguments: String...) async throws(RedisError) -> RedisReply {
        try await self.command(arguments.map { Array($0.utf8) })
    }

    /// Runs several commands on one connection in one round trip and returns one reply per
    /// command, in order. Not a transaction: other clients' commands may interleave.
    public func pipeline(_ commands: [[[UInt8]]]) async throws(RedisError) -> [RedisReply] {
        if commands.isEmpty { return [] }
        return try await self.run(commands)
    }

    /// Closes the connections and stops the threads; later calls throw `.closed`. A command
    /// already running finishes (within `timeout`); queued ones fail with `.closed`. Idempotent.
    public func shutdown() async {
        let idle = self.state.withLock { state in
            state.closed = true
            defer { state.idle = [] }
            return state.idle
        }
        for connection in idle {
            connection.close()
        }
        try? await self.threads.shutdownGracefully()
    }

    private var isClosed: Bool { self.state.withLock { $0.closed } }

    private func run(_ commands: [[[UInt8]]]) async throws(RedisError) -> [RedisReply] {
        for command in commands {
            guard !command.isEmpty else { throw RedisError(.invalidCommand, "a command needs at least its name") }
            guard command.count <= Int(Int32.max) else { throw RedisError(.invalidCommand, "too many arguments") }
        }
        if self.isClosed { throw Self.closedError }
        let result: Result<[RedisReply], RedisError>
        do {
            result = try await self.threads.runIfActive { [self] in self.perform(commands) }
        } catch {
            // runIfActive fails only when the pool no longer runs work or the task was cancelled.
            throw self.isClosed ? Self.closedError : RedisError(.cancelled, "the calling task was cancelled")
        }
        return try result.get()
    }

    /// Runs on a pool thread.
    private func perform(_ commands: [[[UInt8]]]) -> Result<[RedisReply], RedisError> {
        RedisConnection.blockSIGPIPE()
        guard let connection = self.checkOut() else { return .failure(Self.closedError) }
        defer { self.checkIn(connection) }
        do throws(RedisError) {
            return .success(try connection.execute(commands))
        } catch {
            return .failure(error)
        }
    }

    private func checkOut() -> RedisConnection? {
        self.state.withLock { state in
            if state.closed { return nil }
            // Never empty while open: one connection per thread, returned before the work ends.
            // Last in, first out keeps the warm connections busy and lets the others idle.
            return state.idle.popLast()
        }
    }

    private func checkIn(_ connection: RedisConnection) {
        let keep = self.state.withLock { state in
            if state.closed { return false }
            state.idle.append(connection)
            return true
        }
        if !keep {
            connection.close()
        }
    }

    private static let closedError = RedisError(.closed, "the Redis client was shut down")
}
