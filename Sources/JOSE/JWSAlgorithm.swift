import COpenSSL

/// A JWS `alg` value (RFC 7518 §3.1, RFC 8037 §3.1 for `EdDSA`).
///
/// Matching is by exact, case-sensitive `rawValue` only: `none`, `None`, `hs256` are not
/// algorithms here (RFC 7515 §4.1.1 makes `alg` a case-sensitive string).
public enum JWSAlgorithm: String, Sendable, CaseIterable, Hashable {
    case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
    case es256 = "ES256", es384 = "ES384", es512 = "ES512"
    case edDSA = "EdDSA"
    case hs256 = "HS256", hs384 = "HS384", hs512 = "HS512"

    /// The signature scheme, which decides the key type an algorithm may use.
    enum Family: Sendable {
        case rsaPKCS1, rsaPSS, ecdsa, eddsa, hmac
    }

    var family: Family {
        switch self {
        case .rs256, .rs384, .rs512: .rsaPKCS1
        case .ps256, .ps384, .ps512: .rsaPSS
        case .es256, .es384, .es512: .ecdsa
        case .edDSA: .eddsa
        case .hs256, .hs384, .hs512: .hmac
        }
    }

    /// The hash output length in bytes; also the HMAC minimum key size (RFC 7518 §3.2) and the
    /// PSS salt length (RFC 7518 §3.5). EdDSA hashes internally (RFC 8032), reported as 64.
    var hashLength: Int {
        switch self {
        case .rs256, .ps256, .es256, .hs256: 32
        case .rs384, .ps384, .es384, .hs384: 48
        case .rs512, .ps512, .es512, .hs512, .edDSA: 64
        }
    }

    /// The fetched `EVP_MD`, or nil for EdDSA, which Ed25519 requires to be NULL.
    var messageDigest: OpaquePointer? {
        switch self {
        case .rs256, .ps256, .es256, .hs256: MessageDigest.sha256
        case .rs384, .ps384, .es384, .hs384: MessageDigest.sha384
        case .rs512, .ps512, .es512, .hs512: MessageDigest.sha512
        case .edDSA: nil
        }
    }

    /// RFC 7518 §3.4: ES256 uses P-256, ES384 P-384, ES512 P-521 — no other pairing.
    var curve: ECCurve? {
        switch self {
        case .es256: .p256
        case .es384: .p384
        case .es512: .p521
        default: nil
        }
    }
}
