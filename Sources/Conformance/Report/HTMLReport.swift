import Mustache

/// The one-page report: totals, pass/fail/skip per category, every failure with its request
/// and answer, then every case. Mustache escapes everything, so a hostile gateway's answer
/// cannot become markup in the page.
struct HTMLReport: Sendable {
    struct Category: Sendable {
        let name: String
        let passed: Int
        let failed: Int
        let skipped: Int
    }

    struct SkipGroup: Sendable {
        let reason: String
        let count: Int
        let ids: String
    }

    struct Row: Sendable {
        let id: String
        let title: String
        let category: String
        let outcome: String
        let reason: String
        let reference: String
        let exchange: String
    }

    private let template: MustacheTemplate

    init() throws {
        template = try MustacheTemplate(string: Self.html)
    }

    func render(_ report: SuiteReport) -> String {
        let categories = report.categories.map { name in
            let results = report.results.filter { $0.category == name }
            return Category(
                name: name, passed: results.filter { $0.outcome == .passed }.count,
                failed: results.filter { $0.outcome == .failed }.count, skipped: results.filter { $0.outcome == .skipped }.count
            )
        }
        let rows = report.results.map {
            Row(id: $0.id, title: $0.title, category: $0.category, outcome: $0.outcome.rawValue, reason: $0.reason, reference: $0.reference, exchange: Exchange.text($0))
        }
        let failures = rows.filter { $0.outcome == "failed" }
        return template.render([
            "gateway": report.gateway, "path": report.path, "started": SuiteReport.timestamp(report.startedAt),
            "total": report.results.count, "passed": report.count(.passed), "failed": report.count(.failed), "skipped": report.count(.skipped),
            "verdict": report.verdict, "verdictClass": report.count(.failed) == 0 ? "PASS" : "FAIL",
            "skips": report.skipsByReason.map { SkipGroup(reason: $0.reason, count: $0.ids.count, ids: $0.ids.joined(separator: ", ")) },
            "anySkip": report.count(.skipped) > 0,
            "categories": categories, "failures": failures, "anyFailure": !failures.isEmpty, "rows": rows,
        ])
    }

    private static let html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>oms conformance — {{verdict}}</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
        table { border-collapse: collapse; margin-bottom: 2em; }
        th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; }
        .PASS, .passed { color: #070; } .FAIL, .failed { color: #a00; } .skipped { color: #777; }
        pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; }
        </style>
        </head>
        <body>
        <h1>oms conformance: <span class="{{verdictClass}}" id="verdict">{{verdict}}</span></h1>
        <p>Gateway <code>{{gateway}}</code>, path <code>{{path}}</code>, run {{started}}:
        <b id="totals">{{total}} cases, {{passed}} passed, {{failed}} failed, {{skipped}} skipped</b>.</p>
        {{#anySkip}}
        <h2>Skipped, and why</h2>
        <table id="skips">
        <tr><th>cases</th><th>reason</th><th>ids</th></tr>
        {{#skips}}<tr><td>{{count}}</td><td>{{reason}}</td><td>{{ids}}</td></tr>
        {{/skips}}
        </table>
        {{/anySkip}}
        <h2>By category</h2>
        <table id="categories">
        <tr><th>category</th><th>passed</th><th>failed</th><th>skipped</th></tr>
        {{#categories}}<tr><td>{{name}}</td><td>{{passed}}</td><td>{{failed}}</td><td>{{skipped}}</td></tr>
        {{/categories}}
        </table>
        {{#anyFailure}}
        <h2>Failures</h2>
        {{#failures}}<h3 id="f-{{id}}">{{id}} {{title}}</h3>
        <p>{{reason}}</p>
        <pre>{{exchange}}</pre>
        {{/failures}}
        {{/anyFailure}}
        <h2>All cases</h2>
        <table id="cases">
        <tr><th>case</th><th>category</th><th>outcome</th><th>why</th><th>reference</th></tr>
        {{#rows}}<tr id="c-{{id}}"><td>{{id}} {{title}}</td><td>{{category}}</td><td class="{{outcome}}">{{outcome}}</td><td>{{reason}}</td><td>{{reference}}</td></tr>
        {{/rows}}
        </table>
        </body>
        </html>
        """
}
