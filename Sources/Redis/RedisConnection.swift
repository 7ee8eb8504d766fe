import CHiredis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One synchronous hiredis connection. Every method blocks the calling thread for at most
/// `timeout` per socket operation, so it must only run on the client's or subscriber's own
/// threads, never on an event loop or the cooperative pool.
///
/// A failed operation closes the context: after a timeout hiredis may have sent half a
/// command or left half a reply unread, and after an I/O error its `err` flag sticks, so the
/// only safe continuation is a fresh connection (opened lazily by `execute`).
final class RedisConnection: @unchecked Sendable {
    // @unchecked: the context is not thread-safe, but a connection is used by one thread at
    // a time: the client hands it between pool threads through a Mutex (which orders the
    // accesses), the subscriber never lets it leave its thread.
    let endpoint: RedisEndpoint
    let timeout: Duration
    private var context: UnsafeMutablePointer<redisContext>?

    init(endpoint: RedisEndpoint, timeout: Duration) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    deinit {
        self.close()
    }

    var isOpen: Bool { self.context != nil }

    func close() {
        if let context = self.context {
            redisFree(context)
            self.context = nil
        }
    }

    /// Connects (closing any previous context) and selects the endpoint's database.
    func open() throws(RedisError) {
        self.close()
        guard (1...65535).contains(self.endpoint.port) else {
            throw RedisError(.connection, "invalid port \(self.endpoint.port)")
        }
        guard !self.endpoint.host.isEmpty, !self.endpoint.host.utf8.contains(0) else {
            throw RedisError(.connection, "invalid host name")
        }
        let limit = Self.timeval(self.timeout)
        guard let context = redisConnectWithTimeout(self.endpoint.host, Int32(self.endpoint.port), limit) else {
            throw RedisError(.connection, "hiredis could not allocate a context")
        }
        if context.pointee.err != 0 {
            let failure = self.error(of: context, connecting: true)
            redisFree(context)
            throw failure
        }
        // redisConnectWithTimeout bounds only the connect; reads and writes need their own limit.
        guard redisSetTimeout(context, limit) == REDIS_OK else {
            let failure = self.error(of: context, connecting: true)
            redisFree(context)
            throw failure
        }
        self.context = context
        if self.endpoint.database != 0 {
            let reply = try self.roundTrip([Self.arguments("SELECT", String(self.endpoint.database))])[0]
            if case .error(let message) = reply {
                self.close()
                throw RedisError(.server, "SELECT \(self.endpoint.database) failed on \(self.address): \(message)")
            }
        }
    }

    /// Sends `commands` in one write and reads one reply per command, reconnecting first when
    /// the connection is closed or went stale while idle.
    func execute(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisReply] {
        if self.isOpen, self.isStale {
            self.close()
        }
        if !self.isOpen {
            try self.open()
        }
        return try self.roundTrip(commands)
    }

    private func roundTrip(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisReply] {
        do throws(RedisError) {
            for command in commands {
                try self.append(command)
            }
            var replies: [RedisReply] = []
            replies.reserveCapacity(commands.count)
            for _ in commands {
                replies.append(try self.readReply())
            }
            return replies
        } catch {
            self.close()
            throw error
        }
    }

