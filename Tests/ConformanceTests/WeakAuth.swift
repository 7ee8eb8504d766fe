import Curl
import EdgeRuntime
import Foundation
import HTTPTypes
import Hummingbird
import JOSE
import JSON
import Logging
import TestSupport

/// A deliberately weak token check, for tests only: it stands in front of the real `oms auth`
/// and lets one class of bad token through, forwarding everything else. The suite run against
/// it must fail exactly the cases of that class.
struct WeakAuth: Sendable {
    enum Weakness: String, Sendable, CaseIterable, CustomStringConvertible {
        /// `alg: none` in any spelling is taken as signed.
        case acceptsNone
        /// A good signature is enough: exp is never looked at (other claims are).
        case skipsExpiry
        /// A key embedded in the header (`jwk`) is trusted to verify the token.
        case trustsEmbeddedKey
        /// The key set a `jku` header points at is fetched and trusted, and so is the
        /// certificate of an `x5u` (fetched only: this verifier reads no certificates, and the
        /// fetch is the finding).
        case trustsKeyURLs
        /// When OIDM cannot answer, the local checks alone decide (fails open).
        case failsOpen
        /// Every request is checked as a GET: the scopes other methods need are never asked for.
        case ignoresMethods
        /// Behind an ingress-like front (which sets X-Original-URL and passes the client's
        /// headers on): the path is a client-sent X-Original-URI when there is one, else the
        /// URL's from the first `/`, `?` or `#` after the scheme. What `oms auth` once did.
        case trustsClientPath

        var description: String { rawValue }
    }

    let weakness: Weakness
    /// The real auth service, for everything the weakness does not cover.
    let authPort: Int
    let oidmPort: Int
    let jwks: JWKS
    let issuer: String
    /// For forwarding and the checks it makes itself; shut down by `stop()`.
    let http = CurlClient()

    static let quiet = Logger(label: "weak") { _ in SwiftLogNoOpLogHandler() }

    /// Serves on a free port until the task is cancelled; returns the port.
    func start() async -> (Int, Task<Void, any Error>) {
        let http = self.http
        return await Loopback.serve(service: { listening in
            let router = Router(context: EdgeRequestContext.self)
            router.get("/auth") { request, _ in
                if let claims = await self.weaklyAccepted(request.headers[.authorization], http) {
                    return Response(status: .ok, headers: [
                        HTTPField.Name("X-Auth-Subject")!: claims["sub"]?.stringValue ?? "",
                        HTTPField.Name("X-Auth-Domain")!: claims["domain"]?.stringValue ?? "",
                        HTTPField.Name("X-Auth-Scope")!: claims["scope"]?.stringValue ?? "",
                    ])
                }
                return try await self.forward(request, http)
            }
            return router.application(server: ServerSettings(host: "127.0.0.1", port: 0), logger: Self.quiet) { listening($0) }
        })
    }

    private func forward(_ request: Request, _ http: CurlClient) async throws -> Response {
        var headers = request.headers.filter { ["authorization", "x-original-uri", "x-original-method", "x-request-id"].contains($0.name.canonicalName) }
            .map { ($0.name.rawName, $0.value) }
        if weakness == .ignoresMethods {
            headers = headers.map { $0.0.lowercased() == "x-original-method" ? ($0.0, "GET") : $0 }
        }
        if weakness == .trustsClientPath, !headers.contains(where: { $0.0.lowercased() == "x-original-uri" }),
           let url = request.headers[HTTPField.Name("X-Original-URL")!] {
            headers.append(("X-Original-URI", Self.lenientTarget(url)))
        }
        let answer = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(authPort)/auth", headers: headers, timeout: .seconds(10)))
        var fields = HTTPFields()
        for (name, value) in answer.headers where name.lowercased().hasPrefix("x-auth-") || name.lowercased() == "www-authenticate" {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return Response(status: HTTPResponse.Status(code: answer.status), headers: fields)
    }

    /// The claims of a token this weakness lets through, or nil to ask the real service.
    private func weaklyAccepted(_ authorization: String?, _ http: CurlClient) async -> [String: JSONValue]? {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return nil }
        let parts = authorization.dropFirst(7).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let payload = Base64URL.decode(parts[1]),
              let header = (try? StrictJSON.parse(headerBytes))?.objectValue,
              let claims = (try? StrictJSON.parse(payload))?.objectValue else { return nil }
        switch weakness {
        case .acceptsNone:
            return header["alg"]?.stringValue?.lowercased() == "none" ? claims : nil
        case .skipsExpiry:
            guard (try? JWSVerifier(keys: jwks, algorithms: [.es256, .rs256]).verify(String(authorization.dropFirst(7)))) != nil else { return nil }
            return claimsOK(claims, checkExpiry: false) ? claims : nil
        case .trustsEmbeddedKey:
            guard let jwk = header["jwk"], let keys = try? JWKS(json: JSONValue.object(["keys": .array([jwk])]).serializedBytes()),
                  (try? JWSVerifier(keys: keys, algorithms: [.es256, .rs256]).verify(String(authorization.dropFirst(7)))) != nil else { return nil }
            return claims
        case .ignoresMethods, .trustsClientPath:
            return nil
        case .failsOpen:
            let token = String(authorization.dropFirst(7))
            guard let oidm = try? await http.execute(CurlRequest(url: "http://127.0.0.1:\(oidmPort)/oauth2/rest/rest/token?access_token=\(token)", timeout: .seconds(5))),
                  oidm.status >= 500,
                  (try? JWSVerifier(keys: jwks, algorithms: [.es256, .rs256]).verify(token)) != nil else { return nil }
            return claimsOK(claims, checkExpiry: true) ? claims : nil
        case .trustsKeyURLs:
            if let url = header["x5u"]?.stringValue { _ = try? await http.execute(CurlRequest(url: url, timeout: .seconds(5))) }
            guard let url = header["jku"]?.stringValue, let fetched = try? await http.execute(CurlRequest(url: url, timeout: .seconds(5))),
                  let keys = try? JWKS(json: fetched.body),
                  (try? JWSVerifier(keys: keys, algorithms: [.es256, .rs256]).verify(String(authorization.dropFirst(7)))) != nil else { return nil }
            return claims
        }
    }

    /// The authority ends at the first `/`, `?` or `#`: `http://x#/ops` has the path `/`.
    static func lenientTarget(_ url: String) -> String {
        let rest = url.split(separator: "://", maxSplits: 1).last ?? ""
        guard let end = rest.firstIndex(where: { "/?#".contains($0) }) else { return "/" }
        return rest[end] == "/" ? String(rest[end...]) : "/"
    }

    /// The stack's policy, written out plainly (issuer, audience, domain, scope, nbf, iat).
    private func claimsOK(_ claims: [String: JSONValue], checkExpiry: Bool) -> Bool {
        let now = Date().timeIntervalSince1970
        let audiences = claims["aud"]?.arrayValue?.compactMap(\.stringValue) ?? claims["aud"]?.stringValue.map { [$0] } ?? []
        let scopes = claims["scope"]?.stringValue?.split(separator: " ").map(String.init) ?? claims["scope"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard claims["iss"]?.stringValue == issuer, audiences.contains("oms"), claims["domain"]?.stringValue == "retail", scopes.contains("documents.read") else { return false }
        for name in ["nbf", "iat"] {
            if let value = claims[name] {
                guard let time = value.numberValue, time <= now + 30 else { return false }
            }
        }
        if checkExpiry {
            guard let exp = claims["exp"]?.numberValue, exp > now - 30 else { return false }
        }
        return true
    }
}
