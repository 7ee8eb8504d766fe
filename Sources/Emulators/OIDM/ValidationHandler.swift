import CoreMetrics
import EdgeRuntime
import Foundation
import HTTPTypes
import Hummingbird
import JOSE
import JSON

/// The validation answer itself.
struct ValidationHandler: Sendable {
    let keys: EmulatorKeys
    let state: OIDMEmulatorState
    let identityDomain: String?
    let validations: Counter

    func answer(token: String?, request: Request) async -> Response {
        let (delay, failStatus) = state.values.withLock { values in
            values.validations += 1
            return (values.delayMs, values.failStatus)
        }
        validations.increment()
        if delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
        if let failStatus {
            return Self.json(HTTPResponse.Status(code: failStatus), ["errorCode": "OAUTH-EMULATED-OUTAGE", "errorDesc": "emulated outage"])
        }
        if let identityDomain, request.headers[HTTPField.Name("X-OAUTH-IDENTITY-DOMAIN-NAME")!] != identityDomain {
            return Self.invalid("IDAAS-12026", "identity domain missing or unknown")
        }
        guard let token, !token.isEmpty else { return Self.invalid("OAUTH-10120", "access_token is missing") }
        let verified: VerifiedJWS
        do {
            verified = try keys.verify(token)
        } catch {
            return Self.invalid("OAUTH-10130", "token is invalid: \(error.code)")
        }
        let now = Date().timeIntervalSince1970
        guard let exp = verified.claims["exp"]?.numberValue, exp > now else {
            return Self.invalid("OAUTH-10131", "token has expired")
        }
        if state.values.withLock({ $0.revoked.contains(TokenDigest(token)) }) {
            return Self.invalid("OAUTH-10132", "token has been revoked")
        }
        var body = verified.claims
        body["active"] = .bool(true)
        return Self.json(.ok, body)
    }

    static func invalid(_ code: String, _ description: String) -> Response {
        json(.badRequest, ["errorCode": .string(code), "errorDesc": .string(description)])
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: JSONValue]) -> Response {
        Response.json(status, JSONValue.object(object).serialized())
    }
}
