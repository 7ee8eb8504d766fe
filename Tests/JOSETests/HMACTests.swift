import JOSE
import Testing

/// HMAC-SHA-256/384/512 known answers from RFC 4231 §4.7 and §4.8 (131-byte key, longer than
/// every block size, so the key-hashing step of RFC 2104 is exercised for all three hashes).
/// Complements Wycheproof's HMAC-SHA-256 file.
@Suite("HMAC (RFC 4231)")
struct HMACTests {
    static let key = [UInt8](repeating: 0xAA, count: 131)
    static let cases: [(String, JWSAlgorithm, String)] = [
        ("Test Using Larger Than Block-Size Key - Hash Key First", .hs256,
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ("Test Using Larger Than Block-Size Key - Hash Key First", .hs384,
         "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952"),
        ("Test Using Larger Than Block-Size Key - Hash Key First", .hs512,
         "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"),
        ("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.", .hs256,
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.", .hs384,
         "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e"),
        ("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.", .hs512,
         "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"),
    ]

    @Test("known answers, signing and verifying")
    func knownAnswers() throws {
        for (data, algorithm, hex) in Self.cases {
            let expected = try Hex.decode(hex)
            let signer = try JWSSigner(hmacKey: Self.key, algorithm: algorithm, keyID: nil)
            #expect(try signer.signature(over: Array(data.utf8)) == expected, "\(algorithm)")
            let key = try VerificationKey.hmac(Self.key)
            #expect(key.verify(signature: expected, signingInput: Array(data.utf8), algorithm: algorithm))
            var wrong = expected
            wrong[wrong.count - 1] ^= 1
            #expect(!key.verify(signature: wrong, signingInput: Array(data.utf8), algorithm: algorithm))
            #expect(!key.verify(signature: Array(expected.prefix(16)), signingInput: Array(data.utf8), algorithm: algorithm))
        }
    }
}
