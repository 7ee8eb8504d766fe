import Access
import AuthService
import Foundation
import JOSE
import JSON

/// A throwaway issuer for tests: an ES256 and an RS256 key, their JWKS on disk, and a token
/// minter whose default claims pass the test configuration.
public struct TestIssuer: Sendable {
    public let folder: URL
    public let jwksFile: String
    /// The ES256 key (`ec-1`) in PEM, for a process that signs as this issuer (the OIDM emulator).
    public let privateKeyFile: String
    public let es256: JWSSigner
    public let rs256: JWSSigner
    /// A key that is NOT in the JWKS (an attacker's).
    public let stranger: JWSSigner
    public let strangerJWK: JSONValue

    public static let issuer = "https://idp.test"
    public static let audience = "oms"
    public static let domain = "retail"

    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-auth-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ec = try SigningKeyPair.generate(algorithm: .es256)
        let rsa = try SigningKeyPair.generate(algorithm: .rs256)
        let other = try SigningKeyPair.generate(algorithm: .es256)
        es256 = try JWSSigner(privateKeyPEM: ec.privateKeyPEM, algorithm: .es256, keyID: "ec-1")
        privateKeyFile = folder.appendingPathComponent("private.pem").path
        try Data(ec.privateKeyPEM.utf8).write(to: URL(fileURLWithPath: privateKeyFile))
        rs256 = try JWSSigner(privateKeyPEM: rsa.privateKeyPEM, algorithm: .rs256, keyID: "rsa-1")
        stranger = try JWSSigner(privateKeyPEM: other.privateKeyPEM, algorithm: .es256, keyID: "ec-1")
        strangerJWK = other.publicJWK(keyID: "ec-1")
        let jwks = JSONValue.object(["keys": .array([ec.publicJWK(keyID: "ec-1"), rsa.publicJWK(keyID: "rsa-1")])])
        jwksFile = folder.appendingPathComponent("jwks.json").path
        try Data(jwks.serialized().utf8).write(to: URL(fileURLWithPath: jwksFile))
    }

    /// Publishes a second key (`ec-2`) beside the first by rewriting the JWKS file, as an
    /// issuer rotating keys would, and returns its signer.
    public func rotate() throws -> JWSSigner {
        let current = try StrictJSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: jwksFile))))
        let next = try SigningKeyPair.generate(algorithm: .es256)
        let keys = (current["keys"]?.arrayValue ?? []) + [next.publicJWK(keyID: "ec-2")]
        try Data(JSONValue.object(["keys": .array(keys)]).serialized().utf8).write(to: URL(fileURLWithPath: jwksFile))
        return try JWSSigner(privateKeyPEM: next.privateKeyPEM, algorithm: .es256, keyID: "ec-2")
    }

    /// Now, in whole seconds, as tokens state times.
    public static var now: Double { Date().timeIntervalSince1970.rounded(.down) }

    public static func claims(_ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        let now = Date().timeIntervalSince1970.rounded(.down)
        var claims: [String: JSONValue] = [
            "iss": .string(issuer), "aud": .string(audience), "sub": "alice", "domain": .string(domain),
            "scope": "documents.read", "client_id": "portal", "iat": .number(now), "exp": .number(now + 300),
            "jti": .string(UUID().uuidString),
        ]
        for (key, value) in changes { claims[key] = value }
        return claims
    }

    public func token(_ changes: [String: JSONValue?] = [:], signer: JWSSigner? = nil) throws -> String {
        try (signer ?? es256).sign(claims: Self.claims(changes))
    }
}

extension AccessConfiguration {
    /// A role's access check that trusts `issuer` (its JWKS file, issuer, audience and domain).
    public static func verifying(_ issuer: TestIssuer, endpoints: [String: [String]]) -> AccessConfiguration {
        AccessConfiguration(
            mode: .verify(
                jwks: JWKSSettings(source: .file(issuer.jwksFile)),
                token: TokenPolicy(issuers: [TestIssuer.issuer], audiences: [TestIssuer.audience], allowedDomains: [TestIssuer.domain]),
                cacheEntries: 100
            ),
            scopes: endpoints
        )
    }
}
