import Access
import Core
import Curl
import Database
import EdgeRuntime
import Emulators
import Foundation
import JSON
import Logging
import RefData
import SOAPBridge
import TestSupport
import Testing

/// What the core's jobs call, real and over loopback: refdata (SQLite, no cache), the SOAP
/// bridge, and the Thunderhead emulator behind it.
final class Upstreams: Sendable {
    let refdata: RefDataRole
    let bridge: SOAPBridgeRole
    let refdataPort: Int
    let bridgePort: Int
    let emulatorPort: Int
    private let tasks: [Task<Void, any Error>]
    private let http = CurlClient()
    /// What the test itself sends refdata, when refdata checks tokens.
    private let adminToken: String?

    private init(refdata: RefDataRole, bridge: SOAPBridgeRole, refdataPort: Int, bridgePort: Int, emulatorPort: Int, tasks: [Task<Void, any Error>], adminToken: String?) {
        self.adminToken = adminToken
        self.refdata = refdata
        self.bridge = bridge
        self.refdataPort = refdataPort
        self.bridgePort = bridgePort
        self.emulatorPort = emulatorPort
        self.tasks = tasks
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `refdataPort`: serve refdata there (0: any free port); `verifying`: refdata and the
    /// bridge check callers' tokens against this issuer (else they answer anyone);
    /// `policies`: the bridge's policy folder (else the shipped `sidecars`).
    static func start(completeAfterMs: Int = 300, refdataPort: Int = 0, verifying issuer: TestIssuer? = nil, policies: String? = nil) async throws -> Upstreams {
        let quiet = CoreStack.quiet
        var emulatorConfiguration = ThunderheadEmulatorConfiguration(server: ServerSettings(host: "127.0.0.1", port: 0), completeAfterMs: completeAfterMs)
        emulatorConfiguration.wsdlFile = root.appendingPathComponent("sidecars/thunderhead/JobAPIWebWrapped.wsdl").path
        let emulator = try ThunderheadEmulator(configuration: emulatorConfiguration)
        let (emulatorPort, emulatorTask) = await Loopback.serve(service: { listening in
            emulator.application(logger: quiet) { listening($0) }
        })
        let policies = policies ?? root.appendingPathComponent("sidecars").path
        let bridge = try await SOAPBridgeRole.start(configuration: BridgeConfiguration(
            server: ServerSettings(host: "127.0.0.1", port: 0), policiesFolder: policies,
            services: ["thunderhead": UpstreamSettings(url: "http://127.0.0.1:\(emulatorPort)/thunderhead/services/JobAPIWebWrapped", authentication: .none, username: nil, password: nil, timeoutMs: 5000, soapVersion: .v1_1)],
            access: try Self.access(issuer, BridgeConfiguration.accessEndpoints(policiesFolder: policies, services: ["thunderhead"]))
        ))
        let (bridgePort, bridgeTask) = await Loopback.serve(service: { listening in
            bridge.application(logger: quiet) { listening($0) }
        })
        let refdata = try await RefDataRole.start(
            configuration: RefDataConfiguration(
                server: ServerSettings(host: "127.0.0.1", port: refdataPort), database: DatabaseURL(parsing: TestDatabase.sqlite.freshURL()),
                access: Self.access(issuer, RefDataConfiguration.accessEndpoints)
            ),
            logger: quiet
        )
        let (port, refdataTask) = await Loopback.serve(service: { listening in
            refdata.application(logger: quiet) { listening($0) }
        })
        return Upstreams(
            refdata: refdata, bridge: bridge, refdataPort: port, bridgePort: bridgePort, emulatorPort: emulatorPort, tasks: [emulatorTask, bridgeTask, refdataTask],
            adminToken: try issuer?.token(["scope": "refdata.admin"])
        )
    }

    private static func access(_ issuer: TestIssuer?, _ endpoints: [String: [String]]) -> AccessConfiguration {
        issuer.map { .verifying($0, endpoints: endpoints) } ?? .unchecked(endpoints)
    }

    var jobSettings: JobSettings {
        var settings = JobSettings()
        settings.refdataURL = "http://127.0.0.1:\(refdataPort)"
        settings.bridgeURL = "http://127.0.0.1:\(bridgePort)"
        settings.interval = .milliseconds(50)
        settings.backoffBase = .milliseconds(50)
        settings.maxAttempts = 3
        return settings
    }

    /// PUTs a refdata item (`kind/key`, a JSON object).
    func put(_ path: String, _ value: String) async throws {
        let response = try await http.execute(CurlRequest(
            url: "http://127.0.0.1:\(refdataPort)/refdata/v1/\(path)", method: "PUT",
            headers: [("Content-Type", "application/json")] + (adminToken.map { [("Authorization", "Bearer \($0)")] } ?? []), body: Array(value.utf8)
        ))
        precondition((200..<300).contains(response.status), "refdata PUT \(path): \(response.status)")
    }

    /// Starts (`503`) or ends (`nil`) an outage of the Thunderhead emulator.
    func thunderheadOutage(_ status: Int?) async throws {
        let response = try await http.execute(CurlRequest(
            url: "http://127.0.0.1:\(emulatorPort)/admin/outage", method: "POST",
            headers: [("Content-Type", "application/json")], body: Array("{\"status\": \(status.map(String.init) ?? "null")}".utf8)
        ))
        precondition(response.status == 200, "emulator outage: \(response.status)")
    }

    /// Holds every Thunderhead answer this long after the work is done (0: answer at once).
    func thunderheadDelay(ms: Int) async throws {
        let response = try await http.execute(CurlRequest(
            url: "http://127.0.0.1:\(emulatorPort)/admin/delay", method: "POST",
            headers: [("Content-Type", "application/json")], body: Array("{\"ms\": \(ms)}".utf8)
        ))
        precondition(response.status == 200, "emulator delay: \(response.status)")
    }

    /// How many batches Thunderhead was sent.
    func thunderheadBatches() async throws -> Int {
        let response = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(emulatorPort)/admin/stats"))
        return Int(try #require(try StrictJSON.parse(response.body)["batches"]?.numberValue))
    }

    /// How many requests refdata answered before this one (each is counted once answered).
    func refdataAnswers() async throws -> Double {
        let response = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(refdataPort)/metrics"))
        let text = String(decoding: response.body, as: UTF8.self)
        return ["2xx", "3xx", "4xx", "5xx"].reduce(0) { $0 + PrometheusText.value("oms_http_requests_total{class=\"\($1)\"}", in: text) }
    }

    /// The bridge's lookup of the batches sent under `name`, as an operator would ask it.
    func batchIDs(named name: String) async throws -> [String] {
        let response = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(bridgePort)/thunderhead/v1/batch-names/\(name)"))
        precondition(response.status == 200, "batch lookup: \(response.status)")
        return try #require(try StrictJSON.parse(response.body)["batches"]?.arrayValue).compactMap { $0["batchId"]?.stringValue }
    }

    func stop() async {
        for task in tasks { task.cancel() }
        await refdata.shutdown()
        await bridge.shutdown()
        await http.shutdown()
    }
}
