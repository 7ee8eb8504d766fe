import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One client TLS session over a blocking socket the caller owns (and closes after
/// `close()`). Used by one thread at a time.
public final class TLSStream: @unchecked Sendable {
    // @unchecked: an SSL object is not thread-safe; its owner hands it between threads
    // through a lock, as it does the socket.
    private var ssl: OpaquePointer?
    private let name: String

    init(context: TLSClientContext, socket: Int32, host: String) throws(TLSError) {
        guard let ssl = SSL_new(context.context) else {
            throw TLSError(.handshake, "tls: cannot create a session: \(OpenSSLErrorQueue.drain() ?? "unknown error")")
        }
        self.ssl = ssl
        self.name = host
        SSL_set_fd(ssl, socket)
        if !context.settings.insecureSkipVerify {
            let parameters = SSL_get0_param(ssl)
            // An IP address is checked against the certificate's IP entries, a name against
            // its DNS entries (wildcards in the leftmost label only).
            if Self.isIPAddress(host) {
                guard X509_VERIFY_PARAM_set1_ip_asc(parameters, host) == 1 else {
                    throw TLSError(.configuration, "tls: cannot verify against the address \(host)")
                }
            } else {
                X509_VERIFY_PARAM_set_hostflags(parameters, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
                guard SSL_set1_host(ssl, host) == 1 else {
                    throw TLSError(.configuration, "tls: cannot verify against the name \(host)")
                }
            }
        }
        // SNI carries names only (RFC 6066 §3).
        if !Self.isIPAddress(host) {
            _ = oms_SSL_set_tlsext_host_name(ssl, host)
        }
        ERR_clear_error()
        let result = SSL_connect(ssl)
        guard result == 1 else {
            let failure = self.failure(result, during: "handshake with \(host)")
            self.close()
            throw failure
        }
    }

    deinit {
        if let ssl { SSL_free(ssl) }
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(TLSError) {
        guard let ssl else { throw TLSError(.handshake, "tls: the session is closed") }
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            let written = SSL_write(ssl, bytes.baseAddress! + offset, Int32(min(bytes.count - offset, Int(Int32.max))))
            guard written > 0 else { throw self.failure(written, during: "write to \(name)") }
            offset += Int(written)
        }
    }

    /// Reads what arrives, up to `buffer.count` bytes; 0 means the server closed.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(TLSError) -> Int {
        guard let ssl else { throw TLSError(.handshake, "tls: the session is closed") }
        ERR_clear_error()
        let count = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if count > 0 { return Int(count) }
        if SSL_get_error(ssl, count) == SSL_ERROR_ZERO_RETURN { return 0 }
        throw self.failure(count, during: "read from \(name)")
    }

    /// Decrypted bytes already buffered: the socket may be silent while these wait.
    public var hasBufferedInput: Bool {
        guard let ssl else { return false }
        return SSL_pending(ssl) > 0
    }

    /// On a non-blocking socket that poll found readable while no answer was due: processes
    /// what arrived and tells whether the session is still usable. TLS records that carry no
    /// data (TLS 1.3 session tickets, key updates) leave it usable; data or a close do not.
    public func consumeHandshakeRecords() -> Bool {
        guard let ssl else { return false }
        var scratch = [UInt8](repeating: 0, count: 512)
        ERR_clear_error()
        let count = scratch.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        if count > 0 { return false }
        let kind = SSL_get_error(ssl, count)
        ERR_clear_error()
        return kind == SSL_ERROR_WANT_READ
    }

    /// Frees the session without a close_notify: after a failure or a timeout the peer's
    /// state is unknown, and a blocking shutdown could stall the caller.
    public func close() {
        if let ssl {
            SSL_free(ssl)
            self.ssl = nil
        }
    }

    private func failure(_ result: Int32, during what: String) -> TLSError {
        let number = errno
        guard let ssl else { return TLSError(.handshake, "tls: \(what) failed") }
        let verify = SSL_get_verify_result(ssl)
        if verify != X509_V_OK {
            let reason = String(cString: X509_verify_cert_error_string(verify))
            _ = OpenSSLErrorQueue.drain()
            return TLSError(.verification, "tls: certificate verify failed: \(reason)")
        }
        let kind = SSL_get_error(ssl, result)
        let queued = OpenSSLErrorQueue.drain()
        switch kind {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            // A blocking socket only "wants" more when its SO_RCVTIMEO/SO_SNDTIMEO expired.
            return TLSError(.timeout, "tls: \(what) timed out")
        case SSL_ERROR_SYSCALL where queued == nil:
            if number == EAGAIN || number == EWOULDBLOCK || number == ETIMEDOUT {
                return TLSError(.timeout, "tls: \(what) timed out")
            }
            if number == 0 {
                return TLSError(.handshake, "tls: \(what): the server closed the connection")
            }
            return TLSError(.handshake, "tls: \(what): \(String(cString: strerror(number)))")
        default:
            return TLSError(.handshake, "tls: \(what) failed: \(queued ?? "error \(kind)")")
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
