import EdgeRuntime
import Foundation
import HTTPTypes
import Hummingbird
import JOSE
import JSON

/// The client-credentials grant (RFC 6749 §4.4) on the token endpoint, as OAM answers it:
/// a configured client, authenticated with HTTP Basic (§2.3.1) or `client_id`/`client_secret`
/// in the form, gets a signed JWT with the scopes it asked for among those it may have.
struct ClientCredentialsGrant: Sendable {
    let clients: [String: EmulatedClient]
    let issuer: EmulatedIssuer
    let signer: JWSSigner

    init(clients: [EmulatedClient], issuer: EmulatedIssuer) throws(OIDMEmulator.LoadError) {
        guard let pem = try? String(contentsOfFile: issuer.keyFile, encoding: .utf8) else {
            throw OIDMEmulator.LoadError(description: "signing.key_file \(issuer.keyFile): cannot read the file")
        }
        do {
            signer = try JWSSigner(privateKeyPEM: pem, algorithm: issuer.algorithm, keyID: issuer.keyID)
        } catch {
            throw OIDMEmulator.LoadError(description: "signing.key_file \(issuer.keyFile): not a usable \(issuer.algorithm.rawValue) private key: \(error)")
        }
        self.clients = Dictionary(clients.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.issuer = issuer
    }

    func answer(form: [String: String], request: Request) -> Response {
        guard form["grant_type"]?.lowercased() == "client_credentials" else {
            return Self.error(.badRequest, "unsupported_grant_type", "only client_credentials is granted here")
        }
        let client: EmulatedClient
        switch authenticate(form: form, request: request) {
        case .success(let known): client = known
        case .failure(let refused): return refused
        }
        let id = client.id
        let asked = (form["scope"] ?? "").split(separator: " ").map(String.init)
        if let unknown = asked.first(where: { !client.scopes.contains($0) }) {
            return Self.error(.badRequest, "invalid_scope", "\(unknown) is not a scope of \(id)")
        }
        let scopes = asked.isEmpty ? client.scopes : asked
        let now = Date().timeIntervalSince1970.rounded(.down)
        let claims: [String: JSONValue] = [
            "iss": .string(issuer.issuer), "aud": .string(issuer.audience), "sub": .string(id), "client_id": .string(id),
            "domain": .string(issuer.domain), "scope": .string(scopes.joined(separator: " ")),
            "iat": .number(now), "exp": .number(now + Double(issuer.ttlSeconds)), "jti": .string(UUID().uuidString),
        ]
        guard let token = try? signer.sign(claims: claims) else {
            return Self.error(.internalServerError, "server_error", "the token could not be signed")
        }
        var response = Response.json(.ok, JSONValue.object([
            "access_token": .string(token), "token_type": "Bearer", "expires_in": .number(Double(issuer.ttlSeconds)),
            "scope": .string(scopes.joined(separator: " ")),
        ]).serialized())
        response.headers[.cacheControl] = "no-store"
        return response
    }

    enum Authentication {
        case success(EmulatedClient)
        case failure(Response)
    }

    /// The client the token endpoint's request authenticates (its secret compared in constant
    /// time), or RFC 6749 §5.2's `invalid_client` with a Basic challenge.
    func authenticate(form: [String: String], request: Request) -> Authentication {
        guard let (id, secret) = Self.credentials(form: form, authorization: request.headers[.authorization]),
              let client = clients[id], FormFields.constantTimeEqual(secret, client.secret.value) else {
            var refused = Self.error(.unauthorized, "invalid_client", "unknown client or wrong secret")
            refused.headers[.wwwAuthenticate] = #"Basic realm="oidm""#
            return .failure(refused)
        }
        return .success(client)
    }

    /// HTTP Basic first (its parts form-encoded, §2.3.1), else the form's fields.
    static func credentials(form: [String: String], authorization: String?) -> (String, String)? {
        if let authorization, authorization.lowercased().hasPrefix("basic "),
           let decoded = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
           let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") {
            let id = String(text[..<colon]).removingPercentEncoding ?? ""
            let secret = String(text[text.index(after: colon)...]).removingPercentEncoding ?? ""
            return (id, secret)
        }
        guard let id = form["client_id"], let secret = form["client_secret"] else { return nil }
        return (id, secret)
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ description: String) -> Response {
        Response.json(status, JSONValue.object(["error": .string(code), "error_description": .string(description)]).serialized())
    }
}
