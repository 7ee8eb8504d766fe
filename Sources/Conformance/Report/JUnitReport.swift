import XML

/// JUnit XML for CI: one testsuite per category, one testcase per case, a failure with the
/// request and the answer, a skipped element with the reason. The attributes are the ones the
/// Jenkins xunit schema (`junit-10.xsd`) allows and requires, which Azure DevOps' Publish Test
/// Results reads too: `errors` on every testsuite, no `skipped` on `testsuites`. A case that
/// cannot run is a skip, never an error, so `errors` is always 0.
enum JUnitReport {
    static func xml(_ report: SuiteReport) throws(XMLError) -> String {
        var writer = XMLWriter()
        let seconds = { (ms: Int) in String(format: "%.3f", Double(ms) / 1000) }
        try writer.start("testsuites", attributes: [
            ("name", "oms conformance"), ("tests", String(report.results.count)), ("failures", String(report.count(.failed))),
            ("errors", "0"), ("time", seconds(report.results.reduce(0) { $0 + $1.durationMs })),
        ])
        for category in report.categories {
            let results = report.results.filter { $0.category == category }
            try writer.start("testsuite", attributes: [
                ("name", category), ("tests", String(results.count)),
                ("failures", String(results.filter { $0.outcome == .failed }.count)), ("errors", "0"),
                ("skipped", String(results.filter { $0.outcome == .skipped }.count)),
                ("time", seconds(results.reduce(0) { $0 + $1.durationMs })),
            ])
            // The run's verdict, skips counted, where CI shows a suite's properties.
            try writer.start("properties")
            try writer.element("property", text: "", attributes: [("name", "verdict"), ("value", report.verdict)])
            try writer.end()
            for result in results {
                try writer.start("testcase", attributes: [
                    ("classname", "conformance.\(category)"), ("name", xmlSafe("\(result.id) \(result.title)")), ("time", seconds(result.durationMs)),
                ])
                switch result.outcome {
                case .passed: break
                case .skipped: try writer.element("skipped", text: "", attributes: [("message", xmlSafe(result.reason))])
                case .failed:
                    try writer.element("failure", text: xmlSafe(Exchange.text(result)), attributes: [("message", xmlSafe(result.reason)), ("type", "conformance")])
                }
                try writer.end()
            }
            try writer.end()
        }
        try writer.end()
        return try writer.finish()
    }

    /// Characters XML 1.0 cannot carry (what a hostile gateway may answer) become U+FFFD.
    static func xmlSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            switch scalar.value {
            case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: scalar
            default: "\u{FFFD}"
            }
        }))
    }
}

/// A case's request and answer as plain text, for JUnit failures and the HTML report.
enum Exchange {
    static func text(_ result: CaseResult) -> String {
        var lines = ["expected: \(result.expected)", "reference: \(result.reference)"]
        if let request = result.request {
            lines.append("")
            lines.append("\(request.method) \(request.url)")
            for header in request.headers { lines.append("\(header.name): \(header.value)") }
            if let header = request.tokenHeader, !header.isEmpty { lines.append("token header: \(header)") }
            if let claims = request.tokenClaims, !claims.isEmpty { lines.append("token claims: \(claims.prefix(600))") }
            if let body = request.body { lines.append("body: \(body)") }
            if let upstream = request.upstreamAnswer { lines.append("the upstream answered: \(upstream)") }
        }
        if let answer = result.answer {
            lines.append("")
            lines.append("HTTP \(answer.status)")
            for header in answer.headers { lines.append("\(header.name): \(header.value)") }
            if !answer.body.isEmpty { lines.append(String(answer.body.prefix(600))) }
        }
        return lines.joined(separator: "\n")
    }
}
