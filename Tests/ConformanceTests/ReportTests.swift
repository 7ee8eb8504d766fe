@testable import Conformance
import Foundation
import JSON
import Testing
import XML

/// The derived reports on a run whose gateway answered something hostile.
@Suite struct ReportTests {
    static let hostile = "<script>alert(1)</script>\u{0}\u{1B}[31m & \"quoted\""

    static var report: SuiteReport {
        let request = CaseResult.SentRequest(method: "GET", url: "http://gw/p", headers: [("Authorization", "Bearer <token: 10 bytes>")], tokenHeader: #"{"alg":"none"}"#, tokenClaims: "{}")
        let answer = CaseResult.Answer(status: 200, headers: [("Content-Type", "text/html")], body: hostile)
        return SuiteReport(gateway: "http://gw", path: "/p", startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 1), results: [
            CaseResult(id: "ALG-01", title: "alg none", category: "algorithms", reference: "RFC 8725 §3.1", source: "cases/a.yaml", outcome: .failed,
                       reason: "answered 200, expected 401 \(hostile)", expected: "401", request: request, answer: answer, durationMs: 3),
            CaseResult(id: "CLM-01", title: "expired", category: "claims", reference: "RFC 7519", source: "cases/c.yaml", outcome: .skipped,
                       reason: "needs the key", expected: "401", request: nil, answer: nil, durationMs: 0),
            CaseResult(id: "TRN-01", title: "valid", category: "transport", reference: "RFC 6750", source: "cases/t.yaml", outcome: .passed,
                       reason: "", expected: "2xx", request: request, answer: answer, durationMs: 1),
        ])
    }

    @Test func jsonIsTheSourceOfTruth() throws {
        let json = Self.report.json
        #expect(json["summary"]?["failed"] == 1)
        #expect(json["summary"]?["skipped"] == 1)
        #expect(json["cases"]?.arrayValue?.first?["answer"]?["body"]?.stringValue == Self.hostile)
        #expect(Self.report.exitStatus == 1)
        // It parses back with the strict parser.
        #expect(try StrictJSON.parse(json.serializedBytes()) == json)
    }

    @Test func sarifHasARulePerCaseAndKindsPerOutcome() {
        let sarif = SARIFReport.json(Self.report)
        let run = sarif["runs"]?.arrayValue?.first
        #expect(sarif["version"] == "2.1.0")
        #expect(run?["tool"]?["driver"]?["rules"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["ALG-01", "CLM-01", "TRN-01"])
        #expect(run?["results"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } == ["fail", "notApplicable", "pass"])
        #expect(run?["results"]?.arrayValue?.first?["locations"]?.arrayValue?.first?["physicalLocation"]?["artifactLocation"]?["uri"] == "cases/a.yaml")
    }

    /// Code scanning reads locations relative to a base (`%SRCROOT%`): never the absolute path
    /// an absolute `--cases` gives.
    @Test func sarifLocationsAreRelativeToSRCROOT() {
        let original = Self.report
        let report = SuiteReport(
            gateway: original.gateway, path: original.path, startedAt: original.startedAt, finishedAt: original.finishedAt,
            results: original.results.map { result in
                CaseResult(
                    id: result.id, title: result.title, category: result.category, reference: result.reference,
                    source: "/home/ci/work/repo/conformance/cases/\((result.source as NSString).lastPathComponent)",
                    outcome: result.outcome, reason: result.reason, expected: result.expected, request: result.request,
                    answer: result.answer, durationMs: result.durationMs
                )
            }
        )
        for (cwd, expectedRoot, expectedURI) in [
            ("/home/ci/work/repo", "file:///home/ci/work/repo/", "conformance/cases/a.yaml"),
            ("/elsewhere", "file:///home/ci/work/repo/conformance/cases/", "a.yaml"),
        ] {
            let run = SARIFReport.json(report, root: cwd)["runs"]?.arrayValue?.first
            #expect(run?["originalUriBaseIds"]?["%SRCROOT%"]?["uri"]?.stringValue == expectedRoot, "\(cwd)")
            for result in run?["results"]?.arrayValue ?? [] {
                let location = result["locations"]?.arrayValue?.first?["physicalLocation"]?["artifactLocation"]
                #expect(location?["uriBaseId"] == "%SRCROOT%")
                #expect(location?["uri"]?.stringValue?.hasPrefix("/") == false)
            }
            let first = run?["results"]?.arrayValue?.first?["locations"]?.arrayValue?.first?["physicalLocation"]?["artifactLocation"]?["uri"]
            #expect(first?.stringValue == expectedURI, "\(cwd)")
        }
    }

    @Test func junitEscapesAndReplacesWhatXMLCannotCarry() throws {
        let xml = try JUnitReport.xml(Self.report)
        #expect(xml.contains(#"<testsuites name="oms conformance" tests="3" failures="1" errors="0""#))
        #expect(!xml.contains("<script>"))
        #expect(xml.contains("&lt;script&gt;"))
        #expect(!xml.unicodeScalars.contains { $0.value == 0 || $0.value == 0x1B })
        #expect(xml.contains(#"<skipped message="needs the key"/>"#))
    }

    @Test func htmlEscapesTheAnswer() throws {
        let html = try HTMLReport().render(Self.report)
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("3 cases, 1 passed, 1 failed, 1 skipped"))
        #expect(html.contains(#"id="f-ALG-01""#))
        #expect(!html.contains(#"id="f-TRN-01""#), "only failures get a section")
    }

    /// The rules of the Jenkins xunit schema (junit-10.xsd), which Azure DevOps' Publish Test
    /// Results follows too: the attributes each element may carry, and the ones it must.
    @Test func junitFollowsTheXunitSchemasRules() throws {
        let xml = try JUnitReport.xml(Self.report)
        let root = try HardenedXMLParser.parse(Array(xml.utf8))
        let allowed: [String: (required: Set<String>, optional: Set<String>)] = [
            "testsuites": ([], ["name", "time", "tests", "failures", "errors"]),
            "testsuite": (["name", "tests", "failures", "errors"], ["group", "time", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url"]),
            "testcase": (["name"], ["time", "classname", "group"]),
            "failure": ([], ["type", "message"]),
            "properties": ([], []),
            "property": (["name", "value"], []),
            "skipped": ([], ["type", "message"]),
        ]
        var stack = [root]
        var seen: Set<String> = []
        while let element = stack.popLast() {
            let name = element.name.local
            seen.insert(name)
            let rule = try #require(allowed[name], "\(name) is not an element of the schema")
            let attributes = Set(element.attributes.map(\.name.local))
            #expect(rule.required.isSubset(of: attributes), "\(name) lacks \(rule.required.subtracting(attributes))")
            #expect(attributes.isSubset(of: rule.required.union(rule.optional)), "\(name) carries \(attributes.subtracting(rule.required.union(rule.optional)))")
            if let time = element.attributes.first(where: { $0.name.local == "time" })?.value, name != "testcase" {
                #expect(time.range(of: #"^[0-9]*(\.[0-9]*)?$"#, options: .regularExpression) != nil, "\(name) time \(time)")
            }
            stack.append(contentsOf: element.elements)
        }
        #expect(seen == ["testsuites", "testsuite", "properties", "property", "testcase", "failure", "skipped"])
    }
}
