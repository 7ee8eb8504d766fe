/// The auth answers as raw HTTP/1.1 bytes. `/auth` answers are small and few in kind, so they
/// are written directly instead of going through a response encoder.
enum ResponseBytes {
    static let realm = "oms"

    static func allow(_ identity: TokenIdentity, close: Bool) -> [UInt8] {
        allowResponse(subject: identity.subject, domain: identity.domain, scopeHeader: identity.scopeHeader, client: identity.client, close: close)
    }

    static func allowResponse(subject: String, domain: String, scopeHeader: String, client: String, close: Bool) -> [UInt8] {
        var text = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
        text += "X-Auth-Subject: \(subject)\r\n"
        text += "X-Auth-Domain: \(domain)\r\n"
        text += "X-Auth-Scope: \(scopeHeader)\r\n"
        text += "X-Auth-Client: \(client)\r\n"
        if close { text += "Connection: close\r\n" }
        return Array((text + "\r\n").utf8)
    }

    static let unauthorizedKeepAlive = deny(.badSignature, scopes: [], close: false)
    static let missingTokenKeepAlive = deny(.missingToken, scopes: [], close: false)

    static func deny(_ reason: DenyReason, scopes: [String], close: Bool) -> [UInt8] {
        var text: String
        if reason.status == 403 {
            // RFC 6750 §3.1: insufficient_scope, with the scope the resource needs.
            text = "HTTP/1.1 403 Forbidden\r\nWWW-Authenticate: Bearer realm=\"\(realm)\", error=\"insufficient_scope\""
            let needed = scopes.filter { ClaimsPolicy.isHeaderSafe($0) && !$0.contains("\"") && !$0.contains("\\") }
            if !needed.isEmpty { text += ", scope=\"\(needed.joined(separator: " "))\"" }
            text += "\r\n"
        } else if reason == .missingToken || reason == .badScheme {
            // RFC 6750 §3.1: a request without credentials gets no error code.
            text = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"\(realm)\"\r\n"
        } else {
            text = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"\(realm)\", error=\"invalid_token\"\r\n"
        }
        text += "Content-Length: 0\r\n"
        if close { text += "Connection: close\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// An answer of the browser sign-in endpoints.
    static func answer(_ answer: BrowserSignIn.Answer, close: Bool) -> [UInt8] {
        let body = Array(answer.body.utf8)
        var text = "HTTP/1.1 \(answer.status) \(reasonPhrase(answer.status))\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in answer.headers { text += "\(name): \(value)\r\n" }
        if close { text += "Connection: close\r\n" }
        return Array((text + "\r\n").utf8) + body
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 502: "Bad Gateway"
        default: "Status"
        }
    }

    static func plain(status: Int, reason: String, contentType: String, body: [UInt8], close: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        if close { text += "Connection: close\r\n" }
        return Array((text + "\r\n").utf8) + body
    }

    static func bytes(for decision: AuthDecision, close: Bool) -> [UInt8] {
        switch decision.outcome {
        case .allow(let identity):
            if let session = decision.session {
                // For nginx only (auth_request_set, or ingress-nginx's auth-response-headers,
                // which copy them by name): the session's token becomes the upstream's
                // `Authorization`, as oauth2-proxy's --set-authorization-header does, and the
                // anti-forgery token the header the page's forms are checked against. Neither
                // reaches the browser.
                var bytes = allow(identity, close: close)
                bytes.removeLast(2)
                bytes += Array("Authorization: Bearer \(session.accessToken)\r\nX-OMS-CSRF: \(session.csrf)\r\n\r\n".utf8)
                return bytes
            }
            return close ? allow(identity, close: true) : identity.allowResponse
        case .deny(let reason):
            if !close && decision.requiredScopes.isEmpty {
                if reason == .missingToken || reason == .badScheme { return missingTokenKeepAlive }
                if reason.status == 401 { return unauthorizedKeepAlive }
            }
            return deny(reason, scopes: decision.requiredScopes, close: close)
        }
    }
}
