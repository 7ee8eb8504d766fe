import EdgeRuntime
import Mustache

/// `GET /ops`: counts by status, and the FAILED and REJECTED requests with their errors and a
/// rerun button each. Server-rendered with Mustache, which HTML-escapes every `{{value}}`:
/// error messages and details come from upstreams and must not become markup.
struct OpsPage: Sendable {
    struct Row: Sendable {
        let id: String
        let status: String
        let source: String
        let documentType: String
        let updatedAt: String
        /// The request's trace, to look up in the tracing backend.
        let traceID: String?
        let errors: [ErrorRow]
    }

    struct ErrorRow: Sendable {
        let step: String
        let attempt: Int
        let code: String
        let message: String
        let at: String
    }

    struct Count: Sendable {
        let status: String
        let count: Int
    }

    /// The outbox: final-status events not yet published to Kafka.
    struct Backlog: Sendable {
        let unsent: Int
        let oldest: String?

        init(_ backlog: OutboxBacklog) {
            unsent = backlog.unsent
            oldest = backlog.oldestMs.map(Timestamp.rfc3339(milliseconds:))
        }
    }

    private let template: MustacheTemplate

    init() throws {
        template = try MustacheTemplate(string: Self.html)
    }

    func render(counts: [Count], backlog: Backlog, rows: [Row], notice: String?, csrf: String? = nil) -> String {
        var values: [String: Any] = ["counts": counts, "backlog": backlog, "rows": rows, "empty": rows.isEmpty]
        if let csrf { values["csrf"] = csrf }
        // Only when there is one: an absent Optional passed as Any is a present value to
        // Mustache, and rendered as the text "nil".
        if let notice { values["notice"] = notice }
        return template.render(values)
    }

    static func row(_ record: RequestRecord, _ failures: [RequestFailure]) -> Row {
        Row(
            id: record.id, status: record.status.rawValue, source: record.source, documentType: record.documentType,
            updatedAt: Timestamp.rfc3339(milliseconds: record.updatedAtMs), traceID: record.traceID,
            errors: failures.suffix(5).map {
                ErrorRow(step: $0.step, attempt: $0.attempt, code: $0.code, message: $0.message, at: Timestamp.rfc3339(milliseconds: $0.atMs))
            }
        )
    }

    private static let html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>OMS core — operations</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
        table { border-collapse: collapse; margin-bottom: 2em; }
        th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; }
        .FAILED { color: #a00; } .REJECTED { color: #a60; }
        .notice { background: #eef6ee; padding: 0.5em 1em; }
        ul { margin: 0; padding-left: 1.2em; }
        </style>
        </head>
        <body>
        <h1>OMS core</h1>
        {{#notice}}<p class="notice" id="notice">{{notice}}</p>{{/notice}}
        <h2>Requests by status</h2>
        <table id="counts">
        <tr><th>status</th><th>requests</th></tr>
        {{#counts}}<tr><td>{{status}}</td><td>{{count}}</td></tr>
        {{/counts}}
        </table>
        {{#backlog}}<p id="outbox">Final-status events waiting for Kafka: <b>{{unsent}}</b>{{#oldest}}, the oldest written {{oldest}}{{/oldest}}.</p>{{/backlog}}
        <h2>Failed and rejected</h2>
        {{#empty}}<p id="none">Nothing failed or was rejected.</p>{{/empty}}
        {{^empty}}
        <table id="failures">
        <tr><th>request</th><th>status</th><th>source / type</th><th>updated</th><th>latest errors</th><th></th></tr>
        {{#rows}}<tr id="r-{{id}}">
        <td><code>{{id}}</code>{{#traceID}}<br><small>trace <code class="trace">{{.}}</code></small>{{/traceID}}</td><td class="{{status}}">{{status}}</td><td>{{source}} / {{documentType}}</td><td>{{updatedAt}}</td>
        <td><ul>{{#errors}}<li>{{at}} {{step}} #{{attempt}} <b>{{code}}</b>: {{message}}</li>{{/errors}}</ul></td>
        <td><form method="post" action="/ops/rerun/{{id}}">{{#csrf}}<input type="hidden" name="csrf" value="{{csrf}}">{{/csrf}}<button type="submit">Rerun</button></form></td>
        </tr>
        {{/rows}}
        </table>
        {{/empty}}
        </body>
        </html>
        """
}
