import Curl
import EdgeRuntime
import JOSE
import JSON

/// Asks the OIDM (Oracle Access Manager) token endpoint whether a token is valid.
struct OIDMClient: Sendable {
    let settings: OIDMSettings
    let http: CurlClient

    func validate(_ token: String, requestID: String?) async -> OIDMVerdict {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let domain = settings.identityDomain { headers.append(("X-OAUTH-IDENTITY-DOMAIN-NAME", domain)) }
        if let requestID { headers.append(("X-Request-Id", requestID)) }
        var request = CurlRequest(url: settings.url, timeout: .milliseconds(settings.timeoutMs), maxResponseBytes: 1 << 20, tls: settings.tls)
        let encoded = FormFields.encode(token)
        switch settings.method {
        case .get:
            request.url += (settings.url.contains("?") ? "&" : "?") + "access_token=" + encoded
        case .post:
            // RFC 7662 §2.1: the token travels as a form parameter.
            request.method = "POST"
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            request.body = Array("token=\(encoded)".utf8)
        }
        request.headers = headers
        let response: CurlResponse
        do {
            response = try await http.execute(request)
        } catch {
            // CurlError's message for a handshake failure already starts with "tls: ".
            return .unavailable(error.code == .tls ? error.message : error.description)
        }
        return Self.verdict(status: response.status, body: response.body)
    }

    /// 200 with a JSON object is valid unless it says `active: false` or `successful: false`;
    /// 400 with a JSON body (OIDM's `{errorCode, errorDesc}`), 401, 403 and 404 mean invalid;
    /// anything else means OIDM could not answer. A 400 that is not JSON comes from something
    /// in front of OIDM (a TLS front refusing a missing client certificate says "400 No
    /// required SSL certificate was sent"): that is a fault to count, not a verdict to cache.
    static func verdict(status: Int, body: [UInt8]) -> OIDMVerdict {
        switch status {
        case 200:
            guard case .object(let object)? = try? StrictJSON.parse(body) else { return .invalid }
            if object["active"] == .bool(false) || object["successful"] == .bool(false) { return .invalid }
            return .valid
        case 400:
            guard case .object? = try? StrictJSON.parse(body) else { return .unavailable("OIDM answered HTTP 400 without a JSON body") }
            return .invalid
        case 401, 403, 404:
            return .invalid
        default:
            return .unavailable("OIDM answered HTTP \(status)")
        }
    }
}

