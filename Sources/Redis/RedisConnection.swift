import CHiredis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One synchronous Redis connection: the socket (plain or TLS) is ours, hiredis formats the
/// commands (`redisFormatCommandArgv`) and parses the replies (its reader). Every method
/// blocks the calling thread for at most `timeout` per socket operation, so it must only run
/// on the client's or subscriber's own threads, never on an event loop or the cooperative
/// pool.
///
/// After connecting it authenticates (`AUTH`, when credentials are configured) and selects
/// the database, on every reconnect. A failed operation closes the connection: after a
/// timeout half a command may have been sent or half a reply left unread, so the only safe
/// continuation is a fresh connection (opened lazily by `execute`).
final class RedisConnection: @unchecked Sendable {
    // @unchecked: the socket and reader are not thread-safe, but a connection is used by one
    // thread at a time: the client hands it between pool threads through a Mutex (which
    // orders the accesses), the subscriber never lets it leave its thread.
    let endpoint: RedisEndpoint
    let timeout: Duration
    /// Bound of the connect, the TLS handshake, `AUTH` and `SELECT` each.
    let connectTimeout: Duration
    private let security: RedisSecurity
    private var socket: RedisSocket?
    private var reader: UnsafeMutablePointer<redisReader>?
    /// Formatted commands not yet written: a pipeline goes out in one write.
    private var output: [UInt8] = []

