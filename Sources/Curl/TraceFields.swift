import ServiceContextModule
import Tracing

/// The W3C Trace Context fields of a context, as request headers.
enum TraceFields {
    static func of(_ context: ServiceContext) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        InstrumentationSystem.instrument.inject(context, into: &fields, using: HeaderInjector())
        return fields
    }

    private struct HeaderInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [(name: String, value: String)]) {
            carrier.append((key, value))
        }
    }
}
