import JOSE
import Testing

/// Compact serialization (RFC 7515 §7.1) and base64url (RFC 7515 §2) strictness, plus the
/// size limit, which must apply before any parsing.
@Suite("Rejection: serialization and encoding")
struct EncodingRejectionTests {
    static let valid: String = try! Fixtures.rsaSigner.sign(claims: Fixtures.claims)
    static func verify(_ token: String, verifier: JWSVerifier? = nil) throws {
        _ = try (verifier ?? Fixtures.verifier()).verify(token)
    }

    @Test("the untouched token verifies (so each rejection below is caused by its defect)")
    func baseline() throws {
        let verified = try Fixtures.verifier().verify(Self.valid)
        #expect(verified.claims == Fixtures.claims)
        #expect(verified.keyID == "rsa-1")
        #expect(verified.header["typ"] == "JWT")
    }

    @Test("segment count other than 3 is malformed")
    func segmentCount() {
        let parts = Segments.split(Self.valid)
        let variants = [
            "", ".", "...", parts[0], parts[0] + "." + parts[1],
            Self.valid + ".", Self.valid + "." + parts[2], "." + Self.valid, Segments.join(parts + ["", "", ""]),
        ]
        for token in variants {
            expectRejection(.malformed, "\(token.prefix(20))… (\(Segments.split(token).count) segments)") { try Self.verify(token) }
        }
        // Five segments is JWE's shape: named as such.
        expectRejection(.unsupportedHeader) { try Self.verify(Segments.join(parts + ["a", "b"])) }
    }

    @Test("padding, standard-alphabet characters and whitespace in any segment")
    func alphabet() {
        let parts = Segments.split(Self.valid)
        for index in 0..<3 {
            for mutation in [parts[index] + "=", parts[index] + "==", parts[index] + " ", " " + parts[index], parts[index] + "\n"] {
                let token = Segments.replacing(Self.valid, at: index, with: mutation)
                expectRejection(.malformed, "segment \(index): \(mutation.suffix(3).debugDescription)") { try Self.verify(token) }
            }
            for (from, to) in [("-", "+"), ("_", "/")] where parts[index].contains(from) {
                let token = Segments.replacing(Self.valid, at: index, with: parts[index].replacingOccurrences(from, to))
                expectRejection(.malformed, "segment \(index): \(from) → \(to)") { try Self.verify(token) }
            }
        }
        // Padding added to a segment whose length is not a multiple of 4 (a classic lenient-decoder gap).
        let paddedPayload = Base64URL.encode(Array(#"{"sub":"x"}"#.utf8)) + "="
        expectRejection(.malformed) { try Self.verify(Segments.replacing(Self.valid, at: 1, with: paddedPayload)) }
    }

    @Test("non-canonical encodings: unused low bits set, impossible lengths")
    func nonCanonical() throws {
        // A 256-byte RSA signature encodes to 342 characters (remainder 2): the last symbol
        // carries 4 unused bits. Setting them changes the text, not the decoded bytes.
        let parts = Segments.split(Self.valid)
        var signature = Array(parts[2])
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let value = alphabet.firstIndex(of: signature.last!)!
        #expect(value & 0x0F == 0)
        signature[signature.count - 1] = alphabet[value | 0x01]
        expectRejection(.malformed) { try Self.verify(Segments.replacing(Self.valid, at: 2, with: String(signature))) }

        // Payload "AB" (Wycheproof tcId 374 pattern): 'B' has a non-zero unused bit.
        let ab = try Fixtures.rawToken(header: #"{"alg":"RS256","kid":"rsa-1"}"#, payload: "{}", signer: Fixtures.rsaSigner)
        expectRejection(.malformed) { try Self.verify(Segments.replacing(ab, at: 1, with: "AB")) }
        // Length 1 mod 4 cannot be produced by any encoder.
        expectRejection(.malformed) { try Self.verify(Segments.replacing(Self.valid, at: 1, with: parts[1] + "A")) }
    }

    @Test("non-ASCII bytes anywhere are malformed")
    func nonASCII() throws {
        for token in [Self.valid + "é", "é" + Self.valid, Segments.replacing(Self.valid, at: 1, with: "ｅｙＪ")] {
            expectRejection(.malformed) { try Self.verify(token) }
        }
        // Encoding problems are reported before header policy (here: alg none).
        let noneHeader = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8))
        expectRejection(.malformed) { try Self.verify(noneHeader + ".é.") }
        var bytes = Array(Self.valid.utf8)
        bytes[10] = 0xFF  // not even UTF-8: only the byte API can carry it
        let verifier = try Fixtures.verifier()
        expectRejection(.malformed) { _ = try verifier.verify(bytes) }
        bytes[10] = 0x00
        expectRejection(.malformed) { _ = try verifier.verify(bytes) }
    }

    @Test("tokens over maxTokenBytes are too_large before any parsing")
    func tooLarge() throws {
        let limit = Self.valid.utf8.count
        let exact = try Fixtures.verifier(maxTokenBytes: limit)
        _ = try exact.verify(Self.valid)
        let tight = try Fixtures.verifier(maxTokenBytes: limit - 1)
        expectRejection(.tooLarge) { _ = try tight.verify(Self.valid) }
        // Garbage that would be malformed is still reported as too_large: size is checked first.
        let small = try Fixtures.verifier(maxTokenBytes: 64)
        expectRejection(.tooLarge) { _ = try small.verify(String(repeating: "é", count: 40)) }
        expectRejection(.tooLarge) { _ = try small.verify([UInt8](repeating: 0xFF, count: 65)) }
        let huge = String(repeating: "A", count: 10_000_000)
        expectRejection(.tooLarge) { _ = try Fixtures.verifier().verify(huge) }
    }

    @Test("byte and raw-buffer entry points behave like the String one")
    func entryPoints() throws {
        let verifier = try Fixtures.verifier()
        let bytes = Array(Self.valid.utf8)
        #expect(try verifier.verify(bytes).claims == Fixtures.claims)
        let fromRaw = try bytes.withUnsafeBytes { raw in
            Result { () throws(JOSEError) in try verifier.verify(raw) }
        }.get()
        #expect(fromRaw.claims == Fixtures.claims)
        // A non-contiguous (bridged/substring) token still works.
        let embedded = "xx" + Self.valid + "yy"
        let slice = embedded.dropFirst(2).dropLast(2)
        #expect(try verifier.verify(String(slice)).claims == Fixtures.claims)
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
