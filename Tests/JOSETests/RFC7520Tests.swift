import JOSE
import JSON
import Testing

/// RFC 7520 ("Examples of Protecting Content Using JSON Object Signing and Encryption"),
/// §3 keys and §4 signatures, as published in ietf-jose/cookbook (Vectors/rfc7520, public domain).
@Suite("RFC 7520 §4 signatures")
struct RFC7520Tests {
    struct Example {
        let compact: String
        let protectedB64: String
        let payload: [UInt8]
        let header: [String: JSONValue]
        let privateKey: [String: JSONValue]

        init(_ file: String) throws {
            let json = try VectorFile.json("rfc7520/\(file)")
            let input = try #require(json["input"])
            let signing = try #require(json["signing"])
            compact = try #require(json["output"]).string("compact")
            protectedB64 = try signing.string("protected_b64u")
            payload = Array(try input.string("payload").utf8)
            header = try signing.object("protected")
            privateKey = try input.object("key")
        }
    }

    static func publicKeys(_ file: String, allowSymmetric: Bool = false) throws -> JWKS {
        try JWKS(json: VectorFile.bytes("rfc7520/\(file)"), allowSymmetric: allowSymmetric)
    }

    /// Verifies the signature and returns the payload; the RFC 7520 payload is prose, not a
    /// JWT claims set, so `verify` must reject it (invalid_json) after a valid signature.
    static func verifySignature(_ token: String, keys: JWKS, algorithm: JWSAlgorithm) throws -> [UInt8] {
        let verifier = JWSVerifier(keys: keys, algorithms: [algorithm])
        let result = try verifier.verifySignature(token)
        #expect(result.header.algorithm == algorithm)
        #expect(result.header.keyID == keys.keys.first?.kid)
        expectRejection(.invalidJSON) { _ = try verifier.verify(token) }
        return result.payload
    }

    @Test("§4.1 RS256: signing reproduces the published JWS byte for byte, and it verifies")
    func rs256() throws {
        let example = try Example("4_1.rsa_v15_signature.json")
        let signer = try JWSSigner(privateJWK: example.privateKey, algorithm: .rs256, keyID: nil)
        let token = try signer.sign(payload: example.payload, header: example.header)
        #expect(token.split(separator: ".").first.map(String.init) == example.protectedB64)
        #expect(token == example.compact)

        let keys = try Self.publicKeys("3_3.rsa_public_key.json")
        #expect(try Self.verifySignature(example.compact, keys: keys, algorithm: .rs256) == example.payload)
    }

    @Test("§4.2 PS384: the published (randomized) JWS verifies; our PS384 signature too")
    func ps384() throws {
        let example = try Example("4_2.rsa-pss_signature.json")
        let keys = try Self.publicKeys("3_3.rsa_public_key.json")
        #expect(try Self.verifySignature(example.compact, keys: keys, algorithm: .ps384) == example.payload)

        let signer = try JWSSigner(privateJWK: example.privateKey, algorithm: .ps384, keyID: nil)
        let ours = try signer.sign(payload: example.payload, header: example.header)
        #expect(ours != example.compact)  // PSS is randomized
        #expect(try Self.verifySignature(ours, keys: keys, algorithm: .ps384) == example.payload)
    }

    @Test("§4.3 ES512: the published (randomized) JWS verifies; our ES512 signature too")
    func es512() throws {
        let example = try Example("4_3.ecdsa_signature.json")
        let keys = try Self.publicKeys("3_1.ec_public_key.json")
        #expect(try Self.verifySignature(example.compact, keys: keys, algorithm: .es512) == example.payload)

        let signer = try JWSSigner(privateJWK: example.privateKey, algorithm: .es512, keyID: nil)
        let ours = try signer.sign(payload: example.payload, header: example.header)
        #expect(try Self.verifySignature(ours, keys: keys, algorithm: .es512) == example.payload)
        #expect(ours.split(separator: ".").last.flatMap { Base64URL.decode($0) }?.count == 132)
    }

    @Test("§4.4 HS256: signing reproduces the published JWS byte for byte, and it verifies")
    func hs256() throws {
        let example = try Example("4_4.hmac-sha2_integrity_protection.json")
        let signer = try JWSSigner(privateJWK: example.privateKey, algorithm: .hs256, keyID: nil)
        #expect(try signer.sign(payload: example.payload, header: example.header) == example.compact)

        let keys = try Self.publicKeys("3_5.symmetric_key_mac_computation.json", allowSymmetric: true)
        #expect(try Self.verifySignature(example.compact, keys: keys, algorithm: .hs256) == example.payload)
        // The same key set without allowSymmetric has no usable key.
        let noSymmetric = try Self.publicKeys("3_5.symmetric_key_mac_computation.json")
        #expect(noSymmetric.keys.isEmpty && noSymmetric.skipped.count == 1)
    }

    @Test("§3 private keys load for signing from the published JWKs")
    func privateKeysLoad() throws {
        for (file, algorithm) in [("3_2.ec_private_key.json", JWSAlgorithm.es512), ("3_4.rsa_private_key.json", .rs256)] {
            let jwk = try #require(try VectorFile.json("rfc7520/\(file)").objectValue)
            let signer = try JWSSigner(privateJWK: jwk, algorithm: algorithm, keyID: "bilbo.baggins@hobbiton.example")
            // A JWKS given the private JWK uses only its public members.
            let keys = try JWKS(json: VectorFile.bytes("rfc7520/\(file)"))
            let token = try signer.sign(claims: ["sub": "frodo"])
            let verified = try JWSVerifier(keys: keys, algorithms: [algorithm]).verify(token)
            #expect(verified.claims["sub"] == "frodo")
        }
    }
}
