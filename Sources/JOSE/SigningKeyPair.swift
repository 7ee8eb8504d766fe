import JSON

/// An asymmetric key pair for one JWS algorithm (`oms keys generate`, emulators, tests).
public struct SigningKeyPair: Sendable {
    public let algorithm: JWSAlgorithm
    /// Unencrypted PKCS#8 PEM (`BEGIN PRIVATE KEY`). Treat as a secret.
    public let privateKeyPEM: String
    /// SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`), for tools that do not read JWKs.
    public let publicKeyPEM: String
    private let key: EVPKey
    private let publicMembers: [String: JSONValue]

    /// RSA 2048 for RS*/PS*, the matching NIST curve for ES*, Ed25519 for EdDSA.
    /// HS* has no key pair (use random bytes with `JWSSigner(hmacKey:…)`): throws `invalid_key`.
    public static func generate(algorithm: JWSAlgorithm) throws(JOSEError) -> SigningKeyPair {
        let key = try EVPKeyBuilder.generate(for: algorithm)
        return try SigningKeyPair(key: key, algorithm: algorithm, pem: EVPKeyBuilder.pkcs8PEM(key))
    }

    /// Loads an existing PEM private key (PKCS#8 or traditional), checked against `algorithm`.
    public init(privateKeyPEM: String, algorithm: JWSAlgorithm) throws(JOSEError) {
        let key = try EVPKeyBuilder.privateKey(pem: privateKeyPEM)
        try self.init(key: key, algorithm: algorithm, pem: EVPKeyBuilder.pkcs8PEM(key))
    }

    private init(key: EVPKey, algorithm: JWSAlgorithm, pem: String) throws(JOSEError) {
        _ = try SigningKey(key: key, algorithm: algorithm)  // type/size/curve check
        self.algorithm = algorithm
        self.privateKeyPEM = pem
        self.publicKeyPEM = try EVPKeyBuilder.publicKeyPEM(key)
        self.key = key
        self.publicMembers = try key.publicJWKMembers()
    }

    /// The public JWK to publish in a JWKS: `kty` and key members plus
    /// `"kid"`, `"alg"` and `"use": "sig"`.
    public func publicJWK(keyID: String) -> JSONValue {
        var members = publicMembers
        members["kid"] = .string(keyID)
        members["alg"] = .string(algorithm.rawValue)
        members["use"] = "sig"
        return .object(members)
    }

    /// A signer using this key pair.
    public func signer(keyID: String?) -> JWSSigner {
        // The key was checked against the algorithm at creation, so this cannot fail.
        JWSSigner(key: try! SigningKey(key: key, algorithm: algorithm), keyID: keyID)
    }
}
