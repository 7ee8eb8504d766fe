/// Why a request was refused: the label on the decisions metric and the reason in the log.
/// 401 reasons concern the token or OIDM; 403 reasons concern what the route needs.
public struct DenyReason: Error, Sendable, Hashable, CustomStringConvertible {
    public let label: String
    public let status: Int

    private init(_ label: String, _ status: Int) {
        self.label = label
        self.status = status
    }

    public var description: String { label }

    public static let missingToken = DenyReason("missing_token", 401)
    public static let badScheme = DenyReason("bad_scheme", 401)
    public static let duplicateAuthorization = DenyReason("duplicate_authorization", 401)
    public static let tokenTooLarge = DenyReason("token_too_large", 401)
    public static let malformed = DenyReason("malformed", 401)
    public static let algorithmNotAllowed = DenyReason("alg_not_allowed", 401)
    public static let unknownKey = DenyReason("unknown_key", 401)
    public static let keyMismatch = DenyReason("key_mismatch", 401)
    public static let badSignature = DenyReason("bad_signature", 401)
    public static let unsupportedHeader = DenyReason("unsupported_header", 401)
    public static let expired = DenyReason("expired", 401)
    public static let notYetValid = DenyReason("not_yet_valid", 401)
    public static let issuedInFuture = DenyReason("issued_in_future", 401)
    public static let badClaim = DenyReason("bad_claim", 401)
    public static let wrongIssuer = DenyReason("wrong_issuer", 401)
    public static let wrongAudience = DenyReason("wrong_audience", 401)
    public static let wrongDomain = DenyReason("wrong_domain", 401)
    public static let oidmRejected = DenyReason("oidm_rejected", 401)
    public static let oidmUnavailable = DenyReason("oidm_unavailable", 401)
    /// No bearer token, and a session cookie that does not open (forged, altered, another
    /// key) or has ended.
    public static let sessionRefused = DenyReason("session_refused", 401)
    /// A valid session cookie on a route not marked `browser: true` (an API).
    public static let sessionNotAccepted = DenyReason("session_not_accepted", 401)
    public static let insufficientScope = DenyReason("insufficient_scope", 403)
    public static let badPath = DenyReason("bad_path", 403)
    /// An unsafe method that the path's method-specific routes do not name.
    public static let methodNotRouted = DenyReason("method_not_routed", 403)

    public static let all: [DenyReason] = [
        .missingToken, .badScheme, .duplicateAuthorization, .tokenTooLarge, .malformed,
        .algorithmNotAllowed, .unknownKey, .keyMismatch, .badSignature, .unsupportedHeader, .expired,
        .notYetValid, .issuedInFuture, .badClaim, .wrongIssuer, .wrongAudience, .wrongDomain,
        .oidmRejected, .oidmUnavailable, .sessionRefused, .sessionNotAccepted, .insufficientScope, .badPath, .methodNotRouted,
    ]
}
