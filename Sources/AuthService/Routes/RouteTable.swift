/// Finds what a request needs: the global scopes plus those of the longest route prefix
/// (matched by whole segments) that has a rule for the request's method.
///
/// At one prefix, a rule naming the method wins over a rule for every method. Where a prefix
/// has rules naming methods, an unsafe method none of them names is refused outright: a
/// method the configuration forgot (PATCH next to POST, PUT and DELETE) must not fall to the
/// weaker rule meant for reads.
public struct RouteTable: Sendable {
    public enum Requirement: Sendable, Equatable {
        case scopes([String])
        /// An unsafe method that the path's method-specific rules do not name.
        case methodNotRouted
    }

    /// The rules of one prefix.
    private struct Group: Sendable {
        let segments: [String]
        /// Method (upper case) to scopes; two rules naming one method add up.
        var named: [String: [String]] = [:]
        /// The rule for every method, if any.
        var any: [String]?
    }

    private let groups: [Group]
    private let globalScopes: [String]

    /// RFC 9110 §9.2.1: the methods that change nothing; any other is unsafe.
    static let safeMethods: Set<String> = ["GET", "HEAD", "OPTIONS"]

    public init(rules: [RouteRule], globalScopes: [String]) {
        self.globalScopes = globalScopes
        var groups: [[String]: Group] = [:]
        for rule in rules {
            let segments = (try? PathNormalizer.segments(of: rule.prefix)) ?? []
            var group = groups[segments] ?? Group(segments: segments)
            if rule.methods.isEmpty {
                group.any = (group.any ?? []) + rule.scopes
            } else {
                for method in rule.methods { group.named[method.uppercased(), default: []] += rule.scopes }
            }
            groups[segments] = group
        }
        // Longest first, so the first group that decides is the most specific one.
        self.groups = groups.values.sorted { $0.segments.count > $1.segments.count }
    }

    public var isEmpty: Bool { groups.isEmpty }

    /// What `segments` (a normalised path) needs for `method`.
    public func requirement(segments: [String], method: String) -> Requirement {
        let method = method.uppercased()
        for group in groups where segments.count >= group.segments.count && zip(group.segments, segments).allSatisfy({ $0 == $1 }) {
            // HEAD answers what GET would, so a rule for GET covers it unless HEAD has its own.
            if let scopes = group.named[method] ?? (method == "HEAD" ? group.named["GET"] : nil) {
                return .scopes(globalScopes + scopes)
            }
            if !group.named.isEmpty && !Self.safeMethods.contains(method) { return .methodNotRouted }
            if let scopes = group.any { return .scopes(globalScopes + scopes) }
            // Only rules for other, named methods here: a shorter prefix decides a safe method.
        }
        return .scopes(globalScopes)
    }
}
