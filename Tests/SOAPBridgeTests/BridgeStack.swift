import Access
import Curl
import EdgeRuntime
import Emulators
import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Logging
import SOAPBridge
import ServiceLifecycle
import TestSupport
import Testing

/// The bridge in front of a real upstream over loopback: the Thunderhead emulator, or a
/// hostile server that answers whatever a test wants.
final class BridgeStack: @unchecked Sendable {
    // @unchecked: set up once in `start`, read-only afterwards.
    let http = CurlClient()
    private(set) var bridgePort = 0
    private var issuer: TestIssuer?
    private(set) var upstreamPort = 0
    private var tasks: [Task<Void, any Error>] = []
    private var role: SOAPBridgeRole?
    /// A temporary policies folder, removed by `stop()`; nil for the shipped `sidecars`.
    private var policiesFolder: URL?

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// With the Thunderhead emulator as the upstream; `policy` replaces the shipped
    /// `sidecars/thunderhead/policy.yaml` (in a temporary folder, beside the shipped WSDL).
    /// `verifying`: the bridge checks callers' tokens against this issuer (else it answers anyone).
    static func start(
        username: String? = nil, password: String? = nil, bridgeAuth: UpstreamSettings.Authentication = .none, timeoutMs: Int = 5000, soapVersion: String = "1.1",
        completeAfterMs: Int = 200, policy: String? = nil, verifying issuer: TestIssuer? = nil
    ) async throws -> BridgeStack {
        let stack = BridgeStack()
        stack.issuer = issuer
        if let policy {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-policies-\(UUID().uuidString)")
            let service = folder.appendingPathComponent("thunderhead")
            try FileManager.default.createDirectory(at: service, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: root.appendingPathComponent("sidecars/thunderhead/JobAPIWebWrapped.wsdl"), to: service.appendingPathComponent("JobAPIWebWrapped.wsdl"))
            try policy.write(to: service.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
            stack.policiesFolder = folder
        }
        var emulator = ThunderheadEmulatorConfiguration(server: ServerSettings(host: "127.0.0.1", port: 0), username: username, password: password, completeAfterMs: completeAfterMs)
        emulator.wsdlFile = root.appendingPathComponent("sidecars/thunderhead/JobAPIWebWrapped.wsdl").path
        let thunderhead = try ThunderheadEmulator(configuration: emulator)
        stack.upstreamPort = await stack.serve { listening in
            thunderhead.application(logger: quiet) { listening($0) }
        }
        try await stack.startBridge(auth: bridgeAuth, username: username, password: password, timeoutMs: timeoutMs, soapVersion: soapVersion)
        return stack
    }

    /// With a server that answers every POST with `body` (after `delayMs`).
    static func hostile(status: Int = 200, delayMs: Int = 0, timeoutMs: Int = 8000, body: @escaping @Sendable () -> [UInt8]) async throws -> BridgeStack {
        let stack = BridgeStack()
        stack.upstreamPort = await stack.serve { listening in
            let router = Router(context: BasicRequestContext.self)
            router.post("**") { request, _ in
                stack.recordUpstream(request.headers)
                if delayMs > 0 { try await Task.sleep(for: .milliseconds(delayMs)) }
                return Response(status: .init(code: status), headers: [.contentType: "text/xml"], body: .init(byteBuffer: ByteBuffer(bytes: body())))
            }
            return Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { listening($0.localAddress?.port ?? 0) }, logger: quiet
            )
        }
        try await stack.startBridge(auth: .none, username: nil, password: nil, timeoutMs: timeoutMs, soapVersion: "1.1")
        return stack
    }

    /// With an upstream address where nothing listens.
    static func unreachable() async throws -> BridgeStack {
        let stack = BridgeStack()
        stack.upstreamPort = Loopback.freePort()
        try await stack.startBridge(auth: .none, username: nil, password: nil, timeoutMs: 2000, soapVersion: "1.1")
        return stack
    }

    /// The headers of the last request the hostile upstream received.
    private var upstreamHeaders: HTTPFields = [:]

    private func recordUpstream(_ headers: HTTPFields) {
        lock.lock()
        upstreamHeaders = headers
        lock.unlock()
    }

    func lastUpstreamHeader(_ name: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return upstreamHeaders[HTTPField.Name(name)!]
    }

    private let lock = NSLock()

    /// Starts a server that `stop()` shuts down (gracefully); returns its port.
    private func serve(_ make: @escaping @Sendable (_ listening: @escaping @Sendable (Int) -> Void) -> any Service) async -> Int {
        let (port, task) = await Loopback.serve(service: make)
        tasks.append(task)
        return port
    }

    private func startBridge(auth: UpstreamSettings.Authentication, username: String?, password: String?, timeoutMs: Int, soapVersion: String) async throws {
        let folder = (policiesFolder ?? Self.root.appendingPathComponent("sidecars")).path
        let endpoints = try BridgeConfiguration.accessEndpoints(policiesFolder: folder, services: ["thunderhead"])
        let configuration = BridgeConfiguration(
            server: ServerSettings(host: "127.0.0.1", port: 0),
            policiesFolder: folder,
            services: ["thunderhead": UpstreamSettings(
                url: "http://127.0.0.1:\(upstreamPort)/thunderhead/services/JobAPIWebWrapped",
                authentication: auth, username: username, password: password, timeoutMs: timeoutMs,
                soapVersion: soapVersion == "1.2" ? .v1_2 : .v1_1
            )],
            access: issuer.map { .verifying($0, endpoints: endpoints) } ?? .unchecked(endpoints)
        )
        let role = try await SOAPBridgeRole.start(configuration: configuration)
        self.role = role
        bridgePort = await serve { listening in
            role.application(logger: Self.quiet) { listening($0) }
        }
    }

    func stop() async {
        for task in tasks { task.cancel() }
        await role?.shutdown()
        await http.shutdown()
        if let policiesFolder { try? FileManager.default.removeItem(at: policiesFolder) }
    }

    func call(_ method: String, _ path: String, json: String? = nil, headers: [(name: String, value: String)] = []) async throws -> (status: Int, body: JSONValue?, text: String) {
        let response = try await http.execute(CurlRequest(
            url: "http://127.0.0.1:\(bridgePort)\(path)", method: method,
            headers: (json == nil ? [] : [("Content-Type", "application/json")]) + headers,
            body: json.map { Array($0.utf8) }, timeout: .seconds(15)
        ))
        return (response.status, try? StrictJSON.parse(response.body), String(decoding: response.body, as: UTF8.self))
    }
}
