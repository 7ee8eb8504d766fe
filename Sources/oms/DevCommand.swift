import ArgumentParser
import AuthService
import Core
import Curl
import EdgeRuntime
import Emulators
import Foundation
import Hummingbird
import JOSE
import JSON
import Logging
import RefData
import SOAPBridge
import ServiceLifecycle
import Telemetry

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run every role in one process, on SQLite and the emulators, for a laptop.",
        discussion: """
            Starts the OIDM emulator (9001), oms auth (8081), the Thunderhead emulator (9002), \
            oms soap-bridge (8082), oms refdata (8083) and oms core (8084) on the SQLite file \
            <dir>/oms.db, with an ES256 signing key made on first use in <dir>/keys (kid \
            oms-dev-1, issuer https://idp.oms.local), and a second bridge (8092) whose Thunderhead \
            is :8091, where `oms conformance --echo-listen` plays a hostile one. Then it seeds two \
            demo reference items and prints a token and the lines to try through the gateway \
            (nginx with nginx-conf/ in front; scripts/run.sh starts both). Redis and Kafka are \
            used when configured: without Redis refdata reads the database, without Kafka the \
            core keeps its final statuses in the outbox. Ctrl-C (or SIGTERM) stops every role \
            gracefully. Each role serves /healthz, /readyz and /metrics on its own port.
            Keys: dir (oms-dev), host (127.0.0.1), ports.auth, ports.soap_bridge, ports.refdata, \
            ports.core, ports.oidm, ports.thunderhead, ports.conformance_bridge, \
            ports.conformance_echo, gateway_url (http://127.0.0.1:8080, for the printed lines), \
            sidecars (sidecars), redis.url, kafka.brokers, kafka.topic (oms.document.status), \
            thunderhead.complete_after_ms (2000), log.level. OMS_* variables override them \
            (OMS_REDIS_URL, OMS_KAFKA_BROKERS, …); the roles' own keys take their dev values.
            """
    )

    @Option(name: .long, help: "The YAML configuration file (optional: every key has a default).")
    var config: String?
    @Option(name: .long, help: "The folder for keys and the database (overrides dir).")
    var dir: String?

    func run() async throws {
        let reader = RoleStartup.reader(file: config)
        let logger = RoleStartup.logger("oms.dev", reader: reader)
        let (configured, telemetry) = RoleStartup.build(reader) { (reader) throws(ConfigError) in
            (try DevConfiguration(reader: reader), try TelemetryConfiguration(reader: reader, serviceName: "oms-dev"))
        }
        var dev = configured
        if let dir { dev.folder = dir }
        for (key, port) in dev.ports.all where key != "conformance_echo" && !PortCheck.isFree(host: dev.host, port: port) {
            RoleStartup.fail("ports.\(key): \(dev.host):\(port) is taken (another oms, or scripts/run.sh, may be running)")
        }
        let folder = URL(fileURLWithPath: dev.folder).standardizedFileURL.path
        let stack = DevStack(dev: dev, folder: folder)
        let keyMade = RoleStartup.orFail { try DevKeys.ensure(stack) }

        let configurations = RoleStartup.orFail { try stack.configurations() }
        // Every role of this process traces under one service name; spans say which by name.
        let exporter = RoleStartup.orFail { try Telemetry.start(telemetry, logLevel: logger.logLevel) }
        var thunderheadSettings = ThunderheadEmulatorConfiguration(server: ServerSettings(host: dev.host, port: dev.ports.thunderhead), completeAfterMs: dev.completeAfterMs)
        thunderheadSettings.wsdlFile = "\(dev.sidecars)/thunderhead/JobAPIWebWrapped.wsdl"
        var oidmSettings = OIDMEmulatorConfiguration(server: ServerSettings(host: dev.host, port: dev.ports.oidm), jwksFile: stack.jwksFile)
        // The core's identity: the emulator grants it tokens signed with the dev key.
        oidmSettings.clients = [
            EmulatedClient(id: DevStack.coreClient, secret: Secret(stack.coreSecret), scopes: DevStack.coreScopes),
            EmulatedClient(id: DevStack.consoleClient, secret: Secret(stack.consoleSecret), scopes: [], redirectURIs: [stack.callbackURL]),
        ]
        oidmSettings.users = [EmulatedUser(username: DevStack.operatorUser, password: Secret(DevStack.operatorPassword), scopes: DevStack.operatorScopes)]
        oidmSettings.signing = EmulatedIssuer(keyFile: stack.privateKeyFile, keyID: DevStack.keyID, issuer: DevStack.issuer, domain: DevStack.domain)
        let oidm = RoleStartup.orFail { try OIDMEmulator(configuration: oidmSettings) }
        let thunderhead = RoleStartup.orFail { try ThunderheadEmulator(configuration: thunderheadSettings) }
        let bridge = await RoleStartup.orFail { try await SOAPBridgeRole.start(configuration: configurations.bridge) }
        let conformanceBridge = await RoleStartup.orFail {
            try await SOAPBridgeRole.start(configuration: configurations.conformanceBridge, logger: Logger(label: "oms.soap-bridge.conformance"))
        }
        let refdata = await RoleStartup.orFail { try await RefDataRole.start(configuration: configurations.refdata, logger: Logger(label: "oms.refdata")) }
        let core = await RoleStartup.orFail { try await CoreRole.start(configuration: configurations.core, logger: Logger(label: "oms.core")) }
        let auth = AuthRole(configuration: configurations.auth, logger: Logger(label: "oms.auth"))
        await RoleStartup.orFail { try await auth.start() }

        // Each role closes what it owns when it ends.
        let listening = AsyncStream<Int>.makeStream()
        let onListening: @Sendable (Int) async -> Void = { listening.continuation.yield($0) }
        let services: [any Service] = (exporter.map { [$0] } ?? []) + [
            oidm.service(onListening: onListening), thunderhead.service(onListening: onListening),
            bridge.service(onListening: onListening), conformanceBridge.service(onListening: onListening),
            refdata.service(onListening: onListening), core.service(onListening: onListening), auth,
        ]
        let servers = 6
        let announcement = Task {
            var count = 0
            for await _ in listening.stream {
                count += 1
                if count == servers { break }
            }
            await DevAnnouncement(stack: stack, keyMade: keyMade, logger: logger).announce()
        }
        defer { announcement.cancel() }
        do {
            try await RoleRunner.run(services, logger: logger)
        } catch {
            RoleStartup.fail("a role stopped: \(error)")
        }
        logger.info("stopped")
    }
}
