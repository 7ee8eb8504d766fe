import ArgumentParser
import EdgeRuntime
import Logging
import ServiceLifecycle

/// `--config` and `--check`, the options every server command shares, and what every server
/// command does with them: read and validate the configuration (files included; `--check`
/// stops there), start the role, and run it as one service until SIGTERM or SIGINT.
struct RoleOptions: ParsableArguments {
    @Option(name: .long, help: "The YAML configuration file.")
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
        let configuration = RoleStartup.build(reader, checkOnly: check, configure)
        if check { return RoleStartup.configurationIsValid(reader) }
        let role = await RoleStartup.orFail { try await start(configuration, logger) }
        try await RoleRunner.run([role], logger: logger)
    }
}
