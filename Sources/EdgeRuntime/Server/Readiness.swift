import JSON

/// What `/readyz` reports: ready or not, with a short reason per dependency.
public struct Readiness: Sendable, Equatable {
    public var ready: Bool
    public var checks: [String: String]

    public init(ready: Bool, checks: [String: String] = [:]) {
        self.ready = ready
        self.checks = checks
    }

    /// `{"ready":true,"checks":{"jwks":"ok"}}`
    public var json: String {
        var out = "{\"ready\":\(ready),\"checks\":{"
        for (index, key) in checks.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            out += JSONString.quoted(key) + ":" + JSONString.quoted(checks[key]!)
        }
        return out + "}}"
    }
}
