/// The single error type thrown by `CurlClient`.
///
/// A struct with an open-ended `Code` (rather than an enum) so new failure classes can be
/// added without breaking callers that switch over the codes they care about.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case timeout
            case couldNotConnect
            case responseTooLarge
            case cancelled
            case shutdown
            case invalidRequest
            case tls
            case transport
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The total deadline (`CurlRequest.timeout`) or the connect deadline expired.
        public static let timeout = Code(.timeout)
        /// DNS resolution or the TCP/TLS connect failed (refused, unreachable, unknown host).
        public static let couldNotConnect = Code(.couldNotConnect)
        /// The response body exceeded `CurlRequest.maxResponseBytes`.
        public static let responseTooLarge = Code(.responseTooLarge)
        /// The calling task was cancelled.
        public static let cancelled = Code(.cancelled)
        /// The client was shut down before the request completed.
        public static let shutdown = Code(.shutdown)
        /// The request was rejected before anything was sent (bad URL, scheme, method or header).
        public static let invalidRequest = Code(.invalidRequest)
        /// The TLS handshake failed: the server's certificate or name did not verify, the
        /// client certificate was refused or unusable, or no common protocol version.
        public static let tls = Code(.tls)
        /// Any other libcurl failure; `message` carries libcurl's explanation.
        public static let transport = Code(.transport)

        public var description: String {
            switch self.base {
            case .timeout: "timeout"
            case .couldNotConnect: "couldNotConnect"
            case .responseTooLarge: "responseTooLarge"
            case .cancelled: "cancelled"
            case .shutdown: "shutdown"
            case .invalidRequest: "invalidRequest"
            case .tls: "tls"
            case .transport: "transport"
            }
        }
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String {
        "CurlError.\(self.code): \(self.message)"
    }
}
