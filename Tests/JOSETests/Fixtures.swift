import JOSE
import JSON
import Testing

/// Keys shared by the tests (generated once per test process; RSA generation is slow).
enum Fixtures {
    static let rsa = try! SigningKeyPair.generate(algorithm: .rs256)
    static let rsaOther = try! SigningKeyPair.generate(algorithm: .rs256)
    static let es256 = try! SigningKeyPair.generate(algorithm: .es256)
    static let es384 = try! SigningKeyPair.generate(algorithm: .es384)
    static let ed25519 = try! SigningKeyPair.generate(algorithm: .edDSA)
    static let attackerES256 = try! SigningKeyPair.generate(algorithm: .es256)
    static let hmacSecret: [UInt8] = (0..<32).map { UInt8($0 &* 7 &+ 3) }

    /// A JWKS from JWK objects, via its JSON form (the production path).
    static func jwks(_ keys: [JSONValue], allowSymmetric: Bool = false) throws -> JWKS {
        try JWKS(json: JSONValue.object(["keys": .array(keys)]).serialized(), allowSymmetric: allowSymmetric)
    }

    static func octJWK(_ secret: [UInt8], kid: String, alg: JWSAlgorithm? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["kty": "oct", "k": .string(Base64URL.encode(secret)), "kid": .string(kid)]
        if let alg { members["alg"] = .string(alg.rawValue) }
        return .object(members)
    }

    /// The standard set: one RSA key "rsa-1" (alg RS256), one P-256 key "ec-1", one Ed25519 key.
    static func standardKeys() throws -> JWKS {
        try jwks([
            rsa.publicJWK(keyID: "rsa-1"), es256.publicJWK(keyID: "ec-1"), ed25519.publicJWK(keyID: "ed-1"),
        ])
    }

    static func verifier(_ keys: JWKS? = nil, algorithms: Set<JWSAlgorithm> = [.rs256, .es256, .edDSA], maxTokenBytes: Int = 16384) throws -> JWSVerifier {
        JWSVerifier(keys: try keys ?? standardKeys(), algorithms: algorithms, maxTokenBytes: maxTokenBytes)
    }

    static let claims: [String: JSONValue] = ["sub": "alice", "iat": 1_700_000_000, "scope": ["read", "write"]]

    /// A token whose header and payload are given as raw JSON text (any bytes, even invalid
    /// JSON), signed correctly with `signer`, so only the tested defect can cause rejection.
    static func rawToken(header: String, payload: String, signer: JWSSigner) throws -> String {
        try rawToken(header: Array(header.utf8), payload: Array(payload.utf8), signer: signer)
    }

    static func rawToken(header: [UInt8], payload: [UInt8], signer: JWSSigner) throws -> String {
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        return input + "." + Base64URL.encode(try signer.signature(over: Array(input.utf8)))
    }

    static var rsaSigner: JWSSigner { rsa.signer(keyID: "rsa-1") }
    static var es256Signer: JWSSigner { es256.signer(keyID: "ec-1") }
}

/// Asserts that `body` throws a `JOSEError` with exactly `code`.
func expectRejection(
    _ code: JOSEError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected \(code) but it was accepted. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    } catch let error as JOSEError {
        #expect(error.code == code, "\(error) \(comment.map { "— \($0)" } ?? "")", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
    }
}

/// Token surgery helpers.
enum Segments {
    static func split(_ token: String) -> [String] {
        token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    static func join(_ parts: [String]) -> String { parts.joined(separator: ".") }

    static func replacing(_ token: String, at index: Int, with segment: String) -> String {
        var parts = split(token)
        parts[index] = segment
        return join(parts)
    }

    static func signatureBytes(_ token: String) -> [UInt8] {
        Base64URL.decode(split(token)[2])!
    }

    static func withSignature(_ token: String, _ signature: [UInt8]) -> String {
        replacing(token, at: 2, with: Base64URL.encode(signature))
    }
}
