import ServiceContextModule
import Tracing

/// The W3C Trace Context fields of a context, as request headers.
enum TraceFields {
    /// Whether the process traces at all, read once (the tracer is bootstrapped before any
    /// call is made); with none, a call makes no span, not even a no-op one.
    static let tracer: any Tracer = InstrumentationSystem.tracer
    static let isOn: Bool = !(tracer is NoOpTracer)

    static func of(_ context: ServiceContext) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        tracer.inject(context, into: &fields, using: HeaderInjector())
        return fields
    }

    private struct HeaderInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [(name: String, value: String)]) {
            carrier.append((key, value))
        }
    }
}
