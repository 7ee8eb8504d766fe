import EdgeRuntime
import Foundation
import HTTPTypes
import Hummingbird
import JOSE
import JSON
import Synchronization

/// The authorization-code grant with PKCE (RFC 6749 §4.1, RFC 7636 S256 only) and an
/// OpenID Connect ID token, as a browser meets it at OAM: the authorization endpoint shows a
/// login form, a right username and password send the browser back to the client's
/// registered redirect URI with a one-time code, and the token endpoint exchanges that code,
/// with the client's credentials and the PKCE verifier, for an access token and an ID token.
final class AuthorizationCodeGrant: Sendable {
    /// A code handed out and not yet exchanged.
    struct Issued: Sendable {
        let clientID: String
        let redirectURI: String
        let challenge: String
        let nonce: String?
        let user: EmulatedUser
        let scopes: [String]
        let expiresAt: Double
    }

    /// The authorization request, checked.
    struct Authorization: Sendable {
        let client: EmulatedClient
        let redirectURI: String
        let state: String?
        let nonce: String?
        let challenge: String
        let scope: String?

        /// What the login form carries back in hidden fields.
        var fields: [String: String] {
            var fields = ["response_type": "code", "client_id": client.id, "redirect_uri": redirectURI, "code_challenge": challenge, "code_challenge_method": "S256"]
            fields["state"] = state
            fields["nonce"] = nonce
            fields["scope"] = scope
            return fields
        }
    }

    enum Checked {
        case success(Authorization)
        case failure(Response)
    }

    static let codeLifetimeSeconds = 60.0
    /// Codes outstanding at once; beyond it the oldest are forgotten (a form posted in a loop
    /// costs bounded memory).
    static let maxOutstanding = 10_000

    private let tokens: ClientCredentialsGrant
    private let users: [String: EmulatedUser]
    private let authorizePath: String
    private let form = LoginForm()
    private let codes = Mutex<[String: Issued]>([:])

    init(tokens: ClientCredentialsGrant, users: [EmulatedUser], authorizePath: String) {
        self.tokens = tokens
        self.users = Dictionary(users.map { ($0.username, $0) }, uniquingKeysWith: { first, _ in first })
        self.authorizePath = authorizePath
    }

    /// `GET` on the authorization endpoint: the login form, or an error.
    func showForm(_ fields: [String: String]) -> Response {
        switch authorization(fields) {
        case .failure(let response): response
        case .success(let request): page(.ok, form.render(action: authorizePath, fields: request.fields, client: request.client.id, failed: false))
        }
    }

    /// `POST` from the login form.
    func signIn(_ fields: [String: String]) -> Response {
        let request: Authorization
        switch authorization(fields) {
        case .failure(let response): return response
        case .success(let checked): request = checked
        }
        // One answer for an unknown user and a wrong password: the form does not say which
        // usernames exist.
        guard let user = users[fields["username"] ?? ""], let password = fields["password"],
              FormFields.constantTimeEqual(password, user.password.value) else {
            return page(.unauthorized, form.render(action: authorizePath, fields: request.fields, client: request.client.id, failed: true))
        }
        let asked = (request.scope ?? "").split(separator: " ").map(String.init).filter { $0 != "openid" }
        let scopes = asked.isEmpty ? user.scopes : asked.filter(user.scopes.contains)
        let code = RandomBytes.token(32)
        let now = Date().timeIntervalSince1970
        codes.withLock { codes in
            codes = codes.filter { $0.value.expiresAt > now }
            if codes.count >= Self.maxOutstanding { codes.removeAll() }
            codes[code] = Issued(
                clientID: request.client.id, redirectURI: request.redirectURI, challenge: request.challenge,
                nonce: request.nonce, user: user, scopes: scopes, expiresAt: now + Self.codeLifetimeSeconds
            )
        }
        var back = ["code": code]
        back["state"] = request.state
        return redirect(request.redirectURI, back)
    }

