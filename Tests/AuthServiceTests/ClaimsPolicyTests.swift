import JOSE
import JSON
import Testing
@testable import AuthService

@Suite struct ClaimsPolicyTests {
    let now = 1_800_000_000.0
    var rules: ClaimsPolicy {
        var policy = TokenPolicy(issuers: ["https://idp.example"], audiences: ["oms"], allowedDomains: ["retail"])
        policy.leewaySeconds = 30
        return ClaimsPolicy(policy: policy)
    }

    func claims(_ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        var claims: [String: JSONValue] = [
            "iss": "https://idp.example", "aud": "oms", "sub": "alice", "domain": "retail",
            "scope": "documents.read documents.write", "exp": .number(now + 600), "client_id": "portal",
        ]
        for (key, value) in changes { claims[key] = value }
        return claims
    }

    func reason(_ changes: [String: JSONValue?]) -> DenyReason? {
        switch rules.identity(from: claims(changes)) {
        case .failure(let reason): return reason
        case .success(let identity): return rules.checkTime(identity, now: now)
        }
    }

    @Test func extractsTheIdentity() throws {
        let identity = try rules.identity(from: claims()).get()
        #expect(identity.subject == "alice")
        #expect(identity.domain == "retail")
        #expect(identity.client == "portal")
        #expect(identity.scopes == ["documents.read", "documents.write"])
        #expect(identity.scopeHeader == "documents.read documents.write")
        #expect(rules.checkTime(identity, now: now) == nil)
    }

    @Test func scopeAsArrayAndClientFallbacks() throws {
        let identity = try rules.identity(from: claims(["scope": ["a", "b"], "client_id": nil, "azp": "spa"])).get()
        #expect(identity.scopes == ["a", "b"])
        #expect(identity.client == "spa")
        let other = try rules.identity(from: claims(["client_id": nil, "client": "batch"])).get()
        #expect(other.client == "batch")
    }

    @Test func audienceMayBeAnArray() {
        #expect(reason(["aud": ["other", "oms"]]) == nil)
        #expect(reason(["aud": ["other"]]) == .wrongAudience)
        #expect(reason(["aud": []]) == .wrongAudience)
    }

    @Test func clockRulesWithLeeway() {
        #expect(reason(["exp": .number(now - 10)]) == nil)          // within leeway
        #expect(reason(["exp": .number(now - 31)]) == .expired)
        #expect(reason(["exp": .number(now - 30)]) == .expired)     // exp + leeway must be after now
        #expect(reason(["exp": .number(now + 0.5)]) == nil)         // fractional NumericDate
        #expect(reason(["nbf": .number(now + 10)]) == nil)
        #expect(reason(["nbf": .number(now + 31)]) == .notYetValid)
        #expect(reason(["iat": .number(now + 31)]) == .issuedInFuture)
        #expect(reason(["iat": .number(now + 29)]) == nil)
    }

    @Test func wrongTypesAreInvalid() {
        #expect(reason(["exp": nil]) == .badClaim)
        #expect(reason(["exp": "1800000600"]) == .badClaim)
        #expect(reason(["exp": true]) == .badClaim)
        #expect(reason(["nbf": "0"]) == .badClaim)
        #expect(reason(["iat": .null]) == .badClaim)
        #expect(reason(["scope": 7]) == .badClaim)
        #expect(reason(["scope": ["a b"]]) == .badClaim)
        #expect(reason(["scope": [1]]) == .badClaim)
    }

    @Test func issuerAudienceDomainCompareCaseSensitively() {
        #expect(reason(["iss": "https://IDP.example"]) == .wrongIssuer)
        #expect(reason(["iss": nil]) == .wrongIssuer)
        #expect(reason(["aud": "OMS"]) == .wrongAudience)
        #expect(reason(["domain": "Retail"]) == .wrongDomain)
        #expect(reason(["domain": nil]) == .wrongDomain)
        #expect(reason(["domain": ["retail"]]) == .wrongDomain)
    }

    @Test func headerInjectionThroughClaimsIsRefused() {
        #expect(reason(["sub": "alice\r\nX-Auth-Scope: admin"]) == .badClaim)
        #expect(reason(["client_id": "a\nb"]) == .badClaim)
        #expect(reason(["scope": "read\u{7f}"]) == .badClaim)
    }
}
