@testable import Conformance
import Foundation
import JSON
import Testing

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

    @Test func junitEscapesAndReplacesWhatXMLCannotCarry() throws {
        let xml = try JUnitReport.xml(Self.report)
        #expect(xml.contains(#"<testsuites name="oms conformance" tests="3" failures="1" skipped="1""#))
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
}
