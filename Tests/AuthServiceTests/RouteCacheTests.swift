import Testing
@testable import AuthService

/// The remembered route requirements are the table's own, first time and from the cache, and
/// the cache stays within its bound whatever paths arrive.
@Suite struct RouteCacheTests {
    static let table = RouteTable(rules: [
        RouteRule(prefix: "/v1/documents", scopes: ["documents.read"]),
        RouteRule(prefix: "/v1/documents", methods: ["POST", "PUT", "PATCH", "DELETE"], scopes: ["documents.write"]),
        RouteRule(prefix: "/ops", scopes: ["operator"]),
    ], globalScopes: [])

    static func direct(_ target: String, _ method: String) -> RouteTable.Requirement? {
        guard let segments = try? PathNormalizer.segments(of: target) else { return nil }
        return table.requirement(segments: segments, method: method)
    }

    @Test func answersWhatTheTableAnswers() {
        let cache = RouteCache(table: Self.table)
        let long = "/v1/documents/" + String(repeating: "a", count: 300)
        let targets = ["/v1/documents/1", "/v1/documents/../ops", "/v1/%2e%2e/ops", "/v1/documents%2Fx", "/ops", "/OPS", "//ops", "/", "", "/v1/documents/%00", long, "/v1/documents?x=1"]
        for target in targets {
            for method in ["GET", "HEAD", "POST", "PATCH", "TRACE", ""] {
                let expected = Self.direct(target, method)
                #expect(cache.requirement(target: target, method: method) == expected, "\(target) \(method)")
                #expect(cache.requirement(target: target, method: method) == expected, "\(target) \(method), cached")
            }
        }
    }

    @Test func staysWithinItsBound() {
        let cache = RouteCache(table: Self.table)
        for index in 0..<(RouteCache.capacity + 100) {
            _ = cache.requirement(target: "/v1/documents/\(index)", method: "GET")
            #expect(cache.count <= RouteCache.capacity)
        }
        _ = cache.requirement(target: "/v1/documents/" + String(repeating: "b", count: 1000), method: "GET")
        #expect(cache.count <= RouteCache.capacity)
    }
}
