import JOSE
import JSON
import Testing

/// Sign → publish JWK → verify, for every algorithm, plus signer-side key checks.
@Suite("Round trips and signing keys")
struct RoundTripTests {
    static let asymmetricAlgorithms: [JWSAlgorithm] = JWSAlgorithm.allCases.filter { !$0.rawValue.hasPrefix("HS") }

    @Test("generated key pairs sign tokens that verify through a JWKS built from publicJWK", arguments: asymmetricAlgorithms)
    func asymmetric(_ algorithm: JWSAlgorithm) throws {
        let pair = try SigningKeyPair.generate(algorithm: algorithm)
        #expect(pair.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(pair.publicKeyPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        let jwk = pair.publicJWK(keyID: "k-\(algorithm.rawValue)")
        #expect(jwk["use"] == "sig" && jwk["alg"] == .string(algorithm.rawValue) && jwk["d"] == nil)
        let keys = try JWKS(json: JSONValue.object(["keys": [jwk]]).serialized())
        let verifier = JWSVerifier(keys: keys, algorithms: [algorithm])

        let claims: [String: JSONValue] = ["sub": "user-1", "exp": 1_900_000_000, "nested": ["a": [1, 2.5, "ü"]]]
        let token = try pair.signer(keyID: "k-\(algorithm.rawValue)").sign(claims: claims, extraHeader: ["x-trace": "abc"])
        let verified = try verifier.verify(token)
        #expect(verified.claims == claims)
        #expect(verified.algorithm == algorithm && verified.keyID == "k-\(algorithm.rawValue)")
        #expect(verified.header["typ"] == "JWT" && verified.header["x-trace"] == "abc")

        // The PKCS#8 PEM reloads into an equivalent signer and key pair.
        let reloaded = try JWSSigner(privateKeyPEM: pair.privateKeyPEM, algorithm: algorithm, keyID: "k-\(algorithm.rawValue)")
        _ = try verifier.verify(try reloaded.sign(claims: claims))
        #expect(try SigningKeyPair(privateKeyPEM: pair.privateKeyPEM, algorithm: algorithm).publicJWK(keyID: "x") == pair.publicJWK(keyID: "x"))

        if let size = [JWSAlgorithm.es256: 64, .es384: 96, .es512: 132, .edDSA: 64][algorithm] {
            #expect(Segments.signatureBytes(token).count == size)
        }
    }

    @Test("HMAC tokens verify with oct keys when symmetric keys are allowed", arguments: [JWSAlgorithm.hs256, .hs384, .hs512])
    func hmac(_ algorithm: JWSAlgorithm) throws {
        let secret = (0..<64).map { UInt8($0 * 3) }
        let keys = try Fixtures.jwks([Fixtures.octJWK(secret, kid: "h", alg: algorithm)], allowSymmetric: true)
        let token = try JWSSigner(hmacKey: secret, algorithm: algorithm, keyID: "h").sign(claims: Fixtures.claims)
        let verified = try JWSVerifier(keys: keys, algorithms: [algorithm]).verify(token)
        #expect(verified.claims == Fixtures.claims && verified.algorithm == algorithm)
        // The same JWKS without allowSymmetric has no key.
        let strict = try Fixtures.jwks([Fixtures.octJWK(secret, kid: "h", alg: algorithm)])
        expectRejection(.unknownKey) { _ = try JWSVerifier(keys: strict, algorithms: [algorithm]).verify(token) }
    }

