import Conformance
import Foundation
import Hummingbird
import TestSupport
import Testing

/// `oms conformance` against the shipped gateway (nginx-conf + `oms auth` + the OIDM
/// emulator), and against targets that must make it fail.
@Suite(.serialized) struct GatewayConformanceTests {
    static func outcomes(_ report: [String: Any]?) -> [String: String] {
        var out: [String: String] = [:]
        for item in (report?["cases"] as? [[String: Any]]) ?? [] {
            if let id = item["id"] as? String, let outcome = item["outcome"] as? String { out[id] = outcome }
        }
        return out
    }

    static func failures(_ report: [String: Any]?) -> String {
        ((report?["cases"] as? [[String: Any]]) ?? []).filter { $0["outcome"] as? String == "failed" }
            .map { "\($0["id"] ?? ""): \($0["reason"] ?? "")" }.joined(separator: "\n")
    }

    /// Every case passes against our stack, under either issuer key; the only skips are the
    /// cases for the other key type.
    @Test(arguments: [("ec-1", ["SIG-11", "SIG-12"]), ("rsa-1", ["SIG-08", "SIG-09"])])
    func ourGatewayPassesEveryCase(_ kid: String, _ skipped: [String]) async throws {
        let stack = try await GatewayStack()
        let token = try await stack.token(kid: kid)
        // The bridge, called past the gateway, refuses what the gateway refuses.
        let (result, report) = try await stack.conformance(kid: kid, token: token, extra: ["--backend", "http://127.0.0.1:\(stack.bridgePort)/thunderhead/v1/batches/1"])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        let outcomes = Self.outcomes(report)
        #expect(outcomes.count >= 60)
        #expect(outcomes.filter { $0.value == "failed" }.isEmpty, "\(Self.failures(report))")
        // The SOAP bridge's cases need --soap-bridge, which this run does not give.
        let bridgeCases = outcomes.keys.filter { $0.hasPrefix("XML-") }
        #expect(bridgeCases.count >= 25 && bridgeCases.allSatisfy { outcomes[$0] == "skipped" })
        #expect(outcomes.filter { $0.value == "skipped" && !$0.key.hasPrefix("XML-") }.keys.sorted() == skipped)
        let skips = skipped.count + bridgeCases.count
        #expect(result.output.contains("\(outcomes.count) cases: \(outcomes.count - skips) passed, 0 failed, \(skips) skipped"))
        // The valid token never appears in the results, not even its signature: it is a credential.
        let files = (result.output.split(separator: "\n").last.map { String($0.dropFirst("results: ".count)) } ?? "").components(separatedBy: ", ")
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["results.json", "results.sarif", "junit.xml", "report.html"])
        for file in files {
            let text = try String(contentsOf: URL(fileURLWithPath: file), encoding: .utf8)
            #expect(!text.contains(String(token.split(separator: ".")[2])), "\(file) holds the valid token")
        }
        #expect(try String(contentsOf: URL(fileURLWithPath: files[0]), encoding: .utf8).contains("<token: "), "tokens are shown redacted")
        stack.stop()
    }

    /// Built like ingress-nginx's `auth-url`, with `oms auth` reading X-Original-URL: every
    /// gateway case passes, the path tricks among them.
    @Test func anIngressLikeGatewayPassesEveryCase() async throws {
        let stack = try await GatewayStack(ingressLike: true)
        let (result, report) = try await stack.conformance()
        #expect(result.status == 0, "\(result.output)\(result.error)")
        let outcomes = Self.outcomes(report)
        #expect(outcomes.filter { $0.value == "failed" }.isEmpty, "\(Self.failures(report))")
        for id in ["RTE-01", "RTE-02", "RTE-03", "RTE-04", "RTE-05", "RTE-06"] { #expect(outcomes[id] == "passed", "\(id)") }
        stack.stop()
    }

    /// PATCH once fell to the read rule, and RTE-01 failed with `--route PATCH:…`: now every
    /// route case passes for each method the routes name.
    @Test(arguments: ["PATCH", "PUT", "DELETE"])
    func everyUnsafeMethodIsChecked(_ method: String) async throws {
        let stack = try await GatewayStack()
        let (result, report) = try await stack.conformance(route: "\(method):/v1/documents/conformance:documents.write", extra: ["--category", "routes"])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        let outcomes = Self.outcomes(report)
        #expect(outcomes.count == 6 && outcomes.values.allSatisfy { $0 == "passed" }, "\(Self.failures(report))")
        stack.stop()
    }

    /// A gateway whose leeway is an hour: the not-yet-valid and issued-in-the-future cases must
    /// fail (the OIDM check still refuses the expired ones), with exit status 1.
    @Test func aLaxClockFailsTheLeewayCases() async throws {
        let stack = try await GatewayStack(leeway: 3600)
        let (result, report) = try await stack.conformance(extra: ["--category", "claims"])
        #expect(result.status == 1, "\(result.output)\(result.error)")
        let failed = Self.outcomes(report).filter { $0.value == "failed" }.keys.sorted()
        #expect(failed == ["CLM-09", "CLM-10", "CLM-12"], "\(Self.failures(report))")
        #expect(result.output.contains("FAIL CLM-09 Not valid before an hour from now: answered 200, expected 401"), "\(result.output)")

        // The derived reports say the same.
        let files = (result.output.split(separator: "\n").last.map { String($0.dropFirst("results: ".count)) } ?? "").components(separatedBy: ", ")
        let folder = URL(fileURLWithPath: files[0]).deletingLastPathComponent()
        let sarif = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("results.sarif"))) as? [String: Any]
        #expect(sarif?["version"] as? String == "2.1.0")
        let run = (sarif?["runs"] as? [[String: Any]])?.first
        let results = (run?["results"] as? [[String: Any]]) ?? []
        #expect(results.count == 27)
        #expect(results.filter { $0["kind"] as? String == "fail" && $0["level"] as? String == "error" }.compactMap { $0["ruleId"] as? String }.sorted() == failed)
        let junit = try String(contentsOf: folder.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.contains(#"<testsuite name="claims" tests="27" failures="3" errors="0" skipped="0""#), "\(junit.prefix(400))")
        #expect(junit.contains(#"<failure message="answered 200, expected 401" type="conformance">"#))
        let dom = try await Chromium.dumpDOM(folder.appendingPathComponent("report.html").absoluteString)
        #expect(dom.contains(#"<span class="FAIL" id="verdict">FAIL (3 failed)</span>"#), "\(dom.suffix(1500))")
        #expect(dom.contains(#"id="f-CLM-09""#))
        #expect(dom.contains("27 cases, 24 passed, 3 failed, 0 skipped"))
        stack.stop()
    }

    /// A gateway with one deliberate weakness fails exactly the cases about it.
    @Test(arguments: [
        (WeakAuth.Weakness.acceptsNone, ["ALG-01", "ALG-02", "ALG-03", "ALG-04", "ALG-05"]),
        // It also decides on its own, without OIDM and with one scope for every route: the outage
        // and per-route cases catch that too.
        (.skipsExpiry, ["AVL-01", "AVL-02", "CLM-01", "CLM-02", "CLM-04", "CLM-05", "CLM-06", "CLM-07", "CLM-08", "RTE-01", "RTE-03", "RTE-04", "RTE-05", "RTE-06"]),
        (.trustsEmbeddedKey, ["HDR-01"]),
        (.trustsKeyURLs, ["HDR-02", "HDR-03", "HDR-13"]),
        (.failsOpen, ["AVL-01", "AVL-02"]),
        (.ignoresMethods, ["RTE-01", "RTE-03", "RTE-04", "RTE-05", "RTE-06"]),
        // Behind an ingress-like front: the client's X-Original-URI, and a Host that ends the URL's authority.
        (.trustsClientPath, ["RTE-03", "RTE-05", "RTE-06"]),
    ])
    func aWeakVerifierFailsItsCases(_ weakness: WeakAuth.Weakness, _ expected: [String]) async throws {
        let stack = try await GatewayStack(weakness: weakness, ingressLike: weakness == .trustsClientPath)
        let (result, report) = try await stack.conformance()
        #expect(result.status == 1, "\(result.output)\(result.error)")
        let failed = Self.outcomes(report).filter { $0.value == "failed" }.keys.sorted()
        #expect(failed == expected, "\(Self.failures(report))")
        stack.stop()
    }

    /// The SOAP bridge's cases pass against our bridge, directly and through the gateway in
    /// front of it; with the echo in the bridge's place the control case stops the run.
    @Test func ourBridgePassesItsCases() async throws {
        let stack = try await GatewayStack()
        for target in ["http://127.0.0.1:\(stack.bridgePort)", stack.gateway] {
            let (result, report) = try await stack.conformance(soapBridge: target, extra: ["--category", "soap-bridge"])
            #expect(result.status == 0, "\(target): \(result.output)\(result.error)")
            let outcomes = Self.outcomes(report)
            #expect(outcomes.count >= 25 && outcomes.values.allSatisfy { $0 == "passed" }, "\(target): \(Self.failures(report))")
        }
        // A "bridge" that is only the echo relays no SOAP: XML-01 fails, and nothing else runs.
        let (result, report) = try await stack.conformance(soapBridge: "http://127.0.0.1:\(stack.upstreamPort)", extra: ["--category", "soap-bridge"])
        #expect(result.status == 2, "\(result.output)\(result.error)")
        #expect(result.error.contains("control case XML-01"), "\(result.error)")
        #expect(report == nil, "an unusable run writes no results")
        stack.stop()
    }

    /// A bridge that concatenates strings into its envelope, expands entities and has no
    /// limits fails the cases about each of those, for the stated reasons.
    @Test func aBackendThatAnswersAnyoneFailsTheBackendCases() async throws {
        let stack = try await GatewayStack()
        let bridge = "http://127.0.0.1:\(stack.bridgePort)/thunderhead/v1/batches/1"
        // The echo upstream answers 200 to anything: a role that trusts whoever reaches it.
        let open = "http://127.0.0.1:\(stack.upstreamPort)/internal/thing"
        let (result, report) = try await stack.conformance(extra: ["--category", "backends", "--backend", bridge, "--backend", open])
        #expect(result.status == 1, "\(result.output)\(result.error)")
        let cases = (report?["cases"] as? [[String: Any]]) ?? []
        #expect(cases.count == 10, "each backend case once per --backend")
        for item in cases {
            let title = item["title"] as? String ?? ""
            let expected = title.hasSuffix(open) ? "failed" : "passed"
            #expect(title.hasSuffix(open) || title.hasSuffix(bridge), "\(title)")
            #expect(item["outcome"] as? String == expected, "\(title): \(item["outcome"] ?? "")")
        }
        // Without --backend they are skipped, saying what they need.
        let (none, noneReport) = try await stack.conformance(extra: ["--category", "backends"])
        #expect(none.status == 0 && none.output.contains("PASS (5 skipped)"), "\(none.output)")
        #expect(((noneReport?["cases"] as? [[String: Any]]) ?? []).allSatisfy { ($0["reason"] as? String ?? "").contains("needs --backend") })
        stack.stop()
    }

    @Test func aWeakBridgeFailsItsCases() async throws {
        let stack = try await GatewayStack()
        let bridge = try await stack.startWeakBridge()
        let (result, report) = try await stack.conformance(soapBridge: bridge, extra: ["--category", "soap-bridge"])
        #expect(result.status == 1, "\(result.output)\(result.error)")
        let failed = Self.outcomes(report).filter { $0.value == "failed" }.keys.sorted()
        let expected = ["02", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "20", "21", "22", "23", "24", "25", "26", "27", "31", "33", "34", "35"].map { "XML-\($0)" }
        #expect(failed == expected, "\(Self.failures(report))")
        let reasons = Dictionary(uniqueKeysWithValues: ((report?["cases"] as? [[String: Any]]) ?? []).compactMap { item in
            (item["id"] as? String).map { ($0, item["reason"] as? String ?? "") }
        })
        #expect(reasons["XML-03"]?.hasPrefix("the target fetched what the attacker serves (http://127.0.0.1:\(stack.upstreamPort)/.oms-conformance/entity)") == true, "\(reasons["XML-03"] ?? "")")
        #expect(reasons["XML-12"]?.contains("root:") == true, "\(reasons["XML-12"] ?? "")")
        #expect(reasons["XML-20"]?.contains("<omsInjected>") == true, "\(reasons["XML-20"] ?? "")")
        #expect(reasons["XML-22"]?.contains("omsInjected=") == true, "\(reasons["XML-22"] ?? "")")
        #expect(reasons["XML-21"]?.contains("does not parse") == true, "\(reasons["XML-21"] ?? "")")
        stack.stop()
    }

    /// No gateway at all: the suite pointed straight at the upstream (which takes anything)
    /// fails every case that must be refused, and passes the ones that must get through.
    @Test func noAuthenticationFailsEveryRefusal() async throws {
        let stack = try await GatewayStack()
        let (result, report) = try await stack.conformance(gateway: "http://127.0.0.1:\(stack.upstreamPort)")
        #expect(result.status == 1)
        let outcomes = Self.outcomes(report)
        let mustPass = ["TRN-01", "TRN-05", "SIG-13", "CLM-03", "CLM-11", "CLM-18", "CLM-26", "RTE-02"]
        for id in mustPass { #expect(outcomes[id] == "passed", "\(id)") }
        // Identity headers: the echo sees what the client sent, not the token's.
        for id in ["TRN-10", "TRN-11", "TRN-12"] { #expect(outcomes[id] == "failed", "\(id)") }
        // Oversized headers are refused by any HTTP server, the echo included.
        let anyServer = ["STR-19", "STR-20"]
        let refusals = outcomes.filter { !mustPass.contains($0.key) && !anyServer.contains($0.key) && !["TRN-10", "TRN-11", "TRN-12"].contains($0.key) && $0.value != "skipped" }
        #expect(refusals.values.allSatisfy { $0 == "failed" }, "\(refusals.filter { $0.value != "failed" })")
        stack.stop()
    }

    @Test func usageAndConnectionErrorsExitTwo() async throws {
        let stack = try await GatewayStack()
        let token = try await stack.token()
        let cases = GatewayStack.root.appendingPathComponent("conformance/cases").path
        let noGateway = try await OMSCommand.run(["conformance", "--valid-token", token])
        #expect(noGateway.status == 2 && noGateway.error.contains("--gateway"), "\(noGateway.error)")
        let unreachable = try await OMSCommand.run(["conformance", "--gateway", "http://127.0.0.1:\(Loopback.freePort())", "--valid-token", token, "--cases", cases])
        #expect(unreachable.status == 2 && unreachable.error.contains("cannot reach the gateway"), "\(unreachable.error)")
        let refused = try await OMSCommand.run(["conformance", "--gateway", stack.gateway, "--valid-token", try await stack.token(scope: "other"), "--cases", cases])
        #expect(refused.status == 2 && refused.error.contains("answered 403 to the valid token"), "\(refused.error)")
        let unknownCase = try await OMSCommand.run(["conformance", "--gateway", stack.gateway, "--valid-token", token, "--cases", cases, "--only", "NOPE-1"])
        #expect(unknownCase.status == 2 && unknownCase.error.contains("--only: no case NOPE-1"), "\(unknownCase.error)")
        let badFlag = try await OMSCommand.run(["conformance", "--gatway", stack.gateway])
        #expect(badFlag.status == 2)
        let halfKey = try await OMSCommand.run(["conformance", "--gateway", stack.gateway, "--valid-token", token, "--cases", cases, "--signing-key", stack.path("ec-1/private.pem")])
        #expect(halfKey.status == 2 && halfKey.error.contains("--kid"), "\(halfKey.error)")
        let notAToken = try await OMSCommand.run(["conformance", "--gateway", stack.gateway, "--valid-token", "abc", "--cases", cases])
        #expect(notAToken.status == 2 && notAToken.error.contains("compact JWS"), "\(notAToken.error)")
        stack.stop()
    }

    /// Without the issuer's key, the cases that need it are skipped with that reason, and the
    /// rest still pass: the suite needs no more than the JWKS and one valid token.
    @Test func withoutTheKeyTheKeyCasesAreSkipped() async throws {
        let stack = try await GatewayStack()
        let out = stack.folder.appendingPathComponent("nokey").path
        let result = try await OMSCommand.run([
            "conformance", "--gateway", stack.gateway, "--valid-token", try await stack.token(), "--jwks", stack.jwks.path,
            "--cases", GatewayStack.root.appendingPathComponent("conformance/cases").path, "--out", out,
            "--echo-listen", "127.0.0.1:\(stack.upstreamPort)",
        ])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/results.json"))) as? [String: Any]
        let cases = (report?["cases"] as? [[String: Any]]) ?? []
        let skipped = cases.filter { $0["outcome"] as? String == "skipped" }
        #expect(skipped.contains { $0["id"] as? String == "CLM-01" && ($0["reason"] as? String)?.contains("signing key") == true })
        #expect(cases.contains { $0["id"] as? String == "ALG-14" && $0["outcome"] as? String == "passed" }, "key confusion needs only the JWKS")
        #expect(cases.filter { $0["outcome"] as? String == "passed" }.count >= 30)
        stack.stop()
    }

    /// A security team's first run: only --gateway, --path, --jwks, the signing key, the valid
    /// token and --out. The suite's own attacker server runs anyway, so a gateway that fetches
    /// and trusts `jku` fails, and what could not run says so in the verdict.
    @Test func theDefaultCommandLineCatchesAJKUFetchingVerifier() async throws {
        let stack = try await GatewayStack(weakness: .trustsKeyURLs)
        defer { stack.stop() }
        let backend = await stack.startApplicationBackend()
        defer { backend.cancel() }
        let out = stack.path("first-run")
        let token = try await stack.token()
        let result = try await OMSCommand.run([
            "conformance", "--gateway", stack.gateway, "--path", "/v1/documents/conformance", "--jwks", stack.jwks.path,
            "--signing-key", stack.path("ec-1/private.pem"), "--kid", "ec-1", "--alg", "ES256", "--valid-token", token, "--out", out,
        ])
        #expect(result.status == 1, "\(result.output)\(result.error)")
        let report = FileManager.default.contents(atPath: "\(out)/results.json").flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let outcomes = Self.outcomes(report)
        #expect(["HDR-02", "HDR-03", "HDR-13"].allSatisfy { outcomes[$0] == "failed" }, "\(Self.failures(report))")
        // The upstream cases could not run here (the gateway routes --path to its own backend):
        // skipped with that reason, and the verdict counts them.
        let skipped = outcomes.filter { $0.value == "skipped" }.count
        #expect(result.output.contains("verdict: FAIL (\(outcomes.filter { $0.value == "failed" }.count) failed, \(skipped) skipped)"), "\(result.output)")
        #expect(result.output.contains("needs the gateway to route --path to the echo upstream"), "\(result.output)")
        #expect((report?["verdict"] as? String)?.hasPrefix("FAIL (") == true)
    }

    /// Against our gateway the same first run passes, and says how many cases it skipped; with
    /// --fail-on-skip those skips fail the run, and --no-echo skips the attacker cases by name.
    @Test func aPassWithSkipsSaysSoAndCanFail() async throws {
        let stack = try await GatewayStack()
        defer { stack.stop() }
        let backend = await stack.startApplicationBackend()
        defer { backend.cancel() }
        let token = try await stack.token()
        let base = [
            "conformance", "--gateway", stack.gateway, "--jwks", stack.jwks.path, "--signing-key", stack.path("ec-1/private.pem"),
            "--kid", "ec-1", "--alg", "ES256", "--valid-token", token,
        ]
        let first = try await OMSCommand.run(base + ["--out", stack.path("pass")])
        #expect(first.status == 0, "\(first.output)\(first.error)")
        #expect(first.output.range(of: #"verdict: PASS \([0-9]+ skipped\)"#, options: .regularExpression) != nil, "\(first.output)")
        let html = try String(contentsOfFile: stack.path("pass/report.html"), encoding: .utf8)
        #expect(html.contains(#"id="skips""#) && html.contains("PASS ("), "the HTML report groups the skips at the top")
        let strict = try await OMSCommand.run(base + ["--out", stack.path("strict"), "--fail-on-skip"])
        #expect(strict.status == 1 && strict.error.contains("--fail-on-skip"), "\(strict.error)")
        let noEcho = try await OMSCommand.run(base + ["--out", stack.path("no-echo"), "--no-echo"])
        #expect(noEcho.status == 0)
        #expect(noEcho.output.contains("needs the attacker's server, which the echo upstream plays (--no-echo turned it off)"), "\(noEcho.output)")
    }

    /// A gateway on another machine cannot reach this one's loopback: without --attacker-url
    /// the fetch cases are skipped, saying why, never passed.
    @Test func aRemoteGatewayCannotReachTheAttackerOnLoopback() {
        let reason = SuiteSettings.attackerUnreachable(gateway: "https://gw.example.com", attacker: "http://127.0.0.1:40000", given: false)
        #expect(reason?.contains("not on this machine") == true && reason?.contains("--attacker-url") == true)
        #expect(SuiteSettings.attackerUnreachable(gateway: "https://gw.example.com", attacker: "http://127.0.0.1:40000", given: true) == nil)
        #expect(SuiteSettings.attackerUnreachable(gateway: "http://127.0.0.1:8080", attacker: "http://127.0.0.1:40000", given: false) == nil)
        #expect(SuiteSettings.attackerUnreachable(gateway: "http://localhost:8080", attacker: "http://127.0.0.1:40000", given: false) == nil)
        #expect(SuiteSettings.attackerUnreachable(gateway: "https://gw.example.com", attacker: "http://10.0.0.5:40000", given: false) == nil)
    }
}
