/// Finds the scopes a request needs: the global ones plus those of the longest route prefix
/// (matched by whole segments) whose methods include the request's method.
public struct RouteTable: Sendable {
    private struct Entry: Sendable {
        let segments: [String]
        let methods: Set<String>
        let scopes: [String]
    }

    private let entries: [Entry]
    private let globalScopes: [String]

    public init(rules: [RouteRule], globalScopes: [String]) {
        self.globalScopes = globalScopes
        self.entries = rules
            .map { rule in
                Entry(
                    segments: (try? PathNormalizer.segments(of: rule.prefix)) ?? [],
                    methods: Set(rule.methods.map { $0.uppercased() }),
                    scopes: rule.scopes
                )
            }
            // Longest first, and for one prefix a rule naming the method before a rule for
            // all methods, so the first match is the most specific one.
            .sorted { ($0.segments.count, !$0.methods.isEmpty ? 1 : 0) > ($1.segments.count, !$1.methods.isEmpty ? 1 : 0) }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The scopes required for `segments` (a normalised path) and `method`.
    public func requiredScopes(segments: [String], method: String) -> [String] {
        let method = method.uppercased()
        for entry in entries where entry.methods.isEmpty || entry.methods.contains(method) {
            if segments.count >= entry.segments.count && zip(entry.segments, segments).allSatisfy({ $0 == $1 }) {
                return globalScopes + entry.scopes
            }
        }
        return globalScopes
    }
}
