/// Where a browser may be sent after signing in (`rd`): a path on this gateway, never another
/// site. nginx-conf writes `rd=$request_uri` unencoded, so `rd` is the rest of the query after
/// `rd=`, which keeps a target's own query (`/ops?status=FAILED&source=crm`) whole;
/// ingress-nginx's `auth-signin` sends the whole URL percent-encoded (`rd=https%3A%2F%2F…`),
/// which is decoded once first.
enum RedirectTarget {
    static let maxLength = 2048

    enum Parsed: Equatable {
        /// No `rd`: the configured home.
        case absent
        case path(String)
        /// Another host, or not a plain path.
        case refused
    }

    /// The target in the start endpoint's query. An absolute URL is accepted only on the
    /// gateway's own origin, and turned into its path.
    static func parse(query: Substring, origin: String) -> Parsed {
        guard let range = query.range(of: "rd="), range.lowerBound == query.startIndex || query[query.index(before: range.lowerBound)] == "&" else {
            return .absent
        }
        var raw = String(query[range.upperBound...])
        guard raw.utf8.count <= maxLength else { return .refused }
        let lower = raw.lowercased()
        if !raw.hasPrefix("/") && !lower.hasPrefix("http:") && !lower.hasPrefix("https:") {
            guard let decoded = raw.removingPercentEncoding else { return .refused }
            raw = decoded
        }
        if isLocalPath(raw) { return .path(raw) }
        // `https://gateway.example/ops`: only this gateway's own origin, compared exactly;
        // what follows it must be a path (`.evil.example/`, `@evil.example` are not).
        guard !origin.isEmpty, raw.lowercased().hasPrefix(origin) else { return .refused }
        let rest = String(raw.dropFirst(origin.count))
        if rest.isEmpty { return .path("/") }
        return isLocalPath(rest) ? .path(rest) : .refused
    }

    /// A path starting with exactly one `/` (`//host` and `/\host` are other hosts to a
    /// browser), printable ASCII only, no backslash anywhere.
    static func isLocalPath(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "/"), bytes.count <= maxLength else { return false }
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") { return false }
        return bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }
    }
}
