import JOSE
import JSON
import Testing

/// Hostile input at volume: thousands of mutations of a valid token (bytes flipped, inserted,
/// deleted, segments truncated or swapped) must each be refused with a `JOSEError` — never
/// accepted, never a crash. The generator is seeded, so a failure replays exactly.
@Suite struct MutationTests {
    /// SplitMix64: small, deterministic, good enough to spread mutations.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \"{}:,\\\u{0}\u{7f}é".utf8)

    func mutate(_ token: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = token
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !bytes.isEmpty: bytes[position] = Self.alphabet.randomElement(using: &random)!
            case 1: bytes.insert(Self.alphabet.randomElement(using: &random)!, at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3: bytes = Array(bytes[..<position])
            case 4 where !bytes.isEmpty: bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            default:
                // Swap two segments.
                var parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map(Array.init)
                if parts.count >= 2 { parts.swapAt(0, parts.count - 1) }
                bytes = Array(parts.joined(separator: [UInt8(ascii: ".")]))
            }
        }
        return bytes
    }

    @Test(arguments: [JWSAlgorithm.es256, .rs256, .edDSA])
    func mutatedTokensAreAllRefused(_ algorithm: JWSAlgorithm) throws {
        let pair = [JWSAlgorithm.es256: Fixtures.es256, .rs256: Fixtures.rsa, .edDSA: Fixtures.ed25519][algorithm]!
        let signer = try JWSSigner(privateKeyPEM: pair.privateKeyPEM, algorithm: algorithm, keyID: "k")
        let verifier = JWSVerifier(keys: try Fixtures.jwks([pair.publicJWK(keyID: "k")]), algorithms: [algorithm])
        let token = Array(try signer.sign(claims: Fixtures.claims).utf8)
        #expect(throws: Never.self) { try verifier.verify(token) }

        var random = SeededGenerator(state: algorithm.rawValue.utf8.reduce(0x0ED6E) { $0 &* 31 &+ UInt64($1) })
        var refused = 0, unchanged = 0
        for _ in 0..<3_000 {
            let mutated = mutate(token, &random)
            if mutated == token {
                unchanged += 1
                continue
            }
            do {
                let verified = try verifier.verify(mutated)
                // Canonical base64url leaves no second encoding of the same signed bytes.
                Issue.record("accepted a mutated token: \(String(decoding: mutated, as: UTF8.self)) → \(verified.claims)")
            } catch {
                refused += 1
            }
        }
        #expect(refused + unchanged == 3_000)
        #expect(refused > 2_900)
    }

    @Test func randomBytesAreRefused() {
        var random = SeededGenerator(state: 42)
        let verifier = try! Fixtures.verifier()
        for length in [0, 1, 2, 3, 10, 100, 1_000] {
            for _ in 0..<200 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
                #expect(throws: JOSEError.self) { try verifier.verify(bytes) }
                _ = try? StrictJSON.parse(bytes)  // may even be JSON ("7"); it must simply not crash
            }
        }
    }
}
