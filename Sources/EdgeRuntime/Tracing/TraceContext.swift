import ServiceContextModule
import Tracing

/// W3C Trace Context (`traceparent`, `tracestate`) in and out of a service context, through
/// whatever instrument the process bootstrapped. With none (no exporter configured) every
/// function here is a no-op: nothing is read, nothing is written, nothing is stored.
public enum TraceContext {
    public static let parentField = "traceparent"
    public static let stateField = "tracestate"

    /// The W3C fields of `context`.
    private static func fields(of context: ServiceContext?) -> [(name: String, value: String)] {
        guard ProcessTracing.isOn, let context else { return [] }
        var fields: [(name: String, value: String)] = []
        ProcessTracing.tracer.inject(context, into: &fields, using: FieldListInjector())
        return fields
    }

    /// `traceparent` and `tracestate` of `context`, for storing with what outlives the request
    /// (a document request's row); nil when there is no trace.
    public static func carrier(of context: ServiceContext? = .current) -> TraceCarrier? {
        let fields = fields(of: context)
        guard let parent = fields.first(where: { $0.name == parentField })?.value else { return nil }
        return TraceCarrier(traceparent: parent, tracestate: fields.first { $0.name == stateField }?.value)
    }

    /// A context whose spans continue `carrier`'s trace as children of the span it names.
    /// A malformed stored value starts no trace rather than a wrong one.
    public static func context(continuing carrier: TraceCarrier?) -> ServiceContext {
        var context = ServiceContext.topLevel
        guard ProcessTracing.isOn, let carrier else { return context }
        var fields = [(name: parentField, value: carrier.traceparent)]
        if let state = carrier.tracestate { fields.append((stateField, state)) }
        ProcessTracing.tracer.extract(fields, into: &context, using: FieldListExtractor())
        return context
    }

    /// The trace id of a `traceparent` value (`00-<trace id>-<parent id>-<flags>`), when it
    /// is well formed.
    public static func traceID(of traceparent: String) -> String? {
        let parts = traceparent.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].utf8.count == 2, parts[1].utf8.count == 32, parts[2].utf8.count == 16,
              parts[1].utf8.allSatisfy(Self.isLowerHex), parts[1].utf8.contains(where: { $0 != UInt8(ascii: "0") })
        else { return nil }
        return String(parts[1])
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}

/// A trace as stored: the W3C fields of the span that made the record.
public struct TraceCarrier: Sendable, Equatable {
    public var traceparent: String
    public var tracestate: String?

    public init(traceparent: String, tracestate: String? = nil) {
        self.traceparent = traceparent
        self.tracestate = tracestate
    }

    /// From the two columns that store one: none without a `traceparent`.
    public init?(stored traceparent: String?, _ tracestate: String?) {
        guard let traceparent else { return nil }
        self.init(traceparent: traceparent, tracestate: tracestate)
    }
}

struct FieldListInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [(name: String, value: String)]) {
        carrier.append((key, value))
    }
}

struct FieldListExtractor: Extractor {
    func extract(key: String, from carrier: [(name: String, value: String)]) -> String? {
        carrier.first { $0.name == key }?.value
    }
}

/// The process's tracer, read once: it is bootstrapped (or not) before any role starts, and
/// reading it from the instrumentation system takes a lock each time. With none, the hot paths
/// skip even the no-op spans.
public enum ProcessTracing {
    public static let tracer: any Tracer = InstrumentationSystem.tracer
    public static let isOn: Bool = !(tracer is NoOpTracer)
}
