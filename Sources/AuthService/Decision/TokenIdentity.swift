/// What the local checks learned from a token whose signature, issuer, audience and domain
/// passed. It is cached with the token; the clock-dependent claims are kept as numbers and
/// re-checked on every request. A class: it travels from the cache entry through the decision
/// to the answer on every request, and one reference moves where a copy would retain each of
/// its fields.
package final class TokenIdentity: Sendable {
    package let subject: String
    package let domain: String
    package let scopes: Set<String>
    package let scopeHeader: String
    package let client: String
    let expiresAt: Double
    let notBefore: Double?
    let issuedAt: Double?
    /// The whole 200 response for a keep-alive connection, built once per token.
    let allowResponse: [UInt8]

    init(subject: String, domain: String, scopes: Set<String>, scopeHeader: String, client: String, expiresAt: Double, notBefore: Double?, issuedAt: Double?) {
        self.subject = subject
        self.domain = domain
        self.scopes = scopes
        self.scopeHeader = scopeHeader
        self.client = client
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuedAt = issuedAt
        self.allowResponse = ResponseBytes.allowResponse(subject: subject, domain: domain, scopeHeader: scopeHeader, client: client, close: false)
    }
}
