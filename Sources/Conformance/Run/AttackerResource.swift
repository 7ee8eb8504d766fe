/// What the attacker serves from the echo upstream, for the cases that point a token header or
/// an XML entity at it. Each fetch is counted: a target that goes and gets one fails the cases
/// that expect `never_fetched`.
public enum AttackerResource: String, CaseIterable, Sendable {
    /// A stranger's key set (`{{attacker_jku}}`), for `jku`.
    case jwks
    /// A certificate (`{{attacker_x5u}}`), for `x5u`.
    case certificate
    /// A text an external XML entity points at (`{{attacker_entity}}`).
    case entity

    /// The catalog placeholder that stands for its URL.
    var placeholder: String {
        switch self {
        case .jwks: "attacker_jku"
        case .certificate: "attacker_x5u"
        case .entity: "attacker_entity"
        }
    }

    var path: String {
        switch self {
        case .jwks: "/.oms-conformance/jwks.json"
        case .certificate: "/.oms-conformance/cert.pem"
        case .entity: "/.oms-conformance/entity"
        }
    }

    /// Its URL when the suite runs no echo upstream: a name that resolves nowhere, so the case
    /// still runs, but a fetch cannot be seen.
    var unreachableURL: String { "https://attacker.invalid\(path)" }
}