    /// `grant_type=authorization_code` on the token endpoint (RFC 6749 §4.1.3, RFC 7636 §4.6).
    func exchange(form: [String: String], request: Request) -> Response {
        let client: EmulatedClient
        switch tokens.authenticate(form: form, request: request) {
        case .success(let known): client = known
        case .failure(let refused): return refused
        }
        // A code is used once: taken out before anything else is checked, so a second
        // attempt with a stolen code fails whatever it sends.
        guard let code = form["code"], let issued = codes.withLock({ $0.removeValue(forKey: code) }),
              issued.expiresAt > Date().timeIntervalSince1970 else {
            return ClientCredentialsGrant.error(.badRequest, "invalid_grant", "unknown, used or expired code")
        }
        guard issued.clientID == client.id else {
            return ClientCredentialsGrant.error(.badRequest, "invalid_grant", "the code was issued to another client")
        }
        guard form["redirect_uri"] == issued.redirectURI else {
            return ClientCredentialsGrant.error(.badRequest, "invalid_grant", "redirect_uri differs from the authorization request's")
        }
        guard let verifier = form["code_verifier"], Self.isVerifier(verifier),
              Base64URL.encode(SHA256.hash(Array(verifier.utf8))) == issued.challenge else {
            return ClientCredentialsGrant.error(.badRequest, "invalid_grant", "code_verifier does not match the code_challenge")
        }
        let issuer = tokens.issuer
        let now = Date().timeIntervalSince1970.rounded(.down)
        let scope = issued.scopes.joined(separator: " ")
        let access: [String: JSONValue] = [
            "iss": .string(issuer.issuer), "aud": .string(issuer.audience), "sub": .string(issued.user.username),
            "client_id": .string(client.id), "domain": .string(issuer.domain), "scope": .string(scope),
            "iat": .number(now), "exp": .number(now + Double(issuer.ttlSeconds)), "jti": .string(UUID().uuidString),
        ]
        var identity: [String: JSONValue] = [
            "iss": .string(issuer.issuer), "aud": .string(client.id), "sub": .string(issued.user.username),
            "iat": .number(now), "auth_time": .number(now), "exp": .number(now + Double(issuer.ttlSeconds)),
        ]
        if let nonce = issued.nonce { identity["nonce"] = .string(nonce) }
        guard let accessToken = try? tokens.signer.sign(claims: access), let idToken = try? tokens.signer.sign(claims: identity) else {
            return ClientCredentialsGrant.error(.internalServerError, "server_error", "the tokens could not be signed")
        }
        var response = Response.json(.ok, JSONValue.object([
            "access_token": .string(accessToken), "token_type": "Bearer", "expires_in": .number(Double(issuer.ttlSeconds)),
            "id_token": .string(idToken), "scope": .string(scope),
        ]).serialized())
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Errors about the client or the redirect URI are shown, never redirected (RFC 6749
    /// §4.1.2.1: the URI is not trusted yet); the others go back to the client with `error`.
    private func authorization(_ fields: [String: String]) -> Checked {
        guard let id = fields["client_id"], let client = tokens.clients[id] else {
            return .failure(page(.badRequest, Self.errorPage("Unknown client.")))
        }
        guard let redirectURI = fields["redirect_uri"], client.redirectURIs.contains(redirectURI) else {
            return .failure(page(.badRequest, Self.errorPage("This redirect_uri is not registered for the client.")))
        }
        var error = ["state": fields["state"]].compactMapValues { $0 }
        guard fields["response_type"] == "code" else {
            error["error"] = "unsupported_response_type"
            return .failure(redirect(redirectURI, error))
        }
        // RFC 7636 §4.4.1 and the Security BCP: PKCE is required, and only S256.
        guard let challenge = fields["code_challenge"], fields["code_challenge_method"] == "S256",
              challenge.utf8.count == 43, Base64URL.decode(challenge)?.count == 32 else {
            error["error"] = "invalid_request"
            error["error_description"] = "PKCE with code_challenge_method=S256 is required"
            return .failure(redirect(redirectURI, error))
        }
        return .success(Authorization(client: client, redirectURI: redirectURI, state: fields["state"], nonce: fields["nonce"], challenge: challenge, scope: fields["scope"]))
    }

    /// RFC 7636 §4.1: 43–128 characters of `[A-Za-z0-9-._~]`.
    static func isVerifier(_ text: String) -> Bool {
        (43...128).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
            default: false
            }
        }
    }

    private func redirect(_ uri: String, _ parameters: [String: String]) -> Response {
        var components = URLComponents(string: uri)
        var items = components?.queryItems ?? []
        items += parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        components?.percentEncodedQuery = FormFields.encode(items.map { ($0.name, $0.value ?? "") })
        return Response(status: .found, headers: [.location: components?.string ?? uri, .cacheControl: "no-store"])
    }

    private static func errorPage(_ message: String) -> String {
        // Fixed texts only: nothing from the request is echoed here.
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in error</title></head><body><h1>Sign-in error</h1><p id=\"error\">\(message)</p></body></html>"
    }

    private func page(_ status: HTTPResponse.Status, _ html: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
