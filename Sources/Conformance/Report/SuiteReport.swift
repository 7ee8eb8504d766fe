import Foundation
import JSON

/// The results of a run; `json` is the source of truth every other report is derived from.
public struct SuiteReport: Sendable {
    public let gateway: String
    public let path: String
    public let startedAt: Date
    public let finishedAt: Date
    public let results: [CaseResult]

    /// The categories of the results, in run order.
    var categories: [String] {
        var names: [String] = []
        for result in results where !names.contains(result.category) { names.append(result.category) }
        return names
    }

    public func count(_ outcome: CaseResult.Outcome) -> Int { results.filter { $0.outcome == outcome }.count }

    /// 0 when nothing failed (passed or skipped), 1 otherwise.
    public var exitStatus: Int32 { count(.failed) == 0 ? 0 : 1 }

    /// `PASS`, `PASS (39 skipped)` or `FAIL (3 failed, 39 skipped)`: a skip is never hidden
    /// behind a bare PASS.
    public var verdict: String {
        let (failed, skipped) = (count(.failed), count(.skipped))
        let counts = [failed > 0 ? "\(failed) failed" : nil, skipped > 0 ? "\(skipped) skipped" : nil].compactMap { $0 }
        let word = failed == 0 ? "PASS" : "FAIL"
        return counts.isEmpty ? word : "\(word) (\(counts.joined(separator: ", ")))"
    }

    /// The skips by reason, most frequent first, for the reports' summary.
    public var skipsByReason: [(reason: String, ids: [String])] {
        var groups: [String: [String]] = [:]
        var order: [String] = []
        for result in results where result.outcome == .skipped {
            if groups[result.reason] == nil { order.append(result.reason) }
            groups[result.reason, default: []].append(result.id)
        }
        return order.map { ($0, groups[$0]!) }.sorted { $0.ids.count > $1.ids.count }
    }

    public var json: JSONValue {
        .object([
            "suite": "oms conformance",
            "format": 1,
            "gateway": .string(gateway),
            "path": .string(path),
            "verdict": .string(verdict),
            "startedAt": .string(Self.timestamp(startedAt)),
            "finishedAt": .string(Self.timestamp(finishedAt)),
            "summary": .object([
                "passed": .number(Double(count(.passed))), "failed": .number(Double(count(.failed))),
                "skipped": .number(Double(count(.skipped))), "total": .number(Double(results.count)),
            ]),
            "cases": .array(results.map(Self.json)),
        ])
    }

    private static func json(_ result: CaseResult) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(result.id), "title": .string(result.title), "category": .string(result.category),
            "reference": .string(result.reference), "source": .string(result.source), "outcome": .string(result.outcome.rawValue), "expected": .string(result.expected),
            "durationMs": .number(Double(result.durationMs)),
        ]
        if !result.reason.isEmpty { object["reason"] = .string(result.reason) }
        if let request = result.request {
            var sent: [String: JSONValue] = [
                "method": .string(request.method), "url": .string(request.url),
                "headers": .array(request.headers.map { .array([.string($0.name), .string($0.value)]) }),
            ]
            if let header = request.tokenHeader { sent["tokenHeader"] = .string(header) }
            if let claims = request.tokenClaims { sent["tokenClaims"] = .string(claims) }
            if let body = request.body { sent["body"] = .string(body) }
            if let upstream = request.upstreamAnswer { sent["upstreamAnswer"] = .string(upstream) }
            object["request"] = .object(sent)
        }
        if let answer = result.answer {
            object["answer"] = .object([
                "status": .number(Double(answer.status)),
                "headers": .array(answer.headers.map { .array([.string($0.name), .string($0.value)]) }),
                "body": .string(answer.body),
            ])
        }
        return .object(object)
    }

    /// Writes results.json (the source of truth), results.sarif, junit.xml and report.html
    /// into `folder` (made if missing); the paths written.
    public func write(to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files: [(String, [UInt8])] = [
            ("results.json", json.serializedBytes()),
            ("results.sarif", SARIFReport.json(self).serializedBytes()),
            ("junit.xml", Array(try JUnitReport.xml(self).utf8)),
            ("report.html", Array(try HTMLReport().render(self).utf8)),
        ]
        var written: [String] = []
        for (name, bytes) in files {
            let path = (folder as NSString).appendingPathComponent(name)
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            written.append(path)
        }
        return written
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
