import Testing
@testable import AuthService

@Suite struct PathNormalizerTests {
    @Test(arguments: [
        ("/", "/"),
        ("/v1/requests", "/v1/requests"),
        ("/v1/requests/", "/v1/requests"),
        ("//v1///requests", "/v1/requests"),
        ("/v1/./requests", "/v1/requests"),
        ("/v1/admin/../requests", "/v1/requests"),
        ("/v1/%72equests", "/v1/requests"),
        ("/v1/%2e%2e/admin", "/admin"),
        ("/v1/requests?x=/../admin", "/v1/requests"),
        ("/v1/requests#frag", "/v1/requests"),
        ("/caf%C3%A9", "/café"),
    ])
    func normalises(_ raw: String, _ expected: String) throws {
        #expect(try PathNormalizer.normalize(raw) == expected)
    }

    @Test(arguments: [
        "v1/requests",          // not absolute
        "",                     // empty
        "/v1%2Frequests",       // encoded slash
        "/v1%2frequests",
        "/v1/%00",              // encoded NUL
        "/v1/%zz",              // bad escape
        "/v1/%4",               // truncated escape
        "/../etc/passwd",       // climbs above the root
        "/v1/../../x",
        "/%FF%FE",              // not UTF-8
    ])
    func refuses(_ raw: String) {
        #expect(throws: PathNormalizer.Failure.self) { try PathNormalizer.normalize(raw) }
    }
}

@Suite struct RouteTableTests {
    let table = RouteTable(
        rules: [
            RouteRule(prefix: "/v1/requests", scopes: ["requests.read"]),
            RouteRule(prefix: "/v1/requests", methods: ["POST"], scopes: ["requests.write"]),
            RouteRule(prefix: "/v1/requests/admin", scopes: ["requests.admin"]),
        ],
        globalScopes: ["oms"]
    )

    func scopes(_ path: String, _ method: String) throws -> [String]? {
        switch table.requirement(segments: try PathNormalizer.segments(of: path), method: method) {
        case .scopes(let scopes): scopes
        case .methodNotRouted: nil
        }
    }

    @Test func matchesWholeSegmentsOnly() throws {
        #expect(try scopes("/v1/requests", "GET") == ["oms", "requests.read"])
        #expect(try scopes("/v1/requests/7", "GET") == ["oms", "requests.read"])
        #expect(try scopes("/v1/requestsX", "GET") == ["oms"])
        #expect(try scopes("/v1", "GET") == ["oms"])
    }

    @Test func longestPrefixWhoseMethodsMatchWins() throws {
        #expect(try scopes("/v1/requests/admin/x", "GET") == ["oms", "requests.admin"])
        #expect(try scopes("/v1/requests/7", "POST") == ["oms", "requests.write"])
        #expect(try scopes("/v1/requests/7", "post") == ["oms", "requests.write"])
        #expect(try scopes("/v1/requests/7", "GET") == ["oms", "requests.read"])
    }

    /// PATCH next to a POST rule once fell to the read rule: an unsafe method that the path's
    /// method rules do not name is refused, whatever the token holds.
    @Test(arguments: ["DELETE", "PATCH", "PUT", "TRACE", "CONNECT", "PROPFIND", "", "patch"])
    func anUnsafeMethodNoRuleNamesIsRefused(_ method: String) throws {
        #expect(try scopes("/v1/requests/7", method) == nil, "\(method)")
        #expect(try scopes("/v1/requests", method) == nil, "\(method)")
    }

    @Test func safeMethodsFallToTheRuleForEveryMethod() throws {
        #expect(try scopes("/v1/requests/7", "HEAD") == ["oms", "requests.read"])
        #expect(try scopes("/v1/requests/7", "OPTIONS") == ["oms", "requests.read"])
        // Without method rules at the longest prefix, every method takes its rule.
        #expect(try scopes("/v1/requests/admin/x", "PATCH") == ["oms", "requests.admin"])
        // Paths outside every prefix need only the global scopes, whatever the method.
        #expect(try scopes("/v2/x", "PATCH") == ["oms"])
    }

