import Foundation
import JSON

/// SARIF 2.1.0 (OASIS), for code-scanning dashboards: one rule per case, one result per case
/// with `kind` pass, fail or notApplicable; a failure is an error located at its catalog file.
enum SARIFReport {
    /// `root`: the folder the catalog paths are made relative to (`%SRCROOT%`): the working
    /// directory when a catalog file is below it, else the folder of the first catalog file.
    static func json(_ report: SuiteReport, root: String = FileManager.default.currentDirectoryPath) -> JSONValue {
        let base = SourceRoot(sources: report.results.map(\.source), workingDirectory: root)
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
                "locations": .array([.object(["physicalLocation": .object(["artifactLocation": .object([
                    "uri": .string(base.relative(result.source)), "uriBaseId": "%SRCROOT%",
                ])])])]),
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
                "originalUriBaseIds": .object(["%SRCROOT%": .object(["uri": .string(base.uri)])]),
                "properties": .object(["gateway": .string(report.gateway), "path": .string(report.path), "verdict": .string(report.verdict)]),
                "results": .array(results),
            ])]),
        ])
    }
}

/// Where the catalog files are, for SARIF's `%SRCROOT%`: code-scanning tools expect each
/// `artifactLocation.uri` relative to a base, not an absolute path of the machine that ran.
struct SourceRoot {
    /// An absolute folder, ending in `/`.
    let folder: String

    init(sources: [String], workingDirectory: String) {
        let cwd = Self.normalised(workingDirectory)
        let absolute = sources.map { Self.absolute($0, in: cwd) }
        if absolute.allSatisfy({ $0.hasPrefix(cwd) }) {
            folder = cwd
        } else {
            folder = absolute.first.map { ($0 as NSString).deletingLastPathComponent + "/" } ?? cwd
        }
    }

    /// `file:///…/` with the path percent-encoded.
    var uri: String { "file://" + Self.encoded(folder) }

    /// `source` relative to the folder (percent-encoded), or its file name when it lies elsewhere.
    func relative(_ source: String) -> String {
        let path = Self.absolute(source, in: folder)
        let inside = path.hasPrefix(folder) ? String(path.dropFirst(folder.count)) : (path as NSString).lastPathComponent
        return Self.encoded(inside)
    }

    private static func absolute(_ path: String, in folder: String) -> String {
        let joined = path.hasPrefix("/") ? path : folder + path
        return (joined as NSString).standardizingPath
    }

    private static func normalised(_ folder: String) -> String {
        let standard = (folder as NSString).standardizingPath
        return standard.hasSuffix("/") ? standard : standard + "/"
    }

    private static func encoded(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
    }
}
