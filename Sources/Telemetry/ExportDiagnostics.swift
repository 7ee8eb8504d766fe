import EdgeRuntime
import CoreMetrics
import Logging

/// The exporter's own log, which is also how it tells of what it lost: swift-otel reports a
/// batch it could not deliver ("Failed to export batch.", with `batch_size`) and spans it had
/// no room for ("Spans were dropped…", with `dropped_count`) only as log events. Those are
/// counted here in `oms_otel_spans_dropped_total{reason}` and written as JSON lines like any
/// other warning, so that a collector that is down costs spans, never requests.
struct ExportDiagnostics: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    private var lines: JSONLogHandler
    private let writtenFrom: Logger.Level
    private let exportFailed: CoreMetrics.Counter
    private let queueFull: CoreMetrics.Counter

    /// `level`: the role's; what is below it is counted but not written. The handler itself
    /// takes warnings whatever the role's level, or a role at `error` would count nothing.
    init(level: Logger.Level, registry: MetricsRegistry = .process) {
        logLevel = min(level, .warning)
        writtenFrom = level
        lines = JSONLogHandler(label: "oms.otel", level: level)
        registry.describe("oms_otel_spans_dropped_total", "Spans not delivered to the OTLP endpoint: export_failed (the endpoint refused or did not answer) or queue_full.")
        exportFailed = registry.counter("oms_otel_spans_dropped_total", [("reason", "export_failed")])
        queueFull = registry.counter("oms_otel_spans_dropped_total", [("reason", "queue_full")])
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if event.message.description.hasPrefix("Failed to export batch") {
            exportFailed.increment(by: Self.count(merged["batch_size"]))
        } else if event.message.description.hasPrefix("Spans were dropped") {
            queueFull.increment(by: Self.count(merged["dropped_count"]))
        }
        guard event.level >= writtenFrom else { return }
        var lines = lines
        lines.metadata = metadata
        lines.log(event: event)
    }

    private static func count(_ value: Logger.Metadata.Value?) -> Int {
        guard let value else { return 1 }
        return Int(value.description).map { max($0, 1) } ?? 1
    }
}
