/// The NIST curves JOSE defines for ECDSA (RFC 7518 §6.2.1.1 `crv` values).
package enum ECCurve: String, Sendable, CaseIterable {
    case p256 = "P-256", p384 = "P-384", p521 = "P-521"

    /// Bytes of one field element; JWK `x`/`y` must be exactly this long (RFC 7518 §6.2.1.2)
    /// and a JWS signature is exactly two of them (RFC 7518 §3.4).
    var coordinateSize: Int {
        switch self {
        case .p256: 32
        case .p384: 48
        case .p521: 66
        }
    }

    /// The name OpenSSL's `group` parameter accepts (it knows the NIST aliases).
    var openSSLGroupName: String { rawValue }

    /// The ECDSA algorithm bound to this curve (RFC 7518 §3.4).
    var algorithm: JWSAlgorithm {
        switch self {
        case .p256: .es256
        case .p384: .es384
        case .p521: .es512
        }
    }

    /// Maps the group names OpenSSL reports for a loaded key back to a JOSE curve.
    init?(openSSLGroupName name: String) {
        switch name {
        case "prime256v1", "P-256", "secp256r1": self = .p256
        case "secp384r1", "P-384": self = .p384
        case "secp521r1", "P-521": self = .p521
        default: return nil
        }
    }
}
