import JSON

/// Produces compact JWS tokens (RFC 7515 §7.1). Used by `oms token mint`, the emulator and tests.
public struct JWSSigner: Sendable {
    public let algorithm: JWSAlgorithm
    public let keyID: String?
    private let key: SigningKey

    /// - Parameter privateKeyPEM: PKCS#8 (`BEGIN PRIVATE KEY`) or traditional
    ///   (`BEGIN RSA PRIVATE KEY` / `BEGIN EC PRIVATE KEY`) PEM, unencrypted. Its type must
    ///   fit `algorithm`.
    public init(privateKeyPEM: String, algorithm: JWSAlgorithm, keyID: String?) throws(JOSEError) {
        guard algorithm.family != .hmac else {
            throw .invalidKey("\(algorithm.rawValue) needs init(hmacKey:algorithm:keyID:)")
        }
        let key = try EVPKeyBuilder.privateKey(pem: privateKeyPEM)
        try self.init(key: SigningKey(key: key, algorithm: algorithm), keyID: keyID)
    }

    /// - Parameter hmacKey: at least as long as the hash output (RFC 7518 §3.2).
    public init(hmacKey: [UInt8], algorithm: JWSAlgorithm, keyID: String?) throws(JOSEError) {
        try self.init(key: SigningKey(hmacSecret: hmacKey, algorithm: algorithm), keyID: keyID)
    }

    /// From a private JWK (RSA with CRT members, EC with `d`, OKP Ed25519 with `d`, or oct),
    /// e.g. the RFC 7520 §3 example keys.
    package init(privateJWK: [String: JSONValue], algorithm: JWSAlgorithm, keyID: String?) throws(JOSEError) {
        try self.init(key: PrivateJWK.signingKey(privateJWK, algorithm: algorithm), keyID: keyID)
    }

    init(key: SigningKey, keyID: String?) {
        self.algorithm = key.algorithm
        self.keyID = keyID
        self.key = key
    }

    /// Signs a JWT: the header is `extraHeader` plus `alg`, `kid` (when set) and, unless
    /// `extraHeader` sets one, `typ: "JWT"` (RFC 7519 §5.1). `alg`/`kid` cannot be overridden.
    public func sign(claims: [String: JSONValue], extraHeader: [String: JSONValue] = [:]) throws(JOSEError) -> String {
        var header = extraHeader
        header["alg"] = .string(algorithm.rawValue)
        if let keyID { header["kid"] = .string(keyID) }
        if header["typ"] == nil { header["typ"] = "JWT" }
        return try sign(payload: JSONValue.object(claims).serializedBytes(), header: header)
    }

    /// Signs arbitrary payload bytes under exactly `header` (nothing is added or checked):
    /// for tests and attack builders that need headers the verifier must reject.
    public func sign(payload: [UInt8], header: [String: JSONValue]) throws(JOSEError) -> String {
        let signingInput =
            Base64URL.encode(JSONValue.object(header).serializedBytes()) + "." + Base64URL.encode(payload)
        let signature = try key.sign(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// The raw JWS Signature over arbitrary signing-input bytes, so tests can build tokens
    /// whose header or payload bytes no JSON serializer would produce (duplicate keys, garbage).
    package func signature(over signingInput: [UInt8]) throws(JOSEError) -> [UInt8] {
        try key.sign(signingInput)
    }
}
