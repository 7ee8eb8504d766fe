import CoreMetrics
import Prometheus
import Synchronization

/// One Prometheus registry per role, fed through swift-metrics and rendered on `/metrics`.
/// Passed explicitly rather than through the global `MetricsSystem`, so that several roles
/// (and tests) in one process keep separate registries.
public final class MetricsRegistry: Sendable {
    public let prometheus: PrometheusCollectorRegistry
    public let factory: any MetricsFactory
    /// `# HELP` text per metric name. swift-prometheus's swift-metrics bridge registers every
    /// metric without help (and refuses a second registration with other help), so the text
    /// is kept here and written into the exposition, before each family's `# TYPE` line.
    private let helpTexts = Mutex<[String: String]>([:])

    /// What belongs to the process rather than to one role (the trace exporter's losses):
    /// every role's `/metrics` shows it after its own families.
    public static let process = MetricsRegistry()

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500),
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        ]
        self.prometheus = registry
        self.factory = factory
    }

    /// Says what a metric measures: its `# HELP` line. Every metric of a role is described
    /// (and created) when the role starts, so a scrape shows all of them from the first one.
    public func describe(_ name: String, _ help: String) {
        helpTexts.withLock { $0[name] = help }
    }

    public func counter(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Counter {
        Counter(label: label, dimensions: dimensions, factory: factory)
    }

    public func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Gauge {
        Gauge(label: label, dimensions: dimensions, factory: factory)
    }

    public func timer(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Timer {
        Timer(label: label, dimensions: dimensions, factory: factory)
    }

    /// The Prometheus text exposition of everything registered, each family with its
    /// `# HELP` line.
    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        prometheus.emit(into: &buffer)
        let help = helpTexts.withLock { $0 }
        var out: [UInt8] = []
        out.reserveCapacity(buffer.count + 64 * help.count)
        let type = Array("# TYPE ".utf8)
        for line in buffer.split(separator: UInt8(ascii: "\n")) {
            if line.starts(with: type) {
                let name = line.dropFirst(type.count).prefix { $0 != UInt8(ascii: " ") }
                if let text = help[String(decoding: name, as: UTF8.self)] {
                    out += Array("# HELP ".utf8) + name + [UInt8(ascii: " ")] + Self.escaped(text) + [UInt8(ascii: "\n")]
                }
            }
            out += line
            out.append(UInt8(ascii: "\n"))
        }
        if self !== Self.process { out += Self.process.render() }
        return out
    }

    /// Help text escaping of the text format: backslash and line feed.
    private static func escaped(_ text: String) -> [UInt8] {
        Array(text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n").utf8)
    }
}