    @Test func aRuleForGETCoversHEADAndShorterPrefixesDecideOtherSafeMethods() {
        let table = RouteTable(rules: [
            RouteRule(prefix: "/a", scopes: ["a"]),
            RouteRule(prefix: "/a/b", methods: ["GET"], scopes: ["b.read"]),
            RouteRule(prefix: "/a/b", methods: ["POST"], scopes: ["b.write"]),
            RouteRule(prefix: "/a/b", methods: ["POST"], scopes: ["b.audit"]),
        ], globalScopes: [])
        #expect(table.requirement(segments: ["a", "b"], method: "HEAD") == .scopes(["b.read"]))
        #expect(table.requirement(segments: ["a", "b"], method: "OPTIONS") == .scopes(["a"]))
        #expect(table.requirement(segments: ["a", "b"], method: "POST") == .scopes(["b.write", "b.audit"]))
        #expect(table.requirement(segments: ["a", "b"], method: "PUT") == .methodNotRouted)
        #expect(table.requirement(segments: ["a", "c"], method: "PUT") == .scopes(["a"]))
    }

    @Test func aStarSegmentMatchesOneSegmentAndALiteralBeatsIt() {
        let table = RouteTable(rules: [
            RouteRule(prefix: "/v1/requests", scopes: ["documents.read"]),
            RouteRule(prefix: "/v1/requests", methods: ["POST"], scopes: ["documents.write"]),
            RouteRule(prefix: "/v1/requests/*/rerun", methods: ["POST"], scopes: ["operator"]),
            RouteRule(prefix: "/v1/requests/batch/rerun", methods: ["POST"], scopes: ["bulk"]),
            RouteRule(prefix: "/v1/*/x", scopes: ["star-first"]),
            RouteRule(prefix: "/v1/requests/*", scopes: ["literal-first"]),
        ], globalScopes: [])
        // Intake keeps its scope; a rerun of any one request needs the operator.
        #expect(table.requirement(segments: ["v1", "requests"], method: "POST") == .scopes(["documents.write"]))
        #expect(table.requirement(segments: ["v1", "requests", "r-1", "rerun"], method: "POST") == .scopes(["operator"]))
        #expect(table.requirement(segments: ["v1", "requests", "*", "rerun"], method: "POST") == .scopes(["operator"]))
        // A rule for POST only: a read of the same path falls to the shorter prefixes.
        #expect(table.requirement(segments: ["v1", "requests", "r-1", "rerun"], method: "GET") == .scopes(["literal-first"]))
        #expect(table.requirement(segments: ["v1", "requests", "r-1", "rerun"], method: "DELETE") == .methodNotRouted)
        // `*` is exactly one segment: not none, not two.
        #expect(table.requirement(segments: ["v1", "requests", "rerun"], method: "POST") == .scopes(["literal-first"]))
        #expect(table.requirement(segments: ["v1", "requests", "a", "b", "rerun"], method: "POST") == .scopes(["literal-first"]))
        // The same length: the literal beats `*`, at the first segment where they differ.
        #expect(table.requirement(segments: ["v1", "requests", "batch", "rerun"], method: "POST") == .scopes(["bulk"]))
        #expect(table.requirement(segments: ["v1", "requests", "x"], method: "GET") == .scopes(["literal-first"]))
        #expect(table.requirement(segments: ["v1", "other", "x"], method: "GET") == .scopes(["star-first"]))
    }

    @Test func dotSegmentsCannotDodgeARule() throws {
        #expect(try scopes("/v1/public/../requests/admin", "GET") == ["oms", "requests.admin"])
        #expect(try scopes("/v1/requests/%61dmin", "GET") == ["oms", "requests.admin"])
    }
}
