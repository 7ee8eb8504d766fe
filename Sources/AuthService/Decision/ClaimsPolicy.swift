import JOSE
import JSON

/// The local claim rules (RFC 7519 §4.1 and our domain/scope claims).
struct ClaimsPolicy: Sendable {
    let policy: TokenPolicy

    /// Checks the clock-independent claims and extracts the identity.
    func identity(from claims: [String: JSONValue]) -> Result<TokenIdentity, DenyReason> {
        // RFC 7519 §4.1.4: exp is a NumericDate; an access token without one never expires,
        // which a gateway must not accept.
        guard case .number(let exp)? = claims["exp"] else { return .failure(.badClaim) }
        var notBefore: Double?
        if let value = claims["nbf"] {
            guard case .number(let nbf) = value else { return .failure(.badClaim) }
            notBefore = nbf
        }
        var issuedAt: Double?
        if let value = claims["iat"] {
            guard case .number(let iat) = value else { return .failure(.badClaim) }
            issuedAt = iat
        }
        // RFC 7519 §4.1.1 and §4.1.3: StringOrURI values compare case-sensitively.
        guard case .string(let issuer)? = claims["iss"], policy.issuers.contains(issuer) else { return .failure(.wrongIssuer) }
        switch claims["aud"] {
        case .string(let audience)? where policy.audiences.contains(audience): break
        case .array(let list)? where list.contains(where: { if case .string(let a) = $0 { policy.audiences.contains(a) } else { false } }): break
        default: return .failure(.wrongAudience)
        }
        guard case .string(let domain)? = claims[policy.domainClaim], policy.allowedDomains.contains(domain) else {
            return .failure(.wrongDomain)
        }
        let scopes: [String]
        switch claims[policy.scopeClaim] {
        case nil: scopes = []
        case .string(let text)?: scopes = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        case .array(let list)?:
            var names: [String] = []
            for item in list {
                guard case .string(let name) = item, !name.isEmpty, !name.contains(" ") else { return .failure(.badClaim) }
                names.append(name)
            }
            scopes = names
        default: return .failure(.badClaim)
        }
        let subject = claims["sub"]?.stringValue ?? ""
        let client = claims["client_id"]?.stringValue ?? claims["azp"]?.stringValue ?? claims["client"]?.stringValue ?? ""
        let scopeHeader = scopes.joined(separator: " ")
        // These values become response headers: a CR or LF in a claim must not split them.
        for value in [subject, domain, client, scopeHeader] where !Self.isHeaderSafe(value) {
            return .failure(.badClaim)
        }
        return .success(TokenIdentity(
            subject: subject, domain: domain, scopes: Set(scopes), scopeHeader: scopeHeader,
            client: client, expiresAt: exp, notBefore: notBefore, issuedAt: issuedAt
        ))
    }

    /// The clock checks, done on every request, cached token or not.
    func checkTime(_ identity: TokenIdentity, now: Double) -> DenyReason? {
        let leeway = policy.leewaySeconds
        if identity.expiresAt + leeway <= now { return .expired }
        if let nbf = identity.notBefore, nbf - leeway > now { return .notYetValid }
        if let iat = identity.issuedAt, iat > now + leeway { return .issuedInFuture }
        return nil
    }

    static func isHeaderSafe(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F }
    }
}
