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
}
