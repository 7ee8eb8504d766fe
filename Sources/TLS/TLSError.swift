/// A TLS setup or handshake failure. `message` starts with `tls:` and names the cause the
/// way an operator searches for it (`tls: certificate verify failed: unable to get local
/// issuer certificate`); it never carries key material or a secret.
public struct TLSError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A file is missing, unreadable or not the PEM it should be, or the key does not
        /// match the certificate.
        case configuration
        /// The server's certificate chain or name did not verify.
        case verification
        /// The handshake or the connection failed for another reason (protocol version,
        /// the server closed, a timeout).
        case handshake
        /// A read or write on the session outlasted the socket's timeout.
        case timeout
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
