/// An error from the JOSE module.
///
/// `code` is a small, stable set of reasons meant for branching and for metrics labels
/// (`code.description` is snake_case and never changes); `message` is for humans and logs and
/// may change at any time. Messages never contain key material.
public struct JOSEError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case malformed
            case tooLarge = "too_large"
            case algNotAllowed = "alg_not_allowed"
            case unsupportedHeader = "unsupported_header"
            case unknownKey = "unknown_key"
            case keyMismatch = "key_mismatch"
            case badSignature = "bad_signature"
            case invalidKey = "invalid_key"
            case invalidJSON = "invalid_json"
            case cryptoFailure = "crypto_failure"
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The token or an encoded value is structurally wrong: segment count, base64url,
        /// non-ASCII bytes, a header/claims value of the wrong JSON type.
        public static let malformed = Code(.malformed)
        /// The input is longer than the configured limit; nothing was parsed.
        public static let tooLarge = Code(.tooLarge)
        /// `alg` is missing, not a string, or not in the verifier's allow-list (this includes `none`).
        public static let algNotAllowed = Code(.algNotAllowed)
        /// The header asks for something this module deliberately does not do
        /// (`crit`, `b64`, `enc`/`zip`/JWE, nested JWTs).
        public static let unsupportedHeader = Code(.unsupportedHeader)
        /// No configured key has the token's `kid`, or (without `kid`) no key fits the algorithm.
        public static let unknownKey = Code(.unknownKey)
        /// Keys with the token's `kid` exist, but none of them may be used with the token's `alg`
        /// (wrong key type, curve, JWK `alg`, or HMAC key too short). Refreshing the JWKS won't help.
        public static let keyMismatch = Code(.keyMismatch)
        /// A candidate key was found but the signature does not verify.
        public static let badSignature = Code(.badSignature)
        /// A key (JWK, PEM, HMAC secret) is malformed, too weak, or of the wrong type.
        public static let invalidKey = Code(.invalidKey)
        /// Bytes that must be JSON are not strict RFC 8259 JSON (incl. duplicate keys, depth).
        public static let invalidJSON = Code(.invalidJSON)
        /// OpenSSL failed for a reason unrelated to the input (allocation, provider missing).
        public static let cryptoFailure = Code(.cryptoFailure)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "JOSEError(\(code)): \(message)" }
}

extension JOSEError {
    static func malformed(_ message: String) -> JOSEError { JOSEError(.malformed, message) }
    static func invalidJSON(_ message: String) -> JOSEError { JOSEError(.invalidJSON, message) }
    static func invalidKey(_ message: String) -> JOSEError { JOSEError(.invalidKey, message) }
    static func unsupportedHeader(_ message: String) -> JOSEError { JOSEError(.unsupportedHeader, message) }
    static func cryptoFailure(_ message: String) -> JOSEError {
        JOSEError(.cryptoFailure, message + OpenSSLErrors.drain())
    }
}
