import JSON

/// SARIF 2.1.0 (OASIS), for code-scanning dashboards: one rule per case, one result per case
/// with `kind` pass, fail or notApplicable; a failure is an error located at its catalog file.
enum SARIFReport {
    static func json(_ report: SuiteReport) -> JSONValue {
        let rules: [JSONValue] = report.results.map { result in
            .object([
                "id": .string(result.id),
                "name": .string(result.id),
                "shortDescription": .object(["text": .string(result.title)]),
                "fullDescription": .object(["text": .string("\(result.title) (\(result.reference))")]),
                "properties": .object(["category": .string(result.category), "tags": .array(["security", .string(result.category)])]),
            ])
        }
        let results: [JSONValue] = report.results.enumerated().map { index, result in
            let (kind, level): (String, String) = switch result.outcome {
            case .passed: ("pass", "none")
            case .failed: ("fail", "error")
            case .skipped: ("notApplicable", "none")
            }
            let message = switch result.outcome {
            case .passed: "\(result.title): passed (\(result.expected))"
            case .failed: "\(result.title): \(result.reason)"
            case .skipped: "\(result.title): skipped, \(result.reason)"
            }
            return .object([
                "ruleId": .string(result.id), "ruleIndex": .number(Double(index)), "kind": .string(kind), "level": .string(level),
                "message": .object(["text": .string(message)]),
                "locations": .array([.object(["physicalLocation": .object(["artifactLocation": .object(["uri": .string(result.source)])])])]),
            ])
        }
        return .object([
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": .array([.object([
                "tool": .object(["driver": .object([
                    "name": "oms conformance", "informationUri": "https://github.com/oms-edge/oms-edge", "rules": .array(rules),
                ])]),
                "invocations": .array([.object([
                    "executionSuccessful": true,
                    "startTimeUtc": .string(SuiteReport.timestamp(report.startedAt)),
                    "endTimeUtc": .string(SuiteReport.timestamp(report.finishedAt)),
                ])]),
                "properties": .object(["gateway": .string(report.gateway), "path": .string(report.path)]),
                "results": .array(results),
            ])]),
        ])
    }
}
