import EdgeRuntime
import Foundation

/// The overview's charts as inline SVG, drawn on the server from the stats (no script needed
/// to read them): requests finished per minute by final status, and RECEIVED → COMPLETED p50
/// and p95, over the last hour (per minute) and the last day (per 10 minutes). Every text in
/// them is this file's own or a number.
struct ConsoleCharts: Sendable {
    struct Window: Sendable {
        let title: String
        let minutes: Int64
        /// Minutes per point.
        let step: Int64
    }

    static let hour = Window(title: "last hour", minutes: 60, step: 1)
    static let day = Window(title: "last day", minutes: 1440, step: 10)
    static let windows = [hour, day]
    static let finals: [(status: String, color: String)] = [("COMPLETED", "#2a7"), ("FAILED", "#c33"), ("REJECTED", "#d80")]

    /// Per window (by its minutes): the finished and duration rows, summed per its step.
    let finished: [Int64: [CoreStats.Row]]
    let durations: [Int64: [CoreStats.Row]]
    let nowMinute: Int64

    /// The first minute a window shows, on a step boundary (the stats come summed per step).
    static func first(_ window: Window, now: Int64) -> Int64 {
        ((now - window.minutes + 1) / window.step) * window.step
    }

    /// The HTML of both windows, and a table of their totals.
    func html() -> String {
        var text = "<h2>Throughput and latency</h2>\n<div class=\"charts\">\n"
        for window in Self.windows {
            text += throughput(window) + latency(window)
        }
        return text + "</div>\n" + summary()
    }

    /// Points of a window: index 0 the oldest step, each the rows' sum per key.
    private func points(_ rows: [CoreStats.Row], _ window: Window) -> [[String: Int64]] {
        let first = Self.first(window, now: nowMinute)
        var points = Array(repeating: [String: Int64](), count: Int((nowMinute - first) / window.step) + 1)
        for row in rows where row.minute >= first && row.minute <= nowMinute {
            let index = Int((row.minute - first) / window.step)
            if index < points.count { points[index][row.key, default: 0] += row.n }
        }
        return points
    }

    private func throughput(_ window: Window) -> String {
        let points = points(finished[window.minutes] ?? [], window)
        // Per minute: a 10-minute point is its sum over 10.
        let series = Self.finals.map { final in (final.status, final.color, points.map { Double($0[final.status] ?? 0) / Double(window.step) }) }
        let unit = window.step == 1 ? "per minute" : "per minute, 10-minute averages"
        return chart(id: "finished-\(window.minutes)", title: "Finished \(unit), \(window.title)", series: series, format: { String(format: "%.0f", $0) }, window: window)
    }

    private func latency(_ window: Window) -> String {
        let points = points(durations[window.minutes] ?? [], window)
        let quantiles = points.map { CoreStats.quantiles($0) }
        let p50 = quantiles.map { ($0?.p50).map(Double.init) ?? .nan }
        let p95 = quantiles.map { ($0?.p95).map(Double.init) ?? .nan }
        return chart(id: "latency-\(window.minutes)", title: "RECEIVED → COMPLETED, \(window.title) (ms, bucket bounds)",
                     series: [("p50", "#36c", p50), ("p95", "#93c", p95)], format: { OpsPage.duration(Int64($0)) }, window: window)
    }

    /// One line chart: a polyline per series over a common y scale from 0, gaps where a
    /// value is missing (NaN).
    private func chart(id: String, title: String, series: [(String, String, [Double])], format: (Double) -> String, window: Window) -> String {
        let width = 600.0, height = 180.0, left = 52.0, bottom = 22.0, top = 8.0
        let values = series.flatMap(\.2).filter { !$0.isNaN }
        let maximum = max(values.max() ?? 0, 1)
        let count = series.first?.2.count ?? 0
        func x(_ index: Int) -> Double { left + (width - left - 4) * Double(index) / Double(max(count - 1, 1)) }
        func y(_ value: Double) -> Double { top + (height - top - bottom) * (1 - value / maximum) }
        var svg = "<div class=\"chart\"><h3>\(title)</h3><svg id=\"\(id)\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(title)\">"
        svg += "<title>\(title)</title>"
        svg += "<line x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(width - 4)\" y2=\"\(y(0))\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(y(0))\" stroke=\"#999\"/>"
        svg += "<text x=\"\(left - 4)\" y=\"\(top + 10)\" text-anchor=\"end\" font-size=\"11\">\(format(maximum))</text>"
        svg += "<text x=\"\(left - 4)\" y=\"\(y(0))\" text-anchor=\"end\" font-size=\"11\">0</text>"
        svg += "<text x=\"\(left)\" y=\"\(height - 6)\" font-size=\"11\">−\(window.minutes >= 120 ? "\(window.minutes / 60) h" : "\(window.minutes) min")</text>"
        svg += "<text x=\"\(width - 4)\" y=\"\(height - 6)\" text-anchor=\"end\" font-size=\"11\">now</text>"
        if values.isEmpty {
            svg += "<text x=\"\(Int(width / 2))\" y=\"\(Int(height / 2))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#777\">nothing in this window</text>"
        }
        for (name, color, points) in series {
            // Runs of present values, one polyline each.
            var runs: [[String]] = [[]]
            for (index, value) in points.enumerated() {
                if value.isNaN { if !runs[runs.count - 1].isEmpty { runs.append([]) }; continue }
                runs[runs.count - 1].append("\(Self.decimal(x(index))),\(Self.decimal(y(value)))")
            }
            for run in runs where !run.isEmpty {
                let shape = run.count == 1 ? "<circle cx=\"\(run[0].split(separator: ",")[0])\" cy=\"\(run[0].split(separator: ",")[1])\" r=\"2\" fill=\"\(color)\"/>"
                    : "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(run.joined(separator: " "))\"/>"
                svg += shape
            }
            svg += "<desc>\(name)</desc>"
        }
        svg += "</svg><p class=\"legend\">" + series.map { "<span style=\"color:\($0.1)\">■</span> \($0.0)" }.joined(separator: " ") + "</p></div>\n"
        return svg
    }

    /// The windows' totals as a table, for reading exact numbers (and for screen readers).
    private func summary() -> String {
        var text = "<div class=\"scroll\"><table id=\"totals\"><tr><th></th>" + Self.finals.map { "<th>\($0.status)</th>" }.joined() + "<th>p50</th><th>p95</th></tr>"
        for window in Self.windows {
            let first = Self.first(window, now: nowMinute)
            var totals: [String: Int64] = [:]
            for row in finished[window.minutes] ?? [] where row.minute >= first { totals[row.key, default: 0] += row.n }
            var histogram: [String: Int64] = [:]
            for row in durations[window.minutes] ?? [] where row.minute >= first { histogram[row.key, default: 0] += row.n }
            let quantiles = CoreStats.quantiles(histogram)
            // A quantile past the last bucket has no upper bound, only a lower one.
            func shown(_ ms: Int64?) -> String { ms.map { "≤ " + OpsPage.duration($0) } ?? "> " + OpsPage.duration(CoreStats.bucketBounds.last ?? 0) }
            text += "<tr><th>\(window.title)</th>" + Self.finals.map { "<td>\(totals[$0.status] ?? 0)</td>" }.joined()
                + "<td>\(quantiles.map { shown($0.p50) } ?? "—")</td><td>\(quantiles.map { shown($0.p95) } ?? "—")</td></tr>"
        }
        return text + "</table></div>\n"
    }

    /// One decimal, without `String(format:)` (a day's chart writes thousands of these).
    static func decimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
