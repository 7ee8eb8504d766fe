import JOSE
import JSON
import Testing

/// JWK Set loading (RFC 7517 §4–5, RFC 7518 §6, RFC 8037 §2): unsupported keys are skipped
/// with a reason; malformed keys of supported types fail the whole set.
@Suite("JWKS loading")
struct JWKSTests {
    static let ecJWK = Fixtures.es256.publicJWK(keyID: "ec-1").objectValue!
    static let rsaJWK = Fixtures.rsa.publicJWK(keyID: "rsa-1").objectValue!

    static func load(_ keys: [JSONValue], allowSymmetric: Bool = false) throws -> JWKS {
        try Fixtures.jwks(keys, allowSymmetric: allowSymmetric)
    }

    static func modifying(_ base: [String: JSONValue], _ changes: [String: JSONValue?]) -> JSONValue {
        var copy = base
        for (key, value) in changes { copy[key] = value }
        return .object(copy)
    }

    @Test("a mixed set loads; unsupported keys are listed in skipped")
    func mixed() throws {
        let weakRSA = Base64URL.encode([0xC1] + [UInt8](repeating: 0x5A, count: 126) + [0x01])  // 1024 bits
        let set = try Self.load([
            .object(Self.rsaJWK), .object(Self.ecJWK), Fixtures.ed25519.publicJWK(keyID: "ed-1"),
            ["kty": "RSA", "kid": "weak", "n": .string(weakRSA), "e": "AQAB"],
            ["kty": "EC", "kid": "k1", "crv": "secp256k1", "x": "AA", "y": "AA"],
            ["kty": "OKP", "kid": "x", "crv": "X25519", "x": "AA"],
            ["kty": "OKP", "kid": "ed448", "crv": "Ed448", "x": "AA"],
            ["kty": "PQC", "kid": "future"],
            Self.modifying(Self.ecJWK, ["kid": "enc", "use": "enc"]),
            Self.modifying(Self.ecJWK, ["kid": "ops", "key_ops": ["encrypt", "sign"]]),
            Self.modifying(Self.ecJWK, ["kid": "alg", "alg": "ES256K"]),
            Fixtures.octJWK(Fixtures.hmacSecret, kid: "oct"),
        ])
        #expect(set.keys.map(\.kid) == ["rsa-1", "ec-1", "ed-1"])
        #expect(set.keys.map(\.keyType) == ["RSA", "EC", "OKP"])
        #expect(set.keys.map(\.algorithm) == [.rs256, .es256, .edDSA])
        #expect(set.skipped.count == 9, "\(set.skipped)")
        #expect(set.skipped.contains { $0.contains("weak") && $0.contains("2048") })
        #expect(set.skipped.contains { $0.contains("symmetric") })
        #expect(set.containsKey(id: "ec-1") && !set.containsKey(id: "weak") && !set.containsKey(id: "EC-1"))
    }

    @Test("single JWK, key_ops with verify, and oct keys when allowed")
    func accepted() throws {
        let single = try JWKS(json: JSONValue.object(Self.ecJWK).serialized())
        #expect(single.keys.count == 1)
        let ops = try Self.load([Self.modifying(Self.ecJWK, ["key_ops": ["verify"], "use": nil])])
        #expect(ops.keys.count == 1)
        let oct = try Self.load([Fixtures.octJWK(Fixtures.hmacSecret, kid: "h", alg: .hs256)], allowSymmetric: true)
        #expect(oct.keys.first?.keyType == "oct" && oct.skipped.isEmpty)
        let empty = try JWKS(json: #"{"keys":[]}"#)
        #expect(empty.keys.isEmpty)
        // Private members are ignored: only the public key is used.
        _ = try Self.load([Self.modifying(Self.ecJWK, ["d": "AAAA"])])
    }

    @Test("malformed keys of supported types fail the whole set", arguments: [
        ("EC point not on the curve", modifying(ecJWK, ["y": .string(Base64URL.encode([UInt8](repeating: 1, count: 32)))])),
        ("EC coordinate too short", modifying(ecJWK, ["x": .string(Base64URL.encode([UInt8](repeating: 1, count: 31)))])),
        ("EC coordinate too long", modifying(ecJWK, ["x": .string(Base64URL.encode([0] + Base64URL.decode(ecJWK["x"]!.stringValue!)!))])),
        ("EC y missing", modifying(ecJWK, ["y": nil])),
        ("EC crv missing", modifying(ecJWK, ["crv": nil])),
        ("EC alg for another curve", modifying(ecJWK, ["alg": "ES384"])),
        ("EC key with RSA alg", modifying(ecJWK, ["alg": "RS256"])),
        ("x padded base64", modifying(ecJWK, ["x": .string(ecJWK["x"]!.stringValue! + "=")])),
        ("kid not a string", modifying(ecJWK, ["kid": 5])),
        ("use not a string", modifying(ecJWK, ["use": ["sig"]])),
        ("key_ops not an array", modifying(ecJWK, ["key_ops": "verify"])),
        ("alg not a string", modifying(ecJWK, ["alg": 1])),
        ("kty missing", modifying(ecJWK, ["kty": nil])),
        ("RSA n not base64url", modifying(rsaJWK, ["n": "not*base64"])),
        ("RSA e missing", modifying(rsaJWK, ["e": nil])),
        ("RSA even modulus", modifying(rsaJWK, ["n": .string(Base64URL.encode([0xC0] + [UInt8](repeating: 0, count: 255)))])),
        ("RSA e = 1", modifying(rsaJWK, ["e": "AQ"])),
        ("Ed25519 x 31 bytes", ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode([UInt8](repeating: 9, count: 31)))]),
        ("not an object", "key"),
    ] as [(String, JSONValue)])
    func malformed(_ label: String, _ jwk: JSONValue) {
        expectRejection(.invalidKey, "\(label)") { _ = try Self.load([jwk]) }
    }

    @Test("oct keys below RFC 7518 §3.2 minimum fail when symmetric keys are allowed")
    func shortOct() {
        expectRejection(.invalidKey) { _ = try Self.load([Fixtures.octJWK(Array(Fixtures.hmacSecret.prefix(31)), kid: "s")], allowSymmetric: true) }
        expectRejection(.invalidKey) { _ = try Self.load([Fixtures.octJWK(Fixtures.hmacSecret, kid: "s", alg: .hs384)], allowSymmetric: true) }
    }

    @Test("document-level errors", arguments: [
        (#"{"keys":{}}"#, JOSEError.Code.invalidKey), (#"{"foo":[]}"#, .invalidKey), (#"[]"#, .malformed),
        (#"{"keys":[]"#, .invalidJSON), (#"{"keys":[],"keys":[]}"#, .invalidJSON), ("", .invalidJSON),
    ])
    func document(_ json: String, _ code: JOSEError.Code) {
        expectRejection(code, "\(json)") { _ = try JWKS(json: json) }
    }
}
