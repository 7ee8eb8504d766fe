import JOSE
import JSON

/// A cookie whose value is a JSON object sealed with AES-256-GCM under `session.key_file`,
/// bound to the cookie's name (the name is the associated data, so a sign-in cookie never
/// opens as a session). Only `oms auth` can read or make one; a changed byte makes it nothing.
struct SealedCookie: Sendable {
    let name: String
    let key: AESGCMKey
    let secure: Bool

    /// Browsers keep cookies up to about 4 KB; anything longer was not made here.
    static let maxValueBytes = 4096

    func seal(_ object: [String: JSONValue]) -> String {
        Base64URL.encode(key.seal(Array(JSONValue.object(object).serialized().utf8), associatedData: Array(name.utf8)))
    }

    /// The object, or nil for a value that is too long, not base64url, altered, sealed under
    /// another key or for another cookie, or not a JSON object.
    func open(_ value: Substring) -> [String: JSONValue]? {
        guard value.utf8.count <= Self.maxValueBytes, let box = Base64URL.decode(value),
              let plain = key.open(box, associatedData: Array(name.utf8)) else { return nil }
        return try? StrictJSON.parseObject(plain, maxDepth: 4)
    }

    /// `Set-Cookie` for `value`, living `maxAge` seconds. `Path=/` and no `Domain`, as the
    /// `__Host-` prefix requires; `SameSite=Lax` so the top-level navigation back from OIDM
    /// carries it, while cross-site posts do not.
    func setCookie(_ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(max(0, maxAge)); HttpOnly; SameSite=Lax\(secure ? "; Secure" : "")"
    }

    /// `Set-Cookie` that removes the cookie.
    var clearCookie: String { setCookie("", maxAge: 0) }

    /// The cookie's value in a `Cookie` header (RFC 6265 §5.4: `name=value` pairs joined by
    /// "; "), or nil when it is absent or present more than once: a second cookie of the same
    /// name can be planted by a sibling domain, and neither can be trusted to be ours.
    func value(in header: String?) -> Substring? {
        guard let header else { return nil }
        var found: Substring?
        for pair in header.split(separator: ";") {
            let trimmed = pair.drop { $0 == " " || $0 == "\t" }
            guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
            if found != nil { return nil }
            found = trimmed[trimmed.index(after: equals)...]
        }
        return found
    }
}

/// What a signed-in browser holds: the access token it acts with, who it is, when the
/// session ends, and the anti-forgery token its forms must carry.
struct BrowserSession: Sendable, Equatable {
    let accessToken: String
    let subject: String
    let expiresAt: Double
    let csrf: String

    var fields: [String: JSONValue] {
        ["v": 1, "tok": .string(accessToken), "sub": .string(subject), "exp": .number(expiresAt), "csrf": .string(csrf)]
    }

    /// nil unless every field is there, of its type, and the session has not ended.
    init?(fields: [String: JSONValue], now: Double) {
        guard fields["v"]?.numberValue == 1, let token = fields["tok"]?.stringValue, !token.isEmpty,
              let subject = fields["sub"]?.stringValue, let expiresAt = fields["exp"]?.numberValue,
              let csrf = fields["csrf"]?.stringValue, !csrf.isEmpty, expiresAt > now else { return nil }
        self.init(accessToken: token, subject: subject, expiresAt: expiresAt, csrf: csrf)
    }

    init(accessToken: String, subject: String, expiresAt: Double, csrf: String) {
        self.accessToken = accessToken
        self.subject = subject
        self.expiresAt = expiresAt
        self.csrf = csrf
    }
}

/// A sign-in under way: what the callback must find again (RFC 6749 §10.12 `state`, OIDC
/// `nonce`, RFC 7636 `code_verifier`) and where to go afterwards. Kept in its own sealed
/// cookie, so any replica can finish a sign-in another one started.
struct PendingSignIn: Sendable, Equatable {
    let state: String
    let nonce: String
    let verifier: String
    let target: String
    let expiresAt: Double

    /// Long enough to type a password, short enough that a stale tab starts over.
    static let lifetimeSeconds = 600.0

    var fields: [String: JSONValue] {
        ["v": 1, "state": .string(state), "nonce": .string(nonce), "verifier": .string(verifier), "rd": .string(target), "exp": .number(expiresAt)]
    }

    init?(fields: [String: JSONValue], now: Double) {
        guard fields["v"]?.numberValue == 1, let state = fields["state"]?.stringValue, let nonce = fields["nonce"]?.stringValue,
              let verifier = fields["verifier"]?.stringValue, let target = fields["rd"]?.stringValue, RedirectTarget.isLocalPath(target),
              let expiresAt = fields["exp"]?.numberValue, expiresAt > now else { return nil }
        self.init(state: state, nonce: nonce, verifier: verifier, target: target, expiresAt: expiresAt)
    }

    init(state: String, nonce: String, verifier: String, target: String, expiresAt: Double) {
        self.state = state
        self.nonce = nonce
        self.verifier = verifier
        self.target = target
        self.expiresAt = expiresAt
    }
}
