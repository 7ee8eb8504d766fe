/// OIDM's answer about one token.
enum OIDMVerdict: Sendable, Equatable {
    case valid
    case invalid
    /// Timeout, 5xx, connection error, open breaker: never cached, always a 401.
    case unavailable(String)

    /// Whether OIDM answered at all (what the circuit breaker counts).
    var isAnswer: Bool {
        if case .unavailable = self { return false }
        return true
    }

    /// The call failed in its TLS handshake (certificate, name, client certificate refused):
    /// usually a configuration or certificate rotation problem, so it is counted on its own.
    var isTLSFailure: Bool {
        if case .unavailable(let detail) = self { return detail.hasPrefix("tls: ") }
        return false
    }
}
