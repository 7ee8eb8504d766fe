import JOSE

/// The whole local check of a token: parse, signature, claims (clock included). The decider
/// caches what it returns; the benchmark measures it against a bare signature verify.
package struct LocalTokenCheck: Sendable {
    let policy: ClaimsPolicy

    package init(policy: TokenPolicy) {
        self.policy = ClaimsPolicy(policy: policy)
    }

    /// Signature and the clock-independent claims.
    func identity(of token: String, verifier: JWSVerifier) -> Result<TokenIdentity, DenyReason> {
        let verified: VerifiedJWS
        do {
            verified = try verifier.verify(token)
        } catch {
            return .failure(Self.reason(for: error))
        }
        return policy.identity(from: verified.claims)
    }

    /// Signature and the clock-independent claims, with the key set as it is now (no keys yet:
    /// `unknownKey`).
    func identity(of token: String, keys: KeySetProvider) -> Result<TokenIdentity, DenyReason> {
        guard let verifier = keys.verifier else { return .failure(.unknownKey) }
        return identity(of: token, verifier: verifier)
    }

    /// The same after reloading the key set, for a token whose `kid` was unknown: a new kid may
    /// mean the issuer rotated its keys. The reload is rate-limited; when it is not allowed or
    /// fails, the kid stays unknown.
    func identityAfterRefresh(of token: String, keys: KeySetProvider) async -> Result<TokenIdentity, DenyReason> {
        guard await keys.refreshForUnknownKey() else { return .failure(.unknownKey) }
        return identity(of: token, keys: keys)
    }

    /// Everything a first sight of a token costs, clock included: true when it passes.
    package func passes(_ token: String, verifier: JWSVerifier, now: Double) -> Bool {
        guard case .success(let identity) = identity(of: token, verifier: verifier) else { return false }
        return policy.checkTime(identity, now: now) == nil
    }

    static func reason(for error: JOSEError) -> DenyReason {
        switch error.code {
        case .tooLarge: .tokenTooLarge
        case .algNotAllowed: .algorithmNotAllowed
        case .unknownKey: .unknownKey
        case .keyMismatch: .keyMismatch
        case .badSignature: .badSignature
        case .unsupportedHeader: .unsupportedHeader
        default: .malformed
        }
    }
}
