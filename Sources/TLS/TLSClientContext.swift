import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An OpenSSL client context built from `TLSSettings`: trust anchors, client certificate,
/// TLS 1.2 as the minimum and peer verification on. One per dependency, shared by all its
/// connections (OpenSSL allows `SSL_new` on a configured context from any thread).
///
/// Building it is also the offline check of the settings (`--check`): every file is read
/// and parsed, and the key must match the certificate.
public final class TLSClientContext: @unchecked Sendable {
    // @unchecked: the SSL_CTX is configured in `init` and only read afterwards.
    let context: OpaquePointer
    public let settings: TLSSettings

    public init(_ settings: TLSSettings) throws(TLSError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw TLSError(.configuration, "tls: cannot create an OpenSSL context: \(OpenSSLErrorQueue.drain() ?? "unknown error")")
        }
        self.context = context
        self.settings = settings
        guard oms_SSL_CTX_set_min_tls12(context) == 1 else {
            throw TLSError(.configuration, "tls: cannot set TLS 1.2 as the minimum: \(OpenSSLErrorQueue.drain() ?? "unknown error")")
        }
        // Blocking sockets: let OpenSSL finish a renegotiation or a post-handshake message
        // (TLS 1.3 session tickets) itself instead of returning WANT_READ to the caller.
        _ = oms_SSL_CTX_set_mode_auto_retry(context)
        // An encrypted key would make OpenSSL ask for its passphrase on the terminal: answer
        // "no passphrase" so loading fails with a message instead of hanging a server.
        SSL_CTX_set_default_passwd_cb(context) { _, _, _, _ in 0 }
        try self.loadTrust()
        try self.loadIdentity()
        SSL_CTX_set_verify(context, settings.insecureSkipVerify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nil)
    }

    deinit {
        SSL_CTX_free(self.context)
    }

    private func loadTrust() throws(TLSError) {
        guard let caFile = settings.caFile else {
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                throw TLSError(.configuration, "tls: cannot load the system trust store: \(OpenSSLErrorQueue.drain() ?? "unknown error")")
            }
            return
        }
        try Self.requireReadable(caFile, what: "ca_file")
        guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
            throw TLSError(.configuration, "tls: ca_file \(caFile) holds no usable PEM certificate: \(OpenSSLErrorQueue.drain() ?? "unknown error")")
        }
    }

    private func loadIdentity() throws(TLSError) {
        switch (settings.certFile, settings.keyFile) {
        case (nil, nil):
            return
        case (.some, nil), (nil, .some):
            throw TLSError(.configuration, "tls: cert_file and key_file go together (mutual TLS needs both)")
        case let (cert?, key?):
            try Self.requireReadable(cert, what: "cert_file")
            try Self.requireReadable(key, what: "key_file")
            guard SSL_CTX_use_certificate_chain_file(context, cert) == 1 else {
                throw TLSError(.configuration, "tls: cert_file \(cert) is not a PEM certificate: \(OpenSSLErrorQueue.drain() ?? "unknown error")")
            }
            // Loading the key also compares it with the certificate ("key values mismatch").
            guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
                let reason = OpenSSLErrorQueue.drain() ?? "unknown error"
                if reason.contains("mismatch") {
                    throw TLSError(.configuration, "tls: key_file \(key) does not match the certificate in cert_file \(cert)")
                }
                throw TLSError(.configuration, "tls: key_file \(key) is not an unencrypted PEM private key: \(reason)")
            }
            guard SSL_CTX_check_private_key(context) == 1 else {
                _ = OpenSSLErrorQueue.drain()
                throw TLSError(.configuration, "tls: key_file \(key) does not match the certificate in cert_file \(cert)")
            }
        }
    }

    private static func requireReadable(_ path: String, what: String) throws(TLSError) {
        guard access(path, R_OK) == 0 else {
            let reason = String(cString: strerror(errno))
            throw TLSError(.configuration, "tls: cannot read \(what) \(path): \(reason)")
        }
    }

    /// Runs the client handshake on a connected blocking socket, verifying `host` (or the
    /// configured server name). The socket's own timeouts bound each read and write.
    public func handshake(socket: Int32, host: String) throws(TLSError) -> TLSStream {
        try TLSStream(context: self, socket: socket, host: settings.serverName ?? host)
    }
}
