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

    func scopes(_ path: String, _ method: String) throws -> [String] {
        table.requiredScopes(segments: try PathNormalizer.segments(of: path), method: method)
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
        #expect(try scopes("/v1/requests/7", "DELETE") == ["oms", "requests.read"])
    }

    @Test func dotSegmentsCannotDodgeARule() throws {
        #expect(try scopes("/v1/public/../requests/admin", "GET") == ["oms", "requests.admin"])
        #expect(try scopes("/v1/requests/%61dmin", "GET") == ["oms", "requests.admin"])
    }
}
