/// Finds what a request needs: the global scopes plus those of the most specific route prefix
/// (matched by whole segments, a `*` segment matching any one) that has a rule for the
/// request's method. The most specific prefix is the longest; between prefixes of one length,
/// the first segment where they differ decides, and there a literal beats `*`.
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
        /// A rule of this prefix accepts a browser session.
        var browser = false
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
            group.browser = group.browser || rule.browser
            if rule.methods.isEmpty {
                group.any = (group.any ?? []) + rule.scopes
            } else {
                for method in rule.methods { group.named[method.uppercased(), default: []] += rule.scopes }
            }
            groups[segments] = group
        }
        // Most specific first, so the first group that decides is the most specific one.
        self.groups = groups.values.sorted { Self.isMoreSpecific($0.segments, than: $1.segments) }
    }

    static let wildcard = "*"

    /// Longer first; at one length, a literal before `*` at the first segment where one of the
    /// two has a literal and the other `*`.
    private static func isMoreSpecific(_ a: [String], than b: [String]) -> Bool {
        if a.count != b.count { return a.count > b.count }
        for (left, right) in zip(a, b) where (left == wildcard) != (right == wildcard) {
            return right == wildcard
        }
        return false
    }

    private static func matches(_ prefix: [String], _ segments: [String]) -> Bool {
        segments.count >= prefix.count && zip(prefix, segments).allSatisfy { $0 == wildcard || $0 == $1 }
    }

    public var isEmpty: Bool { groups.isEmpty }

    /// Whether a browser session may stand in for a bearer token on `segments`: the most
    /// specific prefix that matches decides, so `/ops` can accept one while `/ops/api` does not.
    public func acceptsBrowser(segments: [String]) -> Bool {
        groups.first { Self.matches($0.segments, segments) }?.browser ?? false
    }

    /// What `segments` (a normalised path) needs for `method`.
    public func requirement(segments: [String], method: String) -> Requirement {
        let method = method.uppercased()
        for group in groups where Self.matches(group.segments, segments) {
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
