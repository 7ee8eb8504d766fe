import JOSE
import JSON
import Testing

/// Wycheproof `json_web_signature_test.json` (C2SP/wycheproof testvectors_v1, commit dac1dd4,
/// Apache-2.0): compact JWS cases against each group's JWK, through `JWSVerifier` with every
/// algorithm allowed (so the key-type checks, not the allow-list, must stop confusion attacks)
/// and symmetric keys allowed (several groups use `oct` keys).
///
/// Payloads here are not JWT claim sets ("foo", bytes), so the signature-only entry point is
/// used; `verify` additionally requires a JSON object payload, tested elsewhere.
@Suite("Wycheproof JSON Web Signature")
struct WycheproofJWSTests {
    /// Cases whose published label we checked by hand and disagree with. Each entry says what
    /// we do instead, and the test asserts exactly that.
    static let questionable: [Int: (reason: String, expected: JOSEError.Code?)] = [
        346: ("RFC 7520 Figure 20 is a PS384 token, but the group's JWK says alg PS256; RFC 7517 §4.4 "
            + "restricts the key to PS256, so we refuse it", .keyMismatch),
        350: ("same as 346 (key_ops variant of the group)", .keyMismatch),
        347: ("the group's JWK has alg \"ES521\", which is not a registered JWS algorithm (RFC 7518 §3.1 "
            + "has ES512); a key with an unknown alg is skipped, so no key remains", .unknownKey),
        351: ("same as 347 (key_ops variant of the group)", .unknownKey),
        367: ("labelled invalidBase64Padding, but the token is byte-identical to the valid tcId 357 "
            + "(the padding mutation was lost), so it verifies", nil),
        370: ("labelled invalidBase64PaddingInPayload, but byte-identical to the valid tcId 357", nil),
        372: ("labelled valid, but the header segment contains '?', outside the base64url alphabet "
            + "(RFC 7515 §2, RFC 4648 §5); strict decoding rejects it", .malformed),
        373: ("labelled valid, but the payload segment contains '?'; rejected as 372", .malformed),
    ]

    @Test("compact JWS cases behave as labelled (questionable labels handled by hand)")
    func run() throws {
        let root = try VectorFile.json("wycheproof/json_web_signature_test.json")
        var checked = 0, accepted = 0, rejected = 0, skipped: [Int] = []
        for group in try root.array("testGroups") {
            // Prefer the public JWK when a group has both; a JWKS ignores private members anyway.
            let jwk = try #require(group["public"] ?? group["private"])
            let keys: JWKS
            do {
                keys = try JWKS(json: jwk.serialized(), allowSymmetric: true)
            } catch {
                Issue.record("group \(group["comment"]?.stringValue ?? "?"): key did not load: \(error)")
                continue
            }
            let verifier = JWSVerifier(keys: keys, algorithms: Set(JWSAlgorithm.allCases))
            for test in try group.array("tests") {
                let id = Int(try #require(test["tcId"]?.integerValue))
                let token = try #require(test["jws"]?.stringValue, "tcId \(id): only compact strings exist here")
                let outcome: JOSEError?
                do {
                    _ = try verifier.verifySignature(token)
                    outcome = nil
                } catch {
                    outcome = error
                }
                if let (reason, expected) = Self.questionable[id].map({ ($0.reason, $0.expected) }) {
                    #expect(outcome?.code == expected, "tcId \(id) (skipped: \(reason)): got \(outcome.map { "\($0)" } ?? "accepted")")
                    skipped.append(id)
                    continue
                }
                let label = try test.string("result")
                if label == "valid" {
                    #expect(outcome == nil, "tcId \(id) \(test["comment"]?.stringValue ?? ""): \(outcome.map { "\($0)" } ?? "")")
                    accepted += 1
                } else {
                    #expect(outcome != nil, "tcId \(id) \(test["comment"]?.stringValue ?? "") was accepted")
                    rejected += 1
                }
                checked += 1
            }
        }
        #expect(checked + skipped.count == 401)
        #expect(skipped.sorted() == Self.questionable.keys.sorted())
        #expect(checked == 393 && accepted >= 30 && rejected >= 350, "checked \(checked): \(accepted) valid, \(rejected) invalid")
        print("Wycheproof json_web_signature_test.json: checked \(checked) (\(accepted) valid, \(rejected) invalid), skipped \(skipped.sorted())")
    }
}
