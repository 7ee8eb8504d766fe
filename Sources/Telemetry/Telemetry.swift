import EdgeRuntime
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Sets up tracing once per process: the OpenTelemetry tracer with its batch processor and
/// OTLP/HTTP exporter, bootstrapped as the process's instrument so that every server span,
/// outbound `traceparent` and log line's ids come from it.
public enum Telemetry {
    /// `trace_id`, `span_id` and `trace_flags` of the span a log line is written in.
    public static let logMetadata: Logger.MetadataProvider = OTel.makeLoggingMetadataProvider()

    /// The exporter as a service to run before the role (and stop after it, flushing what is
    /// queued); nil when the configuration exports nothing, and then nothing is bootstrapped.
    public static func start(_ configuration: TelemetryConfiguration, logLevel: Logger.Level) throws -> (any Service)? {
        guard let url = configuration.tracesURL else { return nil }
        var otel = OTel.Configuration.default
        otel.serviceName = configuration.serviceName
        otel.resourceAttributes = configuration.resourceAttributes
        otel.diagnosticLogger = .custom(Logger(label: "oms.otel") { _ in ExportDiagnostics(level: logLevel) })
        otel.diagnosticLogLevel = .warning
        // Baggage would forward whatever a caller put in it; only the trace context travels.
        otel.propagators = [.traceContext]
        otel.logs.enabled = false
        otel.metrics.enabled = false
        otel.traces.enabled = true
        otel.traces.sampler = try sampler(configuration)
        otel.traces.otlpExporter.endpoint = url
        otel.traces.otlpExporter.protocol = configuration.protocol == "http/json" ? .httpJSON : .httpProtobuf
        otel.traces.otlpExporter.timeout = .milliseconds(configuration.timeoutMs)
        otel.traces.otlpExporter.certificateFilePath = configuration.caFile
        otel.traces.otlpExporter.clientCertificateFilePath = configuration.certFile
        otel.traces.otlpExporter.clientKeyFilePath = configuration.keyFile
        let backend = try OTel.makeTracingBackend(configuration: otel)
        InstrumentationSystem.bootstrap(backend.factory)
        return backend.service
    }

    private static func sampler(_ configuration: TelemetryConfiguration) throws -> OTel.Configuration.TracesConfiguration.SamplerConfiguration {
        let ratio = configuration.samplerRatio
        let choice: OTel.Configuration.TracesConfiguration.SamplerConfiguration? = switch configuration.sampler {
        case "always_on": .alwaysOn
        case "always_off": .alwaysOff
        case "traceidratio": .traceIDRatio(ratio: ratio)
        case "parentbased_always_off": .parentBasedAlwaysOff
        case "parentbased_traceidratio": .parentBasedTraceIDRatio(ratio: ratio)
        default: .parentBasedAlwaysOn
        }
        guard let choice else { throw ConfigError(key: "otel.sampler_arg", "not a ratio: \(ratio)") }
        return choice
    }
}
