import TLS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking TCP connection to Redis, optionally inside TLS (OpenSSL, through the TLS
/// module): hiredis 0.14 has no TLS, so this module owns the socket and hiredis only formats
/// commands and parses replies. Every read and write is bounded by the socket timeouts set
/// at connect.
final class RedisSocket {
    private let descriptor: Int32
    private var stream: TLSStream?
    let address: String
    private var timeout: Duration

    private init(descriptor: Int32, address: String, timeout: Duration) {
        self.descriptor = descriptor
        self.address = address
        self.timeout = timeout
    }

    deinit {
        stream?.close()
        close(descriptor)
    }

    /// Resolves `host` and connects to the first address that answers within `timeout`.
    static func open(host: String, port: Int, timeout: Duration, address: String) throws(RedisError) -> RedisSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            throw RedisError(.connection, "cannot resolve \(address): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            entry = current.pointee.ai_next
            let descriptor = socket(current.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else {
                lastError = String(cString: strerror(errno))
                continue
            }
            switch connectWithin(timeout, descriptor, current.pointee.ai_addr, current.pointee.ai_addrlen) {
            case nil:
                let socket = RedisSocket(descriptor: descriptor, address: address, timeout: timeout)
                socket.setTimeout(timeout)
                var on: Int32 = 1
                _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
                return socket
            case let failure?:
                close(descriptor)
                if failure == ETIMEDOUT {
                    throw RedisError(.timeout, "timed out after \(RedisConnection.milliseconds(timeout)) ms connecting to \(address)")
                }
                lastError = String(cString: strerror(failure))
            }
        }
        throw RedisError(.connection, "cannot connect to \(address): \(lastError)")
    }

    /// A non-blocking connect waited for with poll, so the connect has the same bound as
    /// every other operation. Returns nil on success, else the errno.
    private static func connectWithin(_ timeout: Duration, _ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32? {
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(descriptor, F_SETFL, flags) }
        if connect(descriptor, address, length) == 0 { return nil }
        guard errno == EINPROGRESS else { return errno }
        var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        let ready = poll(&waiting, 1, Int32(max(RedisConnection.milliseconds(timeout), 1)))
        guard ready > 0 else { return ready == 0 ? ETIMEDOUT : errno }
        var failure: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &size) == 0 else { return errno }
        return failure == 0 ? nil : failure
    }

    /// The bound of each read and write from now on (the handshake may have a longer one).
    func setTimeout(_ timeout: Duration) {
        self.timeout = timeout
        var limit = RedisConnection.timeval(timeout)
        let size = socklen_t(MemoryLayout<timeval>.size)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, size)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, size)
    }

    /// The TLS handshake, verifying `host` (or the configured server name).
    func startTLS(_ context: TLSClientContext, host: String) throws(RedisError) {
        do {
            stream = try context.handshake(socket: descriptor, host: host)
        } catch {
            throw RedisError(error.kind == .timeout ? .timeout : .tls, "\(error.message) (\(address))")
        }
    }

    func write(_ bytes: [UInt8]) throws(RedisError) {
        if let stream {
            // withUnsafeBytes rethrows untyped errors: carry the typed one out in a Result.
            let written = bytes.withUnsafeBytes { buffer in Result { () throws(TLSError) in try stream.write(buffer) } }
            if case .failure(let error) = written { throw Self.mapped(error, address) }
            return
        }
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a peer that closed must be an error, not SIGPIPE.
            let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw self.ioError(errno, "writing to") }
            offset += sent
        }
    }

    /// Reads what arrives; 0 means the server closed the connection.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(RedisError) -> Int {
        if let stream {
            do {
                return try stream.read(into: buffer)
            } catch {
                throw Self.mapped(error, address)
            }
        }
        let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
        guard count >= 0 else { throw self.ioError(errno, "waiting for") }
        return count
    }

    /// Waits up to `interval` for bytes (or EOF) without consuming them.
    func waitForInput(_ interval: Duration) -> Bool {
        if stream?.hasBufferedInput == true { return true }
        var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&waiting, 1, Int32(RedisConnection.milliseconds(interval))) > 0
    }

    /// An idle connection has no reply outstanding, so anything readable is the server's FIN
    /// (restart, idle timeout, CLIENT KILL) or junk. Over TLS it may also be a TLS 1.3 session
    /// ticket sent after the handshake, which is not a reason to reconnect: those records are
    /// consumed here, and only application data or a close counts.
    var isStale: Bool {
        var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&waiting, 1, 0) != 0 else { return false }
        guard let stream else { return true }
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(descriptor, F_SETFL, flags) }
        return !stream.consumeHandshakeRecords()
    }

    private func ioError(_ number: Int32, _ what: String) -> RedisError {
        if number == EAGAIN || number == EWOULDBLOCK || number == ETIMEDOUT {
            return RedisError(.timeout, "timed out after \(RedisConnection.milliseconds(timeout)) ms \(what) \(address)")
        }
        return RedisError(.connection, "I/O error with \(address): \(String(cString: strerror(number)))")
    }

    private static func mapped(_ error: TLSError, _ address: String) -> RedisError {
        switch error.kind {
        case .timeout: RedisError(.timeout, "\(error.message) (\(address))")
        case .verification, .configuration: RedisError(.tls, "\(error.message) (\(address))")
        case .handshake: RedisError(.connection, "\(error.message) (\(address))")
        }
    }
}
