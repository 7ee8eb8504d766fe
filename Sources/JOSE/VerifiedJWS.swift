import JSON

/// The result of a successful `JWSVerifier.verify`: the signature is valid under a configured
/// key. Claim semantics (`exp`, `aud`, …) are NOT checked here.
public struct VerifiedJWS: Sendable {
    /// The protected header, as parsed.
    public let header: [String: JSONValue]
    public let algorithm: JWSAlgorithm
    /// The header's `kid`, if any.
    public let keyID: String?
    /// The payload, a JSON object (RFC 7519 §7.2 step 10).
    public let claims: [String: JSONValue]

    /// For callers that need to fabricate a verified token (e.g. test doubles); the verifier
    /// is the only producer in production.
    public init(header: [String: JSONValue], algorithm: JWSAlgorithm, keyID: String?, claims: [String: JSONValue]) {
        self.header = header
        self.algorithm = algorithm
        self.keyID = keyID
        self.claims = claims
    }
}
