import Curl
import Foundation
import JSON

/// The whole run: checks the gateway takes the valid token at all, then runs every selected
/// case, one at a time (the gateway's rate limits and logs stay readable).
public struct ConformanceSuite: Sendable {
    public let catalog: Catalog
    public let settings: SuiteSettings
    public let template: TokenTemplate
    public let keys: ForgeKeys
    /// The suite's echo upstream, when it runs one (it also counts fetches of the attacker's JWKS).
    public let echo: EchoUpstream?

    /// Before any case: the gateway is unreachable, or refuses the valid token (so every
    /// verdict would be meaningless). The command turns it into one line and exit status 2.
    public struct Unusable: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(catalog: Catalog, settings: SuiteSettings, template: TokenTemplate, keys: ForgeKeys, echo: EchoUpstream? = nil) {
        self.catalog = catalog
        self.echo = echo
        self.settings = settings
        self.template = template
        self.keys = keys
    }

    /// The cases `--only` and `--category` select, in catalog order.
    public var selected: [ConformanceCase] {
        catalog.cases.filter { item in
            (settings.only.isEmpty || settings.only.contains(item.id)) && (settings.categories.isEmpty || settings.categories.contains(item.category))
        }
    }

    public func run(progress: @Sendable (Int, Int, CaseResult) -> Void = { _, _, _ in }) async throws(Unusable) -> SuiteReport {
        let http = CurlClient()
        defer { Task { await http.shutdown() } }
        let startedAt = Date()
        let echoBehindPath = try await checkBaseline(http)
        // Controls first: when one fails, the target is not set up for the others to mean anything.
        let cases = selected.filter(\.control) + selected.filter { !$0.control }
        var results: [CaseResult] = []
        // A backend case runs once per --backend URL (once, skipped, without any).
        let runs: [(ConformanceCase, String?)] = cases.flatMap { item -> [(ConformanceCase, String?)] in
            item.request.target == .backend && !settings.backends.isEmpty ? settings.backends.map { (item, $0) } : [(item, nil)]
        }
        for (index, (item, backend)) in runs.enumerated() {
            // Each case's times count from when it runs: on a slow gateway the suite takes long
            // enough to carry a token past a case's few seconds of margin (CLM-10's nbf).
            let runner = CaseRunner(http: http, settings: settings, forge: forge(now: Int64(Date().timeIntervalSince1970)), echo: echo, echoBehindPath: echoBehindPath)
            let result = await runner.run(item, backend: backend)
            if item.control, result.outcome == .failed {
                let body = result.answer.map { " (the answer: \($0.body.prefix(200)))" } ?? ""
                throw Unusable(description: "control case \(item.id) (\(item.title)) failed: \(result.reason)\(body); \(Self.controlAdvice(item))")
            }
            results.append(result)
            progress(index + 1, runs.count, result)
        }
        return SuiteReport(gateway: settings.gateway, path: settings.path, startedAt: startedAt, finishedAt: Date(), results: results)
    }

    /// The tokens of a case run at `now`.
    private func forge(now: Int64) -> TokenForge {
        var placeholders = template.placeholders(path: settings.path, now: now)
        for resource in AttackerResource.allCases { placeholders[resource.placeholder] = settings.attackerURL(resource) }
        if let route = settings.route {
            // The valid scopes without, and with, the one the route needs.
            let scopes = template.scopes
            placeholders["route_scope"] = route.scope
            placeholders["scopes_without_route"] = scopes.filter { $0 != route.scope }.joined(separator: " ")
            placeholders["scopes_with_route"] = (scopes.contains(route.scope) ? scopes : scopes + [route.scope]).joined(separator: " ")
        }
        return TokenForge(template: template, keys: keys, placeholders: placeholders, now: now, leeway: settings.leeway)
    }

    private static func controlAdvice(_ item: ConformanceCase) -> String {
        switch item.request.target {
        case .soapBridge: "check --soap-bridge, and that the bridge's upstream is the echo (--echo-listen)"
        case .backend: "check each --backend URL"
        case .gateway: "check --gateway and --path"
        }
    }

    /// The valid token passes at `--path`; true when the answer came from this run's echo
    /// upstream (the gateway routes the path to it).
    private func checkBaseline(_ http: CurlClient) async throws(Unusable) -> Bool {
        let url = settings.gateway + settings.path
        let response: CurlResponse
        do {
            response = try await http.execute(CurlRequest(url: url, headers: [("Authorization", "Bearer \(template.token)")], timeout: settings.timeout))
        } catch {
            throw Unusable(description: "cannot reach the gateway at \(url): \(error)")
        }
        guard (200..<300).contains(response.status) else {
            throw Unusable(description: "the gateway answered \(response.status) to the valid token at \(url): check --path and --valid-token (is it still valid?)")
        }
        return echo.map { EchoUpstream.isOwnAnswer(response.body, marker: $0.marker) } ?? false
    }
}
