import JOSE
import JSON
import Testing

/// Key selection: keys come only from the JWKS, chosen by `kid` and constrained by the JWK's
/// `alg` and key type (RFC 7515 §4.1.3–4.1.6, RFC 7517 §4.4, RFC 8725 §3.10).
@Suite("Rejection: key selection")
struct KeySelectionTests {
    @Test("unknown kid")
    func unknownKid() throws {
        let token = try Fixtures.rsa.signer(keyID: "rsa-2").sign(claims: Fixtures.claims)
        expectRejection(.unknownKey) { _ = try Fixtures.verifier().verify(token) }
        // kid matching is exact (case and whitespace).
        for kid in ["RSA-1", "rsa-1 ", ""] {
            let variant = try Fixtures.rsa.signer(keyID: kid).sign(claims: Fixtures.claims)
            expectRejection(.unknownKey, "\(kid.debugDescription)") { _ = try Fixtures.verifier().verify(variant) }
        }
    }

    @Test("kid names a key whose JWK alg differs from the token's alg")
    func jwkAlgRestriction() throws {
        // The RSA JWK says alg RS256; a PS256 token by the very same key must not pass.
        let ps256 = try JWSSigner(privateKeyPEM: Fixtures.rsa.privateKeyPEM, algorithm: .ps256, keyID: "rsa-1")
        let token = try ps256.sign(claims: Fixtures.claims)
        let verifier = try Fixtures.verifier(algorithms: [.rs256, .ps256])
        expectRejection(.keyMismatch) { _ = try verifier.verify(token) }
        // Without the JWK alg restriction the same token verifies.
        var jwk = try #require(Fixtures.rsa.publicJWK(keyID: "rsa-1").objectValue)
        jwk["alg"] = nil
        let unrestricted = JWSVerifier(keys: try Fixtures.jwks([.object(jwk)]), algorithms: [.rs256, .ps256])
        #expect(try unrestricted.verify(token).algorithm == .ps256)
    }

    @Test("key type or curve does not fit the algorithm")
    func wrongKeyType() throws {
        let all = Set(JWSAlgorithm.allCases)
        let verifier = try Fixtures.verifier(algorithms: all)
        // ES256 token claiming the RSA key's kid.
        let es = try Fixtures.es256.signer(keyID: "rsa-1").sign(claims: Fixtures.claims)
        expectRejection(.keyMismatch) { _ = try verifier.verify(es) }
        // EdDSA token claiming the EC key's kid.
        let ed = try Fixtures.ed25519.signer(keyID: "ec-1").sign(claims: Fixtures.claims)
        expectRejection(.keyMismatch) { _ = try verifier.verify(ed) }
        // ES384 token for a P-256 key (RFC 7518 §3.4 binds curve and hash).
        let es384 = try Fixtures.es384.signer(keyID: "ec-1").sign(claims: Fixtures.claims)
        expectRejection(.keyMismatch) { _ = try verifier.verify(es384) }
        // Without kid: no key of the right type at all.
        let onlyRSA = JWSVerifier(keys: try Fixtures.jwks([Fixtures.rsa.publicJWK(keyID: "rsa-1")]), algorithms: all)
        let esNoKid = try Fixtures.es256.signer(keyID: nil).sign(claims: Fixtures.claims)
        expectRejection(.unknownKey) { _ = try onlyRSA.verify(esNoKid) }
    }

    @Test("HMAC keys shorter than the hash are unusable for that hash (RFC 7518 §3.2)")
    func shortHMACKey() throws {
        let keys = try Fixtures.jwks([Fixtures.octJWK(Fixtures.hmacSecret, kid: "h")], allowSymmetric: true)
        let verifier = JWSVerifier(keys: keys, algorithms: [.hs256, .hs512])
        let hs256 = try JWSSigner(hmacKey: Fixtures.hmacSecret, algorithm: .hs256, keyID: "h").sign(claims: Fixtures.claims)
        _ = try verifier.verify(hs256)
        // A 32-byte key cannot make an HS512 signer, so craft the token with a raw HMAC-SHA512 header.
        let longKey = Fixtures.hmacSecret + Fixtures.hmacSecret
        let hs512 = try JWSSigner(hmacKey: longKey, algorithm: .hs512, keyID: "h").sign(claims: Fixtures.claims)
        expectRejection(.keyMismatch) { _ = try verifier.verify(hs512) }
    }

    /// Keys offered by the token itself are never trusted (RFC 8725 §3.10): an attacker signs
    /// with their own key and embeds or points to it.
    @Test("embedded jwk / jku / x5u / x5c / x5t headers are ignored", arguments: ["jwk", "jku", "x5u", "x5c", "x5t"])
    func embeddedKeys(_ parameter: String) throws {
        let attacker = Fixtures.attackerES256
        let value: JSONValue
        switch parameter {
        case "jwk": value = attacker.publicJWK(keyID: "ec-1")
        case "x5c": value = [.string(String(attacker.publicKeyPEM.split(separator: "\n").dropFirst().dropLast().joined()))]
        case "x5t": value = "bm90LWEtcmVhbC10aHVtYnByaW50"
        default: value = "https://attacker.example/jwks.json"
        }
        let verifier = try Fixtures.verifier()
        for kid in ["ec-1", nil] as [String?] {
            var header: [String: JSONValue] = ["alg": "ES256", parameter: value]
            if let kid { header["kid"] = .string(kid) }
            let token = try attacker.signer(keyID: nil).sign(payload: Array(JSONValue.object(Fixtures.claims).serialized().utf8), header: header)
            expectRejection(.badSignature, "\(parameter), kid \(kid ?? "none")") { _ = try verifier.verify(token) }
        }
        // Pointing at a kid we do not have gets nowhere either.
        let elsewhere = try attacker.signer(keyID: nil).sign(payload: Array("{}".utf8), header: ["alg": "ES256", "kid": "attacker", parameter: value])
        expectRejection(.unknownKey) { _ = try verifier.verify(elsewhere) }
    }

    @Test("without kid every compatible key is tried (rotation); with kid only that key")
    func rotation() throws {
        let keys = try Fixtures.jwks([Fixtures.rsaOther.publicJWK(keyID: "old"), Fixtures.rsa.publicJWK(keyID: "new")])
        let verifier = JWSVerifier(keys: keys, algorithms: [.rs256])
        let noKid = try Fixtures.rsa.signer(keyID: nil).sign(claims: Fixtures.claims)
        #expect(try verifier.verify(noKid).keyID == nil)
        let wrongKid = try Fixtures.rsa.signer(keyID: "old").sign(claims: Fixtures.claims)
        expectRejection(.badSignature) { _ = try verifier.verify(wrongKid) }
        // Duplicate kids (allowed across key types, RFC 7517 §4.5) are each tried.
        let shared = try Fixtures.jwks([Fixtures.rsaOther.publicJWK(keyID: "k"), Fixtures.rsa.publicJWK(keyID: "k")])
        let sharedToken = try Fixtures.rsa.signer(keyID: "k").sign(claims: Fixtures.claims)
        #expect(try JWSVerifier(keys: shared, algorithms: [.rs256]).verify(sharedToken).keyID == "k")
    }
}
