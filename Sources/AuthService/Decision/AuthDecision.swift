/// The answer to one auth subrequest: allow with the token's identity, or deny with why.
struct AuthDecision: Sendable {
    enum Outcome: Sendable {
        case allow(TokenIdentity)
        case deny(DenyReason)
    }

    let outcome: Outcome
    /// For a 403: the scopes the route needs (RFC 6750 §3 `scope` attribute).
    var requiredScopes: [String] = []
    /// When a browser session was the credential: what the 200 hands nginx for the upstream
    /// (the session's access token, as `Authorization`) and for the page's forms (the
    /// anti-forgery token).
    var session: BrowserSession?

    static func deny(_ reason: DenyReason, scopes: [String] = []) -> AuthDecision {
        AuthDecision(outcome: .deny(reason), requiredScopes: scopes)
    }

    var status: Int {
        switch outcome {
        case .allow: 200
        case .deny(let reason): reason.status
        }
    }
}
