import ArgumentParser
import EdgeRuntime
import Logging
import ServiceLifecycle
import Telemetry

/// `--config` and `--check`, the options every server command shares, and what every server
/// command does with them: read and validate the configuration (files included; `--check`
/// stops there), start the role, and run it as one service until SIGTERM or SIGINT.
struct RoleOptions: ParsableArguments {
    @Option(name: .long, help: "The YAML configuration file. Every role also reads otel.* (tracing: endpoint, protocol, service_name, sampler, sampler_arg, resource_attributes, timeout_ms, tls.*) and the standard OTEL_* variables, which win; no endpoint, no tracing.")
    var config: String?
    @Flag(name: .long, help: "Check the configuration (file, OMS_* variables and the files they name: CA bundles, certificates, keys, secrets) and exit: 0 when it is valid.")
    var check = false

    /// `configure` builds the configuration from the reader (command-line overrides applied);
    /// `start` opens what the role owns, and any failure there is one line and exit status 2.
    func run<Configuration, Role: Service>(
        _ label: String,
        configure: (ConfigReader) throws(ConfigError) -> Configuration,
        start: (Configuration, Logger) async throws -> Role
    ) async throws {
        let reader = RoleStartup.reader(file: config)
        let logger = RoleStartup.logger(label, reader: reader)
        let serviceName = label.replacingOccurrences(of: ".", with: "-")
        let (configuration, telemetry) = RoleStartup.build(reader, checkOnly: check) { reader throws(ConfigError) in
            (try configure(reader), try TelemetryConfiguration(reader: reader, serviceName: serviceName))
        }
        if check { return RoleStartup.configurationIsValid(reader) }
        // Before the role starts, so that its first spans have somewhere to go.
        let exporter = RoleStartup.orFail { try Telemetry.start(telemetry, logLevel: logger.logLevel) }
        let role = await RoleStartup.orFail { try await start(configuration, logger) }
        // The exporter first: a group stops its services in reverse, so it flushes last.
        try await RoleRunner.run((exporter.map { [$0] } ?? []) + [role], logger: logger)
    }
}
