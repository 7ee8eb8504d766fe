/// The single error type thrown by the Redis module.
///
/// A struct with an open-ended `Code` (rather than an enum) so new failure classes can be
/// added without breaking callers that switch over the codes they care about. `code` is for
/// branching and metrics labels; `message` is for humans and logs and may change.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connection
            case timeout
            case protocolError = "protocol_error"
            case server
            case closed
            case cancelled
            case invalidURL = "invalid_url"
            case invalidCommand = "invalid_command"
            case tls
            case authentication
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// Connecting failed (refused, unreachable, unknown host) or the connection broke
        /// (closed by the server, reset). The command may or may not have run.
        public static let connection = Code(.connection)
        /// Connecting, sending or waiting for a reply took longer than the configured timeout.
        /// The command may or may not have run.
        public static let timeout = Code(.timeout)
        /// The server sent something hiredis or this module cannot represent (malformed
        /// RESP, arrays nested too deeply).
        public static let protocolError = Code(.protocolError)
        /// The server refused the connection setup (for example `SELECT` of a database it
        /// does not have). Error replies to ordinary commands are `RedisReply.error`, not this.
        public static let server = Code(.server)
        /// The client or subscriber was shut down.
        public static let closed = Code(.closed)
        /// The calling task was cancelled before the command was sent.
        public static let cancelled = Code(.cancelled)
        /// `RedisEndpoint(url:)` rejected the URL; nothing was connected.
        public static let invalidURL = Code(.invalidURL)
        /// The command was rejected before anything was sent (no arguments, too many).
        public static let invalidCommand = Code(.invalidCommand)
        /// The TLS handshake failed: the server's certificate or name did not verify, or the
        /// TLS settings could not be loaded.
        public static let tls = Code(.tls)
        /// The server refused `AUTH` (wrong user or password, or the user is disabled).
        public static let authentication = Code(.authentication)

        /// snake_case, stable: safe for metrics labels.
        public var description: String { self.base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public init(_ code: Code, _ message: String) {
        self.init(code: code, message: message)
    }

    public var description: String {
        "RedisError.\(self.code): \(self.message)"
    }
}
