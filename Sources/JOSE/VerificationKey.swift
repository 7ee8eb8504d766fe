/// A public key (or HMAC secret) ready to verify JWS signatures; built once at JWKS load.
///
/// `verify` is the single signature primitive of the module: the JWS verifier and the
/// Wycheproof tests both call it, so the vectors exercise exactly the production code.
package struct VerificationKey: Sendable {
    enum Material: Sendable {
        case rsa(EVPKey)
        case ec(EVPKey, ECCurve)
        case ed25519(EVPKey)
        case hmac([UInt8])
    }

    let material: Material

    init(_ material: Material) { self.material = material }

    /// The JWK `kty` this key came from (RFC 7518 §6.1, RFC 8037 §2).
    var keyType: String {
        switch material {
        case .rsa: "RSA"
        case .ec: "EC"
        case .ed25519: "OKP"
        case .hmac: "oct"
        }
    }

    /// Whether the key type fits the algorithm family. This is what stops algorithm
    /// confusion: an RSA key can never act as an HMAC secret (the classic RS256 → HS256 attack),
    /// an ES256 token never verifies with a P-384 key, and so on.
    func canVerify(_ algorithm: JWSAlgorithm) -> Bool {
        switch (algorithm.family, material) {
        case (.rsaPKCS1, .rsa), (.rsaPSS, .rsa), (.eddsa, .ed25519):
            return true
        case (.ecdsa, .ec(_, let curve)):
            return curve == algorithm.curve
        case (.hmac, .hmac(let secret)):
            // RFC 7518 §3.2: the key must be at least as long as the hash output.
            return secret.count >= algorithm.hashLength
        default:
            return false
        }
    }

    /// Verifies `signature` over `signingInput` (the ASCII `header.payload` of RFC 7515 §5.2).
    package func verify(
        signature: UnsafeBufferPointer<UInt8>, signingInput: UnsafeBufferPointer<UInt8>,
        algorithm: JWSAlgorithm
    ) -> Bool {
        guard canVerify(algorithm) else { return false }
        switch material {
        case .rsa(let key):
            // RFC 8017 §8.2.2 step 1 / §8.1.2 step 1: the signature is exactly k octets.
            guard signature.count == key.maxSignatureSize else { return false }
            let pss = algorithm.family == .rsaPSS ? EVPKey.PSS(saltLength: Int32(algorithm.hashLength)) : nil
            return key.verify(
                signature: signature, message: signingInput, digest: algorithm.messageDigest, pss: pss)
        case .ec(let key, let curve):
            guard let der = ECDSASignature.der(fromRaw: signature, coordinateSize: curve.coordinateSize) else {
                return false
            }
            return der.withUnsafeBufferPointer {
                key.verify(signature: $0, message: signingInput, digest: algorithm.messageDigest)
            }
        case .ed25519(let key):
            // RFC 8032 §5.1.7: a signature is exactly 64 octets; EdDSA takes no external digest.
            guard signature.count == 64 else { return false }
            return key.verify(signature: signature, message: signingInput, digest: nil)
        case .hmac(let secret):
            guard let digest = algorithm.messageDigest else { return false }
            return HMACSHA2.verify(tag: signature, key: secret, message: signingInput, digest: digest)
        }
    }

    /// Convenience for tests and tools.
    package func verify(signature: [UInt8], signingInput: [UInt8], algorithm: JWSAlgorithm) -> Bool {
        signature.withUnsafeBufferPointer { sig in
            signingInput.withUnsafeBufferPointer { input in
                verify(signature: sig, signingInput: input, algorithm: algorithm)
            }
        }
    }

    /// An HMAC secret for tests; enforces the RFC 7518 §3.2 minimum for the shortest hash.
    package static func hmac(_ secret: [UInt8]) throws(JOSEError) -> VerificationKey {
        guard secret.count >= JWSAlgorithm.hs256.hashLength else {
            throw .invalidKey("HMAC key shorter than 256 bits (RFC 7518 §3.2)")
        }
        return VerificationKey(.hmac(secret))
    }
}