    /// Queues one command in hiredis' output buffer; nothing is written until a reply is read.
    func append(_ command: [[UInt8]]) throws(RedisError) {
        let context = try self.openContext()
        let total = command.reduce(0) { $0 + $1.count }
        // One contiguous copy gives stable pointers for every argument at once; hiredis copies
        // them again into its output buffer, so this storage only lives for the call.
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 1)
        defer { storage.deallocate() }
        var argv: [UnsafePointer<CChar>?] = []
        var lengths: [Int] = []
        argv.reserveCapacity(command.count)
        lengths.reserveCapacity(command.count)
        var offset = 0
        for argument in command {
            argument.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress, bytes.count > 0 {
                    (storage + offset).copyMemory(from: base, byteCount: bytes.count)
                }
            }
            argv.append(UnsafePointer((storage + offset).assumingMemoryBound(to: CChar.self)))
            lengths.append(argument.count)
            offset += argument.count
        }
        let status = argv.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { lengths in
                redisAppendCommandArgv(context, Int32(command.count), argv.baseAddress, lengths.baseAddress)
            }
        }
        guard status == REDIS_OK else {
            let failure = self.error(of: context)
            self.close()
            throw failure
        }
    }

    /// Flushes pending commands, then blocks (up to `timeout`) for the next reply.
    func readReply() throws(RedisError) -> RedisReply {
        let context = try self.openContext()
        var raw: UnsafeMutableRawPointer? = nil
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
            let failure = self.error(of: context)
            self.close()
            throw failure
        }
        defer { freeReplyObject(raw) }
        return try RedisReply(hiredis: raw.assumingMemoryBound(to: redisReply.self))
    }

    /// A reply already parsed from received bytes, without touching the socket.
    func bufferedReply() throws(RedisError) -> RedisReply? {
        let context = try self.openContext()
        var raw: UnsafeMutableRawPointer? = nil
        guard redisGetReplyFromReader(context, &raw) == REDIS_OK else {
            let failure = self.error(of: context)
            self.close()
            throw failure
        }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return try RedisReply(hiredis: raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Waits up to `interval` for bytes (or EOF/error) on the socket. Lets a subscriber check
    /// for stop requests without a read timeout, which would poison the context.
    func waitForInput(_ interval: Duration) -> Bool {
        guard let context = self.context else { return true }
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, Int32(Self.milliseconds(interval))) > 0
    }

    /// Reads what the socket has into hiredis' reader; call only after `waitForInput`.
    func receive() throws(RedisError) {
        let context = try self.openContext()
        guard redisBufferRead(context) == REDIS_OK else {
            let failure = self.error(of: context)
            self.close()
            throw failure
        }
    }

    /// An idle connection has no reply outstanding, so anything readable is the server's
    /// FIN (restart, idle timeout, CLIENT KILL) or junk: either way it must not be used.
    private var isStale: Bool {
        guard let context = self.context else { return false }
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }

    private func openContext() throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        guard let context = self.context else { throw RedisError(.connection, "not connected to \(self.address)") }
        return context
    }

    var address: String {
        self.endpoint.host.contains(":") ? "[\(self.endpoint.host)]:\(self.endpoint.port)" : "\(self.endpoint.host):\(self.endpoint.port)"
    }

    private func error(of context: UnsafeMutablePointer<redisContext>, connecting: Bool = false) -> RedisError {
        // First, before anything else can overwrite it.
        let number = errno
        let kind = context.pointee.err
        let text = withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        let timedOut = number == EAGAIN || number == EWOULDBLOCK || number == ETIMEDOUT
            || text.contains("Resource temporarily unavailable") || text.contains("timed out")
        switch kind {
        case REDIS_ERR_IO where timedOut:
            let what = connecting ? "connecting to" : "waiting for"
            return RedisError(.timeout, "timed out after \(Self.milliseconds(self.timeout)) ms \(what) \(self.address)")
        case REDIS_ERR_EOF:
            return RedisError(.connection, "connection closed by server \(self.address)")
        case REDIS_ERR_PROTOCOL:
            return RedisError(.protocolError, "protocol error from \(self.address): \(text)")
        case REDIS_ERR_OOM:
            return RedisError(.connection, "hiredis ran out of memory")
        default:
            let what = connecting ? "cannot connect to" : "I/O error with"
            return RedisError(.connection, "\(what) \(self.address): \(text.isEmpty ? "unknown error" : text)")
        }
    }

    static func arguments(_ arguments: String...) -> [[UInt8]] {
        arguments.map { Array($0.utf8) }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let capped = min(max(seconds, 0), 86_400)
        return Int(capped) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// At least 1 ms: a zero timeval means "block forever" to SO_RCVTIMEO.
    static func timeval(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = duration.components
        let capped = min(max(seconds, 0), 86_400)
        let microseconds = max(Int(capped) * 1_000_000 + Int(max(attoseconds, 0) / 1_000_000_000_000), 1000)
        #if canImport(Darwin)
        return Darwin.timeval(tv_sec: microseconds / 1_000_000, tv_usec: Int32(microseconds % 1_000_000))
        #else
        return Glibc.timeval(tv_sec: microseconds / 1_000_000, tv_usec: microseconds % 1_000_000)
        #endif
    }

    /// hiredis writes with plain write(2): a peer that already closed would raise SIGPIPE and
    /// kill the process. Blocking it on the threads that talk to Redis turns that into EPIPE
    /// without changing the process-wide disposition (which belongs to the application).
    static func blockSIGPIPE() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }
}
