import JOSE
import JSON

/// What a good token looks like, learned from the valid token the suite was given: its
/// header and claims, and its own segments and signature (kept byte for byte, so that a case
/// changing nothing reproduces it exactly).
public struct TokenTemplate: Sendable {
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public let token: String
    let segments: (header: String, payload: String, signature: String)
    let header: [String: JSONValue]
    let claims: [String: JSONValue]
    let signature: [UInt8]

    public var algorithm: String { header["alg"]?.stringValue ?? "" }
    public var keyID: String? { header["kid"]?.stringValue }

    /// The valid token's scopes, from a space-separated string or a list.
    var scopes: [String] {
        if let text = claims["scope"]?.stringValue { return text.split(separator: " ").map(String.init) }
        return claims["scope"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    public init(token: String) throws(Invalid) {
        try self.init(token: token, claimsRequired: true)
    }

    /// `claimsRequired: false` takes a payload that is not a JSON object (its claims are then
    /// empty), for builder tests on published JWS examples such as RFC 7520's.
    package init(token: String, claimsRequired: Bool) throws(Invalid) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            throw Invalid(description: "the valid token is not a compact JWS (three non-empty segments)")
        }
        guard let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]) else {
            throw Invalid(description: "the valid token has a segment that is not base64url")
        }
        guard let header = (try? StrictJSON.parse(headerBytes))?.objectValue else {
            throw Invalid(description: "the valid token's header is not a JSON object")
        }
        let claims = (try? StrictJSON.parse(payloadBytes))?.objectValue
        guard claims != nil || !claimsRequired else { throw Invalid(description: "the valid token's payload is not a JSON object") }
        guard header["alg"]?.stringValue.map({ !$0.isEmpty && $0 != "none" }) == true else {
            throw Invalid(description: "the valid token has no usable alg")
        }
        self.token = token
        self.segments = (parts[0], parts[1], parts[2])
        self.header = header
        self.claims = claims ?? [:]
        self.signature = signature
    }

    /// `{{name}}` values for case templates: the token, its parts and its claims, and times
    /// (`now`, `past` an hour ago, `future` an hour ahead), and `members`, `members_no_exp`
    /// and `header_members` (the objects' members as JSON text, braces left out).
    func placeholders(path: String, now: Int64) -> [String: String] {
        var values: [String: String] = [
            "valid": token, "header": segments.header, "payload": segments.payload, "signature": segments.signature,
            "alg": algorithm, "alg_lower": algorithm.lowercased(), "kid": keyID ?? "", "path": path,
            "now": String(now), "past": String(now - 3600), "future": String(now + 3600),
        ]
        for name in ["iss", "sub", "domain", "client_id", "azp"] {
            values[name] = claims[name]?.stringValue ?? ""
        }
        // The members of the valid header and claims as JSON text without the braces, for
        // cases that write a segment by hand (duplicate names, trailing bytes).
        values["header_members"] = Self.members(header)
        values["members"] = Self.members(claims)
        values["members_no_exp"] = Self.members(claims.filter { $0.key != "exp" })
        values["aud"] = claims["aud"]?.stringValue ?? claims["aud"]?.arrayValue?.first?.stringValue ?? ""
        values["scope"] = claims["scope"]?.stringValue ?? claims["scope"]?.arrayValue?.compactMap(\.stringValue).joined(separator: " ") ?? ""
        return values
    }

    private static func members(_ object: [String: JSONValue]) -> String {
        let text = String(decoding: JSONValue.object(object).serializedBytes(), as: UTF8.self)
        return String(text.dropFirst().dropLast())
    }
}
