// The cost of the whole local check of a token seen for the first time (parse, base64url,
// strict JSON, key selection, signature, claims) against a bare OpenSSL verify of the same
// signature with a ready key, measured in the same run. Target: ≤ 2×.
//
//   swift run -c release oms-bench-localcheck [iterations]
//
// The baseline talks to OpenSSL directly on purpose: it is what the JOSE module wraps.
import AuthService
import COpenSSL
import Foundation
import JOSE
import JSON

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 2_000
let rounds = 7

struct Case {
    let algorithm: JWSAlgorithm
    let token: String
    let verifier: JWSVerifier
    let check: LocalTokenCheck
    let publicKey: OpaquePointer
    let digest: OpaquePointer?
    let signingInput: [UInt8]
    let signature: [UInt8]  // in OpenSSL's form (DER for ECDSA)
}

func makeCase(_ algorithm: JWSAlgorithm) throws -> Case {
    let pair = try SigningKeyPair.generate(algorithm: algorithm)
    let signer = try JWSSigner(privateKeyPEM: pair.privateKeyPEM, algorithm: algorithm, keyID: "bench")
    let now = Date().timeIntervalSince1970.rounded(.down)
    let token = try signer.sign(claims: [
        "iss": "https://idp.bench", "aud": "oms", "sub": "alice", "domain": "retail",
        "scope": "documents.read documents.write", "client_id": "bench", "iat": .number(now), "exp": .number(now + 3600),
    ])
    let jwks = try JWKS(json: Array(JSONValue.object(["keys": .array([pair.publicJWK(keyID: "bench")])]).serialized().utf8))
    var policy = TokenPolicy(issuers: ["https://idp.bench"], audiences: ["oms"], allowedDomains: ["retail"])
    policy.algorithms = [algorithm]

    let parts = token.split(separator: ".")
    var signature = Base64URL.decode(parts[2])!
    if algorithm == .es256 {
        signature = rawToDER(signature)
    }
    let bio = BIO_new_mem_buf(pair.publicKeyPEM, Int32(pair.publicKeyPEM.utf8.count))
    defer { BIO_free(bio) }
    let key = PEM_read_bio_PUBKEY(bio, nil, nil, nil)!
    return Case(
        algorithm: algorithm, token: token,
        verifier: JWSVerifier(keys: jwks, algorithms: [algorithm]), check: LocalTokenCheck(policy: policy),
        publicKey: key, digest: EVP_sha256(), signingInput: Array("\(parts[0]).\(parts[1])".utf8), signature: signature
    )
}

/// JOSE's ECDSA r||s to the DER form OpenSSL verifies (done once, outside the baseline).
func rawToDER(_ raw: [UInt8]) -> [UInt8] {
    let half = raw.count / 2
    let sig = ECDSA_SIG_new()!
    defer { ECDSA_SIG_free(sig) }
    ECDSA_SIG_set0(sig, BN_bin2bn(raw, Int32(half), nil), BN_bin2bn(Array(raw[half...]), Int32(half), nil))
    var out: UnsafeMutablePointer<UInt8>?
    let length = i2d_ECDSA_SIG(sig, &out)
    defer { CRYPTO_free(out, #file, #line) }
    return Array(UnsafeBufferPointer(start: out, count: Int(length)))
}

func bareVerify(_ c: Case) -> Bool {
    let context = EVP_MD_CTX_new()
    defer { EVP_MD_CTX_free(context) }
    guard EVP_DigestVerifyInit(context, nil, c.digest, nil, c.publicKey) == 1 else { return false }
    return EVP_DigestVerify(context, c.signature, c.signature.count, c.signingInput, c.signingInput.count) == 1
}

func nanosecondsPerOperation(_ body: () -> Bool) -> Double {
    let start = ContinuousClock.now
    var passed = 0
    for _ in 0..<iterations where body() { passed += 1 }
    let elapsed = ContinuousClock.now - start
    precondition(passed == iterations, "a check failed during the benchmark")
    let (seconds, attoseconds) = elapsed.components
    return (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(iterations)
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

print("local check of a new token vs bare OpenSSL verify (\(rounds) rounds × \(iterations), median)")
print("alg    bare verify     local check     ratio")
for algorithm in [JWSAlgorithm.es256, .rs256] {
    let c = try makeCase(algorithm)
    let now = Date().timeIntervalSince1970
    var bare: [Double] = []
    var whole: [Double] = []
    for _ in 0..<rounds {
        bare.append(nanosecondsPerOperation { bareVerify(c) })
        whole.append(nanosecondsPerOperation { c.check.passes(c.token, verifier: c.verifier, now: now) })
    }
    let b = median(bare), w = median(whole)
    print(String(format: "%@  %9.1f µs    %9.1f µs    %5.2f×", algorithm.rawValue, b / 1000, w / 1000, w / b))
}