    @Test("signers refuse keys that do not fit the algorithm")
    func signerKeyChecks() throws {
        expectRejection(.invalidKey) { _ = try JWSSigner(privateKeyPEM: Fixtures.rsa.privateKeyPEM, algorithm: .es256, keyID: nil) }
        expectRejection(.invalidKey) { _ = try JWSSigner(privateKeyPEM: Fixtures.es256.privateKeyPEM, algorithm: .es384, keyID: nil) }
        expectRejection(.invalidKey) { _ = try JWSSigner(privateKeyPEM: Fixtures.ed25519.privateKeyPEM, algorithm: .rs256, keyID: nil) }
        expectRejection(.invalidKey) { _ = try JWSSigner(privateKeyPEM: Fixtures.rsa.privateKeyPEM, algorithm: .hs256, keyID: nil) }
        expectRejection(.invalidKey) { _ = try JWSSigner(privateKeyPEM: "not a pem", algorithm: .rs256, keyID: nil) }
        expectRejection(.invalidKey) { _ = try JWSSigner(privateKeyPEM: Fixtures.rsa.publicKeyPEM, algorithm: .rs256, keyID: nil) }
        expectRejection(.invalidKey) { _ = try JWSSigner(hmacKey: Array(Fixtures.hmacSecret.prefix(31)), algorithm: .hs256, keyID: nil) }
        expectRejection(.invalidKey) { _ = try JWSSigner(hmacKey: Fixtures.hmacSecret, algorithm: .hs384, keyID: nil) }
        expectRejection(.invalidKey) { _ = try JWSSigner(hmacKey: Fixtures.hmacSecret, algorithm: .rs256, keyID: nil) }
        expectRejection(.invalidKey) { _ = try SigningKeyPair.generate(algorithm: .hs256) }
        expectRejection(.invalidKey) { _ = try SigningKeyPair(privateKeyPEM: Fixtures.es256.privateKeyPEM, algorithm: .edDSA) }
    }

    /// Generated with `openssl ecparam -name prime256v1 -genkey -noout` (SEC 1 "EC PRIVATE KEY")
    /// and `openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:secret` (encrypted PKCS#8) /
    /// `openssl ec -aes256 -passout pass:secret` (encrypted traditional PEM).
    static let traditionalEC = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIKc8A6N0f9XVVINv3E11MUBdnxGxXOLCaa0a49Lkf/jQoAoGCCqGSM49
        AwEHoUQDQgAEdj2g39A2Yq9oEltDv/npg8ZD5XwIYJaEFNeJpz3OOaUbcklZxpVM
        SXOVLtpwDb+4rN1V+LGpOnUsMvZ/eab3pA==
        -----END EC PRIVATE KEY-----
        """

    @Test("traditional PEM loads; encrypted PEM is refused without prompting")
    func pemFormats() throws {
        let signer = try JWSSigner(privateKeyPEM: Self.traditionalEC, algorithm: .es256, keyID: "trad")
        let pair = try SigningKeyPair(privateKeyPEM: Self.traditionalEC, algorithm: .es256)
        #expect(pair.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let keys = try Fixtures.jwks([pair.publicJWK(keyID: "trad")])
        _ = try JWSVerifier(keys: keys, algorithms: [.es256]).verify(try signer.sign(claims: Fixtures.claims))
        expectRejection(.invalidKey) { _ = try JWSSigner(privateKeyPEM: Self.encryptedPKCS8, algorithm: .es256, keyID: nil) }
        expectRejection(.invalidKey) { _ = try JWSSigner(privateKeyPEM: Self.encryptedTraditional, algorithm: .es256, keyID: nil) }
    }

    static let encryptedPKCS8 = """
        -----BEGIN ENCRYPTED PRIVATE KEY-----
        MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiJQYZasdphVgICCAAw
        DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEF4Km9CKt+nLdnw4CFfTeVsEgZCk
        5Kb1mYn9f7RduYuqSM7l/oD/4hveWQ+4eBctyt/i52O7mA2l1AMpRIuglgcKvUIM
        UyR/cByqeF3shJyYx/4p+V13k5ag0ZrNg2NtqHgdyrNTwson3I4nIWDWAWHks6Kh
        ibkCFyQjNaA9UyYz0pzxSJR3hn8D+Y7Zq7CTTJ+NJkhtJWW67XjrRpaMCpq4FE8=
        -----END ENCRYPTED PRIVATE KEY-----
        """

    static let encryptedTraditional = """
        -----BEGIN EC PRIVATE KEY-----
        Proc-Type: 4,ENCRYPTED
        DEK-Info: AES-256-CBC,D6E258BD4C332A485C30A42BD836E0A6
        
        cvZYbYx6DoxdahShhD5W9TLe+5mSFc743flACSkj/C/BQgxKv4+k8FFaaPzNJnyz
        hPyusWAiTm8t3Mcqfg0vk/XZ4U7S7X8gDiXeijSdW0MuCe8BMAORMqcgDZlrGhzV
        KWbNQUSFCKRQldrRGbDApebyBeO473eCRg30Khlkfzo=
        -----END EC PRIVATE KEY-----
        """
}
