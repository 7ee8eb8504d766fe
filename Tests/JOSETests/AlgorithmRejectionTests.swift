import JOSE
import JSON
import Testing

/// `alg` handling (RFC 7515 §4.1.1, RFC 8725 §3.1–3.2): allow-list only, exact match, and no
/// algorithm confusion between key types.
@Suite("Rejection: alg")
struct AlgorithmRejectionTests {
    @Test("alg none in every spelling is not an algorithm", arguments: ["none", "None", "NONE", "nOnE", ""])
    func algNone(_ name: String) throws {
        let verifier = try Fixtures.verifier(algorithms: Set(JWSAlgorithm.allCases))
        let payload = JSONValue.object(Fixtures.claims).serialized()
        // Unsigned, as an attacker would send it …
        let unsigned = Base64URL.encode(Array(#"{"alg":"\#(name)","kid":"rsa-1"}"#.utf8)) + "."
            + Base64URL.encode(Array(payload.utf8)) + "."
        expectRejection(.algNotAllowed) { _ = try verifier.verify(unsigned) }
        // … and even with a genuine RSA signature over that header.
        let signed = try Fixtures.rsaSigner.sign(payload: Array(payload.utf8), header: ["alg": .string(name), "kid": "rsa-1"])
        expectRejection(.algNotAllowed) { _ = try verifier.verify(signed) }
    }

    @Test("alg missing or not a string", arguments: [
        #"{"kid":"rsa-1"}"#, #"{"alg":null}"#, #"{"alg":256}"#, #"{"alg":["RS256"]}"#, #"{"alg":{"name":"RS256"}}"#,
        #"{"alg":true}"#,
    ])
    func algNotString(_ header: String) throws {
        let token = try Fixtures.rawToken(header: header, payload: "{}", signer: Fixtures.rsaSigner)
        expectRejection(.algNotAllowed) { _ = try Fixtures.verifier().verify(token) }
    }

    @Test("alg outside the allow-list, or a case variant of an allowed one")
    func notAllowed() throws {
        let verifier = try Fixtures.verifier(algorithms: [.rs256])
        let ps256 = try Fixtures.rsaSigner.sign(payload: [0x7B, 0x7D], header: ["alg": "PS256", "kid": "rsa-1"])
        expectRejection(.algNotAllowed) { _ = try verifier.verify(ps256) }
        let es256 = try Fixtures.es256Signer.sign(claims: Fixtures.claims)
        expectRejection(.algNotAllowed) { _ = try verifier.verify(es256) }
        for variant in ["rs256", "Rs256", "RS256 ", " RS256", "RS-256", "RS256\u{0}"] {
            let token = try Fixtures.rawToken(header: #"{"alg":\#(JSONValue.string(variant).serialized()),"kid":"rsa-1"}"#, payload: "{}", signer: Fixtures.rsaSigner)
            expectRejection(.algNotAllowed, "\(variant.debugDescription)") { _ = try verifier.verify(token) }
        }
        // An empty allow-list accepts nothing.
        let rs256 = try Fixtures.rsaSigner.sign(claims: Fixtures.claims)
        expectRejection(.algNotAllowed) { _ = try Fixtures.verifier(algorithms: []).verify(rs256) }
        #expect(try verifier.verify(rs256).algorithm == .rs256)
    }

    /// The classic RS256 → HS256 confusion (RFC 8725 §2.1): the attacker HMACs with the public
    /// key material as secret. HS256 is allowed and the JWKS even accepts symmetric keys, but
    /// the only key is RSA, which can never serve as an HMAC secret.
    /// Run with and without `alg` in the JWK, so the key-type check is tested on its own
    /// (with `alg: RS256` the JWK restriction alone already refuses HS256).
    @Test("RS → HS key confusion fails for every encoding of the public key", arguments: [true, false])
    func rsaToHMACConfusion(jwkHasAlg: Bool) throws {
        var rsaJWK = Fixtures.rsa.publicJWK(keyID: "rsa-1")
        if !jwkHasAlg, case .object(var members) = rsaJWK {
            members["alg"] = nil
            rsaJWK = .object(members)
        }
        #expect((rsaJWK["alg"] != nil) == jwkHasAlg)
        let keys = try Fixtures.jwks([rsaJWK], allowSymmetric: true)
        let verifier = JWSVerifier(keys: keys, algorithms: [.rs256, .hs256, .hs384, .hs512])
        let secrets: [(String, [UInt8])] = [
            ("SPKI PEM", Array(Fixtures.rsa.publicKeyPEM.utf8)),
            ("PEM without trailing newline", Array(Fixtures.rsa.publicKeyPEM.utf8.dropLast())),
            ("JWK JSON", Array(rsaJWK.serialized().utf8)),
            ("JWKS JSON", Array(JSONValue.object(["keys": [rsaJWK]]).serialized().utf8)),
            ("modulus bytes", Base64URL.decode(try #require(rsaJWK["n"]?.stringValue))!),
        ]
        for (label, secret) in secrets {
            let withKid = try JWSSigner(hmacKey: secret, algorithm: .hs256, keyID: "rsa-1").sign(claims: Fixtures.claims)
            expectRejection(.keyMismatch, "\(label), kid") { _ = try verifier.verify(withKid) }
            let withoutKid = try JWSSigner(hmacKey: secret, algorithm: .hs256, keyID: nil).sign(claims: Fixtures.claims)
            expectRejection(.unknownKey, "\(label), no kid") { _ = try verifier.verify(withoutKid) }
        }
    }

    @Test("EC and EdDSA keys cannot be used as HMAC secrets either")
    func otherKeysToHMAC() throws {
        let verifier = try Fixtures.verifier(algorithms: Set(JWSAlgorithm.allCases))
        for (kid, jwk) in [("ec-1", Fixtures.es256.publicJWK(keyID: "ec-1")), ("ed-1", Fixtures.ed25519.publicJWK(keyID: "ed-1"))] {
            let secret = Array(jwk.serialized().utf8)
            let token = try JWSSigner(hmacKey: secret, algorithm: .hs256, keyID: kid).sign(claims: Fixtures.claims)
            expectRejection(.keyMismatch, "\(kid)") { _ = try verifier.verify(token) }
        }
    }
}
