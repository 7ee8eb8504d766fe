import JSON

/// A validated JWS protected header (RFC 7515 §4).
package struct JOSEHeader: Sendable {
    package let fields: [String: JSONValue]
    package let algorithm: JWSAlgorithm
    package let keyID: String?

    /// Parses the decoded header and applies the acceptance policy:
    /// - `alg` must be a string exactly equal to an allowed algorithm (`none` never is).
    /// - `crit` is refused outright: we implement no extensions, and RFC 7515 §4.1.11 requires
    ///   rejecting a JWS whose critical extensions are not understood.
    /// - `b64` (RFC 7797 unencoded payloads), `enc`/`zip` (JWE, RFC 7516 §4.1.2–3) are refused.
    /// - `cty: JWT` (nested JWT, RFC 7519 §5.2) is refused; we verify one layer only.
    /// - `jku`, `x5u`, `jwk`, `x5c`, `x5t` are ignored: keys come only from the JWKS.
    init(decoded bytes: UnsafeBufferPointer<UInt8>, allowed: Set<JWSAlgorithm>) throws(JOSEError) {
        let fields = try JOSEJSON.parseObject(bytes, what: "JOSE header")
        // One pass over the (few) members instead of a hash lookup per parameter; the checks
        // below then run in a fixed order so the reported reason never depends on hashing.
        var algValue: JSONValue?, cty: JSONValue?, kid: JSONValue?
        var hasCrit = false, hasB64 = false, isJWE = false
        for (name, value) in fields {
            switch name {
            case "alg": algValue = value
            case "kid": kid = value
            case "cty": cty = value
            case "crit": hasCrit = true
            case "b64": hasB64 = true
            case "enc", "zip": isJWE = true
            default: break
            }
        }
        guard let algValue else {
            throw JOSEError(.algNotAllowed, "header has no alg (RFC 7515 §4.1.1)")
        }
        guard let name = algValue.stringValue else {
            throw JOSEError(.algNotAllowed, "alg is not a string")
        }
        guard let algorithm = JWSAlgorithm(rawValue: name), allowed.contains(algorithm) else {
            throw JOSEError(.algNotAllowed, "alg \(Quoted(name)) is not allowed")
        }
        if hasCrit {
            throw .unsupportedHeader("crit present; no extensions are understood (RFC 7515 §4.1.11)")
        }
        if hasB64 {
            throw .unsupportedHeader("b64 present; unencoded payloads (RFC 7797) are not supported")
        }
        if isJWE {
            throw .unsupportedHeader("enc/zip present; this is a JWE header (RFC 7516 §4.1.2)")
        }
        if let cty {
            guard let text = cty.stringValue else { throw .malformed("cty is not a string") }
            // RFC 7515 §4.1.10: media types compare case-insensitively; "JWT" is short for
            // "application/jwt".
            let lowered = text.lowercased()
            if lowered == "jwt" || lowered == "application/jwt" {
                throw .unsupportedHeader("nested JWT (cty \(Quoted(text)), RFC 7519 §5.2) is not supported")
            }
        }
        var keyID: String?
        if let kid {
            guard let text = kid.stringValue else { throw .malformed("kid is not a string") }
            keyID = text
        }
        self.fields = fields
        self.algorithm = algorithm
        self.keyID = keyID
    }
}
