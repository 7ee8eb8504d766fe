import JOSE
import JSON
import Testing

/// Wycheproof (C2SP/wycheproof, testvectors_v1 at commit dac1dd4, Apache-2.0; see
/// Vectors/wycheproof/LICENSE) signature-verification vectors, run through
/// `VerificationKey.verify` — the same primitive `JWSVerifier` calls — with keys imported
/// through the production JWK path.
///
/// `valid` must verify, `invalid` must not. `acceptable` (here only RSA PKCS#1 tcId 8,
/// "Missing NULL in the ASN encoding" of DigestInfo) may go either way; we count how OpenSSL
/// decides but do not assert it.
@Suite("Wycheproof signature primitives")
struct WycheproofSignatureTests {
    struct VectorSet: Sendable, CustomTestStringConvertible {
        let file: String
        let algorithm: JWSAlgorithm
        /// Cases expected to be run (all, minus documented skips).
        let expectedChecked: Int
        var testDescription: String { file }
    }

    static let sets: [VectorSet] = [
        VectorSet(file: "rsa_signature_2048_sha256_test.json", algorithm: .rs256, expectedChecked: 259),
        VectorSet(file: "rsa_signature_2048_sha512_test.json", algorithm: .rs512, expectedChecked: 259),
        VectorSet(file: "rsa_pss_2048_sha256_mgf1_32_test.json", algorithm: .ps256, expectedChecked: 108),
        VectorSet(file: "ecdsa_secp256r1_sha256_p1363_test.json", algorithm: .es256, expectedChecked: 262),
        VectorSet(file: "ecdsa_secp384r1_sha384_p1363_test.json", algorithm: .es384, expectedChecked: 280),
        VectorSet(file: "ecdsa_secp521r1_sha512_p1363_test.json", algorithm: .es512, expectedChecked: 318),
        VectorSet(file: "ed25519_test.json", algorithm: .edDSA, expectedChecked: 151),
        // 174 cases; 90 skipped, see `hmacGroupSkipReason`.
        VectorSet(file: "hmac_sha256_test.json", algorithm: .hs256, expectedChecked: 84),
    ]

    struct Tally: CustomStringConvertible {
        var valid = 0, invalid = 0, acceptableAccepted = 0, acceptableRejected = 0, rejectedAtKeyImport = 0, skipped = 0
        var skipReasons: Set<String> = []
        var checked: Int { valid + invalid + acceptableAccepted + acceptableRejected }
        var description: String {
            "checked \(checked) (valid \(valid), invalid \(invalid) [\(rejectedAtKeyImport) at key import], "
                + "acceptable accepted \(acceptableAccepted) / rejected \(acceptableRejected)), skipped \(skipped) \(skipReasons.sorted())"
        }
    }

    @Test("every case verifies as labelled", arguments: sets)
    func run(_ set: VectorSet) throws {
        let root = try VectorFile.json("wycheproof/\(set.file)")
        var tally = Tally()
        for group in try root.array("testGroups") {
            let tests = try group.array("tests")
            if set.algorithm == .hs256, let reason = Self.hmacGroupSkipReason(group) {
                tally.skipped += tests.count
                tally.skipReasons.insert(reason)
                continue
            }
            var groupKey: VerificationKey?
            if set.algorithm != .hs256 {
                // A key the JWK path refuses makes every case of its group "rejected".
                groupKey = try? Self.key(for: group, algorithm: set.algorithm)
            }
            for test in tests {
                // MAC tests carry their key per case.
                let key = set.algorithm == .hs256 ? try VerificationKey.hmac(Hex.decode(test.string("key"))) : groupKey
                let id = test["tcId"]?.integerValue ?? -1
                let result = try test.string("result")
                let message = try Hex.decode(test.string("msg"))
                let signature = try Hex.decode(test.string(set.algorithm == .hs256 ? "tag" : "sig"))
                let accepted = key?.verify(signature: signature, signingInput: message, algorithm: set.algorithm) ?? false
                switch result {
                case "valid":
                    #expect(accepted, "\(set.file) tcId \(id) (\(test["comment"]?.stringValue ?? "")) should verify")
                    tally.valid += 1
                case "invalid":
                    #expect(!accepted, "\(set.file) tcId \(id) (\(test["comment"]?.stringValue ?? "")) should not verify")
                    tally.invalid += 1
                    if key == nil { tally.rejectedAtKeyImport += 1 }
                default:  // "acceptable": legacy encodings; either outcome is conforming
                    if accepted { tally.acceptableAccepted += 1 } else { tally.acceptableRejected += 1 }
                }
            }
        }
        #expect(tally.checked == set.expectedChecked, "\(set.file): \(tally)")
        #expect(tally.checked > 80)
        print("Wycheproof \(set.file): \(tally)")
    }

    /// JWS HMAC never truncates the tag (RFC 7518 §3.2: HS256 is the full 256-bit output) and
    /// requires a key at least as long as the hash, so groups outside that profile cannot be
    /// expressed through the JWS primitive.
    static func hmacGroupSkipReason(_ group: JSONValue) -> String? {
        if group["tagSize"]?.integerValue != 256 { return "truncated tags are not JWS HS256" }
        if (group["keySize"]?.integerValue ?? 0) < 256 { return "keys shorter than 256 bits violate RFC 7518 §3.2" }
        return nil
    }

    /// Imports the group's public key through the JWK path.
    static func key(for group: JSONValue, algorithm: JWSAlgorithm) throws -> VerificationKey {
        var jwk = group["publicKeyJwk"] ?? group["keyJwk"]
        if jwk == nil, let curve = algorithm == .es256 ? "P-256" : algorithm == .es384 ? "P-384" : algorithm == .es512 ? "P-521" : nil {
            // A few ECDSA edge-case groups publish only hex coordinates; build the JWK.
            let size = algorithm == .es256 ? 32 : algorithm == .es384 ? 48 : 66
            let publicKey = try #require(group["publicKey"])
            func coordinate(_ name: String) throws -> String {
                var bytes = try Hex.decode(publicKey.string(name))
                while bytes.count > size, bytes.first == 0 { bytes.removeFirst() }
                return Base64URL.encode([UInt8](repeating: 0, count: max(0, size - bytes.count)) + bytes)
            }
            jwk = ["kty": "EC", "crv": .string(curve), "x": .string(try coordinate("wx")), "y": .string(try coordinate("wy"))]
        }
        let json = Array(try #require(jwk).serialized().utf8)
        return try JWK(json: json).key
    }
}
