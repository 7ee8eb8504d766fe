import JOSE
import JSON
import Testing

/// Signature checks (RFC 7515 §5.2 step 8; RFC 7518 §3.3–3.5, §3.4 for ECDSA encoding).
@Suite("Rejection: signature")
struct SignatureRejectionTests {
    @Test("stripped, truncated, extended or altered signatures", arguments: [JWSAlgorithm.rs256, .es256, .edDSA])
    func altered(_ algorithm: JWSAlgorithm) throws {
        let signer = algorithm == .rs256 ? Fixtures.rsaSigner : algorithm == .es256 ? Fixtures.es256Signer : Fixtures.ed25519.signer(keyID: "ed-1")
        let token = try signer.sign(claims: Fixtures.claims)
        let verifier = try Fixtures.verifier()
        _ = try verifier.verify(token)
        let signature = Segments.signatureBytes(token)

        expectRejection(.badSignature, "stripped (a.b.)") { _ = try verifier.verify(Segments.replacing(token, at: 2, with: "")) }
        expectRejection(.badSignature, "truncated") { _ = try verifier.verify(Segments.withSignature(token, Array(signature.dropLast()))) }
        expectRejection(.badSignature, "extended") { _ = try verifier.verify(Segments.withSignature(token, signature + [0])) }
        for index in [0, signature.count / 2, signature.count - 1] {
            var flipped = signature
            flipped[index] ^= 0x01
            expectRejection(.badSignature, "bit flip at \(index)") { _ = try verifier.verify(Segments.withSignature(token, flipped)) }
        }
    }

    @Test("altered payload or header under a valid signature")
    func alteredContent() throws {
        let token = try Fixtures.rsaSigner.sign(claims: Fixtures.claims)
        let verifier = try Fixtures.verifier()
        var claims = Fixtures.claims
        claims["sub"] = "admin"
        let forgedPayload = Base64URL.encode(Array(JSONValue.object(claims).serialized().utf8))
        expectRejection(.badSignature) { _ = try verifier.verify(Segments.replacing(token, at: 1, with: forgedPayload)) }
        let forgedHeader = Base64URL.encode(Array(#"{"alg":"RS256","kid":"rsa-1","typ":"at+jwt"}"#.utf8))
        expectRejection(.badSignature) { _ = try verifier.verify(Segments.replacing(token, at: 0, with: forgedHeader)) }
        // Same claims, different (but equivalent) JSON bytes: still not what was signed.
        let reordered = Base64URL.encode(Array(#"{"sub":"alice","iat":1700000000,"scope":["read","write"]}"#.utf8))
        expectRejection(.badSignature) { _ = try verifier.verify(Segments.replacing(token, at: 1, with: reordered)) }
    }

    @Test("a signature by another key of the right type")
    func otherKey() throws {
        let token = try Fixtures.rsaOther.signer(keyID: "rsa-1").sign(claims: Fixtures.claims)
        expectRejection(.badSignature) { _ = try Fixtures.verifier().verify(token) }
    }

    /// RFC 7518 §3.4: the JWS ECDSA signature is R || S, exactly 64/96/132 bytes.
    @Test("ECDSA: DER instead of raw, wrong lengths, R or S zero")
    func ecdsaEncoding() throws {
        let token = try Fixtures.es256Signer.sign(claims: Fixtures.claims)
        let verifier = try Fixtures.verifier()
        let raw = Segments.signatureBytes(token)
        #expect(raw.count == 64)

        let der = Self.der(r: Array(raw[0..<32]), s: Array(raw[32...]))
        expectRejection(.badSignature, "DER") { _ = try verifier.verify(Segments.withSignature(token, der)) }
        let padded = [UInt8](repeating: 0, count: 1) + raw[0..<32] + [0] + raw[32...]
        expectRejection(.badSignature, "66 bytes") { _ = try verifier.verify(Segments.withSignature(token, padded)) }
        expectRejection(.badSignature, "63 bytes") { _ = try verifier.verify(Segments.withSignature(token, Array(raw.dropFirst()))) }
        expectRejection(.badSignature, "P-384 size") { _ = try verifier.verify(Segments.withSignature(token, raw + raw[0..<32])) }
        let zero = [UInt8](repeating: 0, count: 32)
        expectRejection(.badSignature, "r = 0") { _ = try verifier.verify(Segments.withSignature(token, zero + raw[32...])) }
        expectRejection(.badSignature, "s = 0") { _ = try verifier.verify(Segments.withSignature(token, Array(raw[0..<32]) + zero)) }
        expectRejection(.badSignature, "r = s = 0") { _ = try verifier.verify(Segments.withSignature(token, zero + zero)) }
        // s replaced by n - s (the "malleable" twin) is a different signature: JOSE fixes the
        // encoding, OpenSSL checks the math; the twin of a valid signature is also valid ECDSA,
        // so it must still verify (ECDSA is not strongly unforgeable) — documented, not a bug.
        let order = try Hex.decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
        let twin = Array(raw[0..<32]) + Self.subtract(order, Array(raw[32...]))
        _ = try verifier.verify(Segments.withSignature(token, twin))
    }

    static func der(r: [UInt8], s: [UInt8]) -> [UInt8] {
        func integer(_ bytes: [UInt8]) -> [UInt8] {
            var value = Array(bytes.drop(while: { $0 == 0 }))
            if value.first.map({ $0 & 0x80 != 0 }) ?? true { value.insert(0, at: 0) }
            return [0x02, UInt8(value.count)] + value
        }
        let body = integer(r) + integer(s)
        return [0x30, UInt8(body.count)] + body
    }

    static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: a.count)
        var borrow = 0
        for index in stride(from: a.count - 1, through: 0, by: -1) {
            var digit = Int(a[index]) - Int(b[index]) - borrow
            borrow = digit < 0 ? 1 : 0
            if digit < 0 { digit += 256 }
            result[index] = UInt8(digit)
        }
        return result
    }
}
