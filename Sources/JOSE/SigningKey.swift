/// A private key (or HMAC secret) checked against the algorithm it will sign with.
struct SigningKey: Sendable {
    enum Material: Sendable {
        case asymmetric(EVPKey)
        case hmac([UInt8])
    }

    let material: Material
    let algorithm: JWSAlgorithm

    /// Refuses a key whose type does not fit the algorithm (RS/PS: RSA ≥ 2048 bits,
    /// ES256/384/512: EC on P-256/P-384/P-521, EdDSA: Ed25519).
    init(key: EVPKey, algorithm: JWSAlgorithm) throws(JOSEError) {
        switch (algorithm.family, key.kind) {
        case (.rsaPKCS1, .rsa), (.rsaPSS, .rsa):
            guard key.bits >= JWKParser.minimumRSABits else {
                throw .invalidKey("RSA key is \(key.bits) bits; RFC 7518 §3.3 requires at least 2048")
            }
        case (.ecdsa, .ec):
            guard key.curve == algorithm.curve else {
                throw .invalidKey("\(algorithm.rawValue) needs an EC key on \(algorithm.curve!.rawValue) (RFC 7518 §3.4)")
            }
        case (.eddsa, .ed25519):
            break
        default:
            throw .invalidKey("key type does not fit \(algorithm.rawValue)")
        }
        self.material = .asymmetric(key)
        self.algorithm = algorithm
    }

    init(hmacSecret: [UInt8], algorithm: JWSAlgorithm) throws(JOSEError) {
        guard algorithm.family == .hmac else { throw .invalidKey("\(algorithm.rawValue) is not an HMAC algorithm") }
        guard hmacSecret.count >= algorithm.hashLength else {
            throw .invalidKey("\(algorithm.rawValue) needs a key of at least \(algorithm.hashLength) bytes (RFC 7518 §3.2)")
        }
        self.material = .hmac(hmacSecret)
        self.algorithm = algorithm
    }

    /// The JWS Signature bytes over the ASCII signing input (RFC 7515 §5.1 step 5).
    func sign(_ signingInput: [UInt8]) throws(JOSEError) -> [UInt8] {
        try signingInput.withUnsafeBufferPointer { input in
            Result { () throws(JOSEError) in try sign(input) }
        }.get()
    }

    private func sign(_ input: UnsafeBufferPointer<UInt8>) throws(JOSEError) -> [UInt8] {
        switch material {
        case .hmac(let secret):
            guard let digest = algorithm.messageDigest,
                let tag = HMACSHA2.authenticate(key: secret, message: input, digest: digest)
            else { throw .cryptoFailure("HMAC failed") }
            return tag
        case .asymmetric(let key):
            switch algorithm.family {
            case .rsaPKCS1:
                return try key.sign(message: input, digest: algorithm.messageDigest)
            case .rsaPSS:
                // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash output.
                return try key.sign(
                    message: input, digest: algorithm.messageDigest,
                    pss: EVPKey.PSS(saltLength: Int32(algorithm.hashLength)))
            case .ecdsa:
                // RFC 7518 §3.4: R || S, fixed width, instead of OpenSSL's DER.
                let der = try key.sign(message: input, digest: algorithm.messageDigest)
                return try ECDSASignature.raw(fromDER: der, coordinateSize: algorithm.curve!.coordinateSize)
            case .eddsa:
                return try key.sign(message: input, digest: nil)
            case .hmac:
                throw .invalidKey("HMAC algorithm with an asymmetric key")
            }
        }
    }
}
