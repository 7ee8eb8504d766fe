import EdgeRuntime
/// ETags of items: the version as a strong tag, `"42"` (RFC 9110 §8.8.3).
enum EntityTag {
    static func of(_ version: Int64) -> String { "\"\(version)\"" }

    /// A precondition header: `*`, or a list of entity tags.
    enum Condition: Equatable {
        case any
        /// The versions of the strong tags listed (weak and foreign tags match nothing).
        case versions([Int64])
    }

    /// Parses `If-Match` / `If-None-Match`; throws 400 for text that is not a list of tags.
    static func condition(_ header: String) throws(APIError) -> Condition {
        let trimmed = header.trimmingSpaces
        if trimmed == "*" { return .any }
        var versions: [Int64] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            var tag = part.trimmingSpaces[...]
            var weak = false
            if tag.hasPrefix("W/") {
                weak = true
                tag = tag.dropFirst(2)
            }
            guard tag.count >= 2, tag.first == "\"", tag.last == "\"", !tag.dropFirst().dropLast().contains("\"") else {
                throw APIError(.badRequest, "invalid_precondition", "a precondition header must be * or a list of entity tags such as \"42\"")
            }
            // RFC 9110 §13.1.1: If-Match compares strongly, so a weak tag matches nothing
            // there; If-None-Match compares weakly, which the caller handles by `weakVersions`.
            if !weak, let version = Int64(tag.dropFirst().dropLast()) { versions.append(version) }
        }
        return .versions(versions)
    }

    /// For If-None-Match, where W/"42" matches "42" too (weak comparison).
    static func weakCondition(_ header: String) throws(APIError) -> Condition {
        let stripped = header.split(separator: ",", omittingEmptySubsequences: false).map { part -> String in
            let tag = part.trimmingSpaces
            return tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
        }.joined(separator: ",")
        return try condition(stripped)
    }
}


extension StringProtocol {
    /// Without leading and trailing spaces and tabs (HTTP's OWS).
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}

extension EntityTag.Condition {
    func matches(_ version: Int64?) -> Bool {
        guard let version else { return false }
        switch self {
        case .any: return true
        case .versions(let versions): return versions.contains(version)
        }
    }
}