    init(endpoint: RedisEndpoint, timeout: Duration, connectTimeout: Duration? = nil, security: RedisSecurity) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.connectTimeout = connectTimeout ?? timeout
        self.security = security
    }

    deinit {
        self.close()
    }

    var isOpen: Bool { self.socket != nil }

    func close() {
        self.socket = nil
        if let reader = self.reader {
            redisReaderFree(reader)
            self.reader = nil
        }
        self.output.removeAll(keepingCapacity: true)
    }

    /// Connects (closing any previous connection), then TLS, `AUTH` and `SELECT` as configured.
    func open() throws(RedisError) {
        self.close()
        guard (1...65535).contains(self.endpoint.port) else {
            throw RedisError(.connection, "invalid port \(self.endpoint.port)")
        }
        guard !self.endpoint.host.isEmpty, !self.endpoint.host.utf8.contains(0) else {
            throw RedisError(.connection, "invalid host name")
        }
        // Before anything is sent: a TLS endpoint never falls back to plain text.
        let context = try self.security.context()
        let socket = try RedisSocket.open(host: self.endpoint.host, port: self.endpoint.port, timeout: self.connectTimeout, address: self.address)
        if let context {
            try socket.startTLS(context, host: self.endpoint.host)
        }
        guard let reader = redisReaderCreate() else {
            throw RedisError(.connection, "hiredis could not allocate a reader")
        }
        self.socket = socket
        self.reader = reader
        do throws(RedisError) {
            try self.authenticate()
            if self.endpoint.database != 0 {
                let reply = try self.roundTrip([Self.arguments("SELECT", String(self.endpoint.database))])[0]
                if case .error(let message) = reply {
                    throw RedisError(.server, "SELECT \(self.endpoint.database) failed on \(self.address): \(message)")
                }
            }
            socket.setTimeout(self.timeout)
        } catch {
            self.close()
            throw error
        }
    }

    /// `AUTH user password` (ACL) or `AUTH password`. The server's refusal is passed on; the
    /// command itself, which holds the password, is never part of a message.
    private func authenticate() throws(RedisError) {
        guard let credentials = self.endpoint.credentials else { return }
        var command = [Array("AUTH".utf8)]
        if let username = credentials.username { command.append(Array(username.utf8)) }
        command.append(Array(credentials.password.utf8))
        let reply = try self.roundTrip([command])[0]
        if case .error(let message) = reply {
            throw RedisError(.authentication, "AUTH refused by \(self.address): \(message)")
        }
    }

    /// Sends `commands` in one write and reads one reply per command, reconnecting first when
    /// the connection is closed or went stale while idle.
    func execute(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisReply] {
        if let socket = self.socket, socket.isStale {
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

    /// Queues one command; nothing is written until a reply is read.
    func append(_ command: [[UInt8]]) throws(RedisError) {
        guard self.isOpen else { throw RedisError(.connection, "not connected to \(self.address)") }
        let total = command.reduce(0) { $0 + $1.count }
        // One contiguous copy gives stable pointers for every argument at once; hiredis copies
        // them again into the formatted command, so this storage only lives for the call.
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
        var formatted: UnsafeMutablePointer<CChar>?
        let length = argv.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { lengths in
                redisFormatCommandArgv(&formatted, Int32(command.count), argv.baseAddress, lengths.baseAddress)
            }
        }
        guard length >= 0, let formatted else {
            throw RedisError(.invalidCommand, "hiredis could not format the command")
        }
        defer { redisFreeCommand(formatted) }
        self.output.append(contentsOf: UnsafeRawBufferPointer(start: formatted, count: Int(length)))
    }

    /// Writes pending commands, then blocks (up to `timeout` per read) for the next reply.
    func readReply() throws(RedisError) -> RedisReply {
        guard let socket = self.socket else { throw RedisError(.connection, "not connected to \(self.address)") }
        do throws(RedisError) {
            if !self.output.isEmpty {
                try socket.write(self.output)
                self.output.removeAll(keepingCapacity: true)
            }
            while true {
                if let reply = try self.bufferedReply() { return reply }
                try self.receive()
            }
        } catch {
            self.close()
            throw error
        }
    }

    /// A reply already parsed from received bytes, without touching the socket.
    func bufferedReply() throws(RedisError) -> RedisReply? {
        guard let reader = self.reader else { throw RedisError(.connection, "not connected to \(self.address)") }
        var raw: UnsafeMutableRawPointer? = nil
        guard redisReaderGetReply(reader, &raw) == REDIS_OK else {
            let text = withUnsafeBytes(of: reader.pointee.errstr) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            self.close()
            throw RedisError(.protocolError, "protocol error from \(self.address): \(text)")
        }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return try RedisReply(hiredis: raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Waits up to `interval` for bytes (or EOF/error). Lets a subscriber check for stop
    /// requests without a read timeout, which would end the connection.
    func waitForInput(_ interval: Duration) -> Bool {
        guard let socket = self.socket else { return true }
        return socket.waitForInput(interval)
    }

    /// Reads what the socket has into hiredis' reader (blocking up to `timeout`).
    func receive() throws(RedisError) {
        guard let socket = self.socket, let reader = self.reader else {
            throw RedisError(.connection, "not connected to \(self.address)")
        }
        var buffer = [UInt8](repeating: 0, count: Self.readSize)
        // withUnsafeMutableBytes rethrows untyped errors: carry the typed one out in a Result.
        let received = buffer.withUnsafeMutableBytes { bytes in Result { () throws(RedisError) in try socket.read(into: bytes) } }
        let count: Int
        switch received {
        case .success(let value): count = value
        case .failure(let error):
            self.close()
            throw error
        }
        guard count > 0 else {
            self.close()
            throw RedisError(.connection, "connection closed by server \(self.address)")
        }
        let fed = buffer.withUnsafeBytes { redisReaderFeed(reader, $0.baseAddress!.assumingMemoryBound(to: CChar.self), count) }
        guard fed == REDIS_OK else {
            self.close()
            throw RedisError(.connection, "hiredis ran out of memory")
        }
    }

    /// hiredis' own read size.
    static let readSize = 16 * 1024

    var address: String {
        self.endpoint.host.contains(":") ? "[\(self.endpoint.host)]:\(self.endpoint.port)" : "\(self.endpoint.host):\(self.endpoint.port)"
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

    /// OpenSSL writes TLS records with plain write(2): a peer that already closed would raise
    /// SIGPIPE and kill the process (plain writes use MSG_NOSIGNAL). Blocking it on the threads that talk to Redis turns that into EPIPE
    /// without changing the process-wide disposition (which belongs to the application).
    static func blockSIGPIPE() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }
}
