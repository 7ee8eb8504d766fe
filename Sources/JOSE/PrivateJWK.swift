import JSON

/// Imports private JWKs for signing (RFC 7518 §6.2.2 EC, §6.3.2 RSA, RFC 8037 §2 OKP, §6.4 oct).
/// Only used for fixtures such as the RFC 7520 keys; production signing keys are PEM.
enum PrivateJWK {
    static func signingKey(_ jwk: [String: JSONValue], algorithm: JWSAlgorithm) throws(JOSEError) -> SigningKey {
        let label = "private JWK"
        func member(_ name: String) throws(JOSEError) -> [UInt8] {
            try JWKParser.bytes(jwk, name, label: label)
        }
        switch jwk["kty"]?.stringValue {
        case "RSA":
            let components = EVPKeyBuilder.RSAPrivateComponents(
                n: try member("n"), e: try member("e"), d: try member("d"), p: try member("p"),
                q: try member("q"), dp: try member("dp"), dq: try member("dq"), qi: try member("qi"))
            return try SigningKey(key: EVPKeyBuilder.rsaPrivate(components), algorithm: algorithm)
        case "EC":
            guard let curve = jwk["crv"]?.stringValue.flatMap(ECCurve.init(rawValue:)) else {
                throw .invalidKey("\(label): unsupported crv")
            }
            let key = try EVPKeyBuilder.ecPrivate(curve: curve, x: member("x"), y: member("y"), d: member("d"))
            return try SigningKey(key: key, algorithm: algorithm)
        case "OKP":
            guard jwk["crv"]?.stringValue == "Ed25519" else { throw .invalidKey("\(label): unsupported crv") }
            return try SigningKey(key: EVPKeyBuilder.ed25519Private(member("d")), algorithm: algorithm)
        case "oct":
            return try SigningKey(hmacSecret: member("k"), algorithm: algorithm)
        default:
            throw .invalidKey("\(label): unsupported kty")
        }
    }
}
