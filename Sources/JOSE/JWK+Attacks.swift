import JSON

/// What the conformance suite's token builders need from a published key: its public key as
/// PEM (the secret of the classic RS256/ES256 → HS256 key-confusion attack) and its ECDSA
/// signature size. Package-only: nothing in a role should ever treat a public key as a secret.
extension JWK {
    /// SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`); nil for an HMAC key.
    package func publicKeyPEM() throws(JOSEError) -> String? {
        switch key.material {
        case .rsa(let key), .ec(let key, _), .ed25519(let key): try EVPKeyBuilder.publicKeyPEM(key)
        case .hmac: nil
        }
    }

    /// For an EC key, the size of one signature half (R or S) in bytes.
    package var ecdsaCoordinateSize: Int? {
        if case .ec(_, let curve) = key.material { return curve.coordinateSize }
        return nil
    }
}

/// The DER `ECDSA-Sig-Value` of a JOSE R || S signature, as a verifier that wrongly accepts
/// DER would want it; nil for an invalid raw signature.
package func ecdsaDER(fromRaw raw: [UInt8], coordinateSize: Int) -> [UInt8]? {
    raw.withUnsafeBufferPointer { ECDSASignature.der(fromRaw: $0, coordinateSize: coordinateSize) }
}

/// PKCS#8 PEM of a private JWK (RSA, EC or OKP), so fixtures such as the RFC 7520 keys can
/// feed code that takes PEM, as production keys are.
package func pkcs8PEM(privateJWK: [String: JSONValue], algorithm: JWSAlgorithm) throws(JOSEError) -> String {
    switch try PrivateJWK.signingKey(privateJWK, algorithm: algorithm).material {
    case .asymmetric(let key): try EVPKeyBuilder.pkcs8PEM(key)
    case .hmac: throw .invalidKey("an oct JWK has no PEM form")
    }
}
