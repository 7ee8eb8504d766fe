import JSON

/// One verification key from a JWK Set (RFC 7517 §4), validated and imported into OpenSSL.
public struct JWK: Sendable {
    /// `kid` (RFC 7517 §4.5), used to pick the key for a token.
    public let kid: String?
    /// `alg` (RFC 7517 §4.4): when set, this key verifies only that algorithm.
    public let algorithm: JWSAlgorithm?
    /// `kty`: "RSA", "EC", "OKP" or "oct".
    public let keyType: String
    /// `crv` for EC and OKP keys.
    public let curve: String?

    package let key: VerificationKey

    init(kid: String?, algorithm: JWSAlgorithm?, curve: String?, key: VerificationKey) {
        self.kid = kid
        self.algorithm = algorithm
        self.keyType = key.keyType
        self.curve = curve
        self.key = key
    }

    /// Both the JWK's own `alg` restriction and the key type must allow `algorithm`.
    func canVerify(_ algorithm: JWSAlgorithm) -> Bool {
        if let restriction = self.algorithm, restriction != algorithm { return false }
        return key.canVerify(algorithm)
    }

    /// Parses one JWK object (public members only; private members such as `d` are ignored).
    package init(json: [UInt8], allowSymmetric: Bool = false) throws(JOSEError) {
        let members = try json.withUnsafeBufferPointer { buffer in
            Result { () throws(JOSEError) in try JOSEJSON.parseObject(buffer, what: "JWK") }
        }.get()
        switch try JWKParser.parse(members, position: 0, allowSymmetric: allowSymmetric) {
        case .key(let key): self = key
        case .skipped(let reason): throw .invalidKey(reason)
        }
    }
}
