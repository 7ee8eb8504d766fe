import JSON

/// Turns one JWK JSON object into a `JWK`, a skip reason, or an error.
///
/// Policy: a key we do not support (type, curve, `use`, `key_ops`, unknown `alg`, RSA below
/// 2048 bits, symmetric keys when not allowed) is skipped with a human-readable reason; a key
/// of a supported type that is malformed is an error for the whole set, because an operator
/// must notice a broken key rather than have it silently vanish.
enum JWKParser {
    enum Outcome {
        case key(JWK)
        case skipped(String)
    }

    /// RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used".
    static let minimumRSABits = 2048
    /// Bounds the work a hostile JWKS can cause per verification.
    static let maximumRSABits = 8192

    static func parse(_ jwk: [String: JSONValue], position: Int, allowSymmetric: Bool) throws(JOSEError) -> Outcome {
        var label = "key #\(position)"
        guard let kty = jwk["kty"]?.stringValue else { throw .invalidKey("\(label): kty missing or not a string (RFC 7517 §4.1)") }
        var kid: String?
        if let value = jwk["kid"] {
            guard let text = value.stringValue else { throw .invalidKey("\(label): kid is not a string (RFC 7517 §4.5)") }
            kid = text
            label += " (kid \(Quoted(text)))"
        }
        guard ["RSA", "EC", "OKP", "oct"].contains(kty) else { return .skipped("\(label): unsupported kty \(Quoted(kty))") }

        // RFC 7517 §4.2: only signature keys; §4.3: key_ops must permit "verify".
        if let use = jwk["use"] {
            guard let text = use.stringValue else { throw .invalidKey("\(label): use is not a string") }
            if text != "sig" { return .skipped("\(label): use is \(Quoted(text)), not \"sig\"") }
        }
        if let ops = jwk["key_ops"] {
            guard let list = ops.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw .invalidKey("\(label): key_ops is not an array of strings (RFC 7517 §4.3)")
            }
            if !list.contains(.string("verify")) { return .skipped("\(label): key_ops does not include \"verify\"") }
        }
        var algorithm: JWSAlgorithm?
        if let value = jwk["alg"] {
            guard let text = value.stringValue else { throw .invalidKey("\(label): alg is not a string") }
            guard let known = JWSAlgorithm(rawValue: text) else {
                return .skipped("\(label): unsupported alg \(Quoted(text))")
            }
            algorithm = known
        }

        var curve: String?
        let key: VerificationKey
        switch kty {
        case "RSA":
            guard let built = try rsa(jwk, label: label) else {
                return .skipped("\(label): RSA modulus outside \(minimumRSABits)...\(maximumRSABits) bits (RFC 7518 §3.3)")
            }
            key = built
        case "EC":
            guard let name = jwk["crv"]?.stringValue else { throw .invalidKey("\(label): crv missing or not a string") }
            guard let ecCurve = ECCurve(rawValue: name) else { return .skipped("\(label): unsupported EC curve \(Quoted(name))") }
            curve = name
            key = try ec(jwk, curve: ecCurve, label: label)
        case "OKP":
            guard let name = jwk["crv"]?.stringValue else { throw .invalidKey("\(label): crv missing or not a string") }
            guard name == "Ed25519" else { return .skipped("\(label): unsupported OKP curve \(Quoted(name))") }
            curve = name
            let x = try bytes(jwk, "x", label: label)
            guard x.count == 32 else { throw .invalidKey("\(label): Ed25519 x must be 32 bytes (RFC 8037 §2)") }
            key = VerificationKey(.ed25519(try EVPKeyBuilder.ed25519Public(x)))
        default:  // "oct"
            guard allowSymmetric else { return .skipped("\(label): symmetric (oct) keys are not allowed here") }
            let secret = try bytes(jwk, "k", label: label)
            let minimum = algorithm?.hashLength ?? JWSAlgorithm.hs256.hashLength
            guard secret.count >= minimum else {
                throw .invalidKey("\(label): HMAC key shorter than \(minimum * 8) bits (RFC 7518 §3.2)")
            }
            key = VerificationKey(.hmac(secret))
        }
        if let algorithm, !key.canVerify(algorithm) {
            throw .invalidKey("\(label): alg \(algorithm.rawValue) does not fit a \(kty) key\(curve.map { " on \($0)" } ?? "")")
        }
        return .key(JWK(kid: kid, algorithm: algorithm, curve: curve, key: key))
    }

    /// nil if the modulus size is outside the accepted range (a skip, not an error).
    private static func rsa(_ jwk: [String: JSONValue], label: String) throws(JOSEError) -> VerificationKey? {
        var modulus = try bytes(jwk, "n", label: label)
        let exponent = try bytes(jwk, "e", label: label)
        // RFC 7518 §6.3.1.1 forbids leading zero octets, but some producers emit one; it
        // does not change the value, so tolerate it rather than reject a real key.
        if let first = modulus.firstIndex(where: { $0 != 0 }) { modulus.removeSubrange(..<first) }
        guard !modulus.isEmpty, !exponent.isEmpty, exponent.count <= 32 else {
            throw .invalidKey("\(label): RSA n or e empty or out of range")
        }
        let bits = (modulus.count - 1) * 8 + (8 - modulus[0].leadingZeroBitCount)
        guard (minimumRSABits...maximumRSABits).contains(bits) else { return nil }
        let key = try EVPKeyBuilder.rsaPublic(modulus: modulus, exponent: exponent)
        guard key.passesPublicCheck() else {
            throw .invalidKey("\(label): RSA public key fails validation (odd composite n, 2^16 < e < 2^256)")
        }
        return VerificationKey(.rsa(key))
    }

    private static func ec(_ jwk: [String: JSONValue], curve: ECCurve, label: String) throws(JOSEError) -> VerificationKey {
        let x = try bytes(jwk, "x", label: label)
        let y = try bytes(jwk, "y", label: label)
        // RFC 7518 §6.2.1.2/3: each coordinate is exactly the field size, zero-padded.
        guard x.count == curve.coordinateSize, y.count == curve.coordinateSize else {
            throw .invalidKey("\(label): \(curve.rawValue) coordinates must be \(curve.coordinateSize) bytes")
        }
        let key: EVPKey
        do {
            key = try EVPKeyBuilder.ecPublic(curve: curve, x: x, y: y)
        } catch {
            throw .invalidKey("\(label): EC point is not on \(curve.rawValue)")
        }
        guard key.passesPublicCheck() else { throw .invalidKey("\(label): EC public key fails validation") }
        return VerificationKey(.ec(key, curve))
    }

    static func bytes(_ jwk: [String: JSONValue], _ name: String, label: String) throws(JOSEError) -> [UInt8] {
        guard let text = jwk[name]?.stringValue else { throw .invalidKey("\(label): \(name) missing or not a string") }
        guard let decoded = Base64URL.decode(text) else {
            throw .invalidKey("\(label): \(name) is not canonical unpadded base64url")
        }
        return decoded
    }
}
