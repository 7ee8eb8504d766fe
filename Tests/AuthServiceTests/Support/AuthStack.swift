import Curl
import EdgeRuntime
import Emulators
import Foundation
import Hummingbird
import JOSE
import JSON
import Logging
import TestSupport
import Testing
import TLS
@testable import AuthService

/// A real stack on loopback for integration tests: the OIDM emulator and `oms auth` in this
/// process on ephemeral ports, and optionally a real nginx with the shipped gateway config.
final class AuthStack: @unchecked Sendable {
    // @unchecked: the mutable parts are set during `start` and read-only afterwards.
    let issuer: TestIssuer
    let http = CurlClient()
    private(set) var oidmPort = 0
    private(set) var authPort = 0
    private(set) var gatewayPort = 0
    private(set) var role: AuthRole!
    private var emulatorTask: Task<Void, any Error>?
    private var nginx: ShippedGateway?
    /// HTTPS in front of the emulator, requiring a client certificate (`oidmFront:`).
    private(set) var oidmFront: TLSFront?

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// The document routes as `oms dev` and the Helm chart ship them, PATCH named.
    static let shippedDocumentRoutes = [
        RouteRule(prefix: "/v1/documents", scopes: ["documents.read"]),
        RouteRule(prefix: "/v1/documents", methods: ["POST", "PUT", "PATCH", "DELETE"], scopes: ["documents.write"]),
    ]

    private init(issuer: TestIssuer) {
        self.issuer = issuer
    }

    static func start(
        nginx withNginx: Bool = false,
        nginxOverrides: [String: String] = [:],
        emulatorDelayMs: Int = 0,
        identityDomain: String? = nil,
        jwksFromEmulator: Bool = false,
        oidmFront pki: TestPKI? = nil,
        configure: (inout AuthConfiguration) -> Void = { _ in }
    ) async throws -> AuthStack {
        let stack = AuthStack(issuer: try TestIssuer())
        try await stack.startEmulator(delayMs: emulatorDelayMs, identityDomain: identityDomain)
        if let pki {
            stack.oidmFront = try await TLSFront(.https(upstream: stack.oidmPort, clientCertificate: true), pki: pki)
        }
        var token = TokenPolicy(issuers: [TestIssuer.issuer], audiences: [TestIssuer.audience], allowedDomains: [TestIssuer.domain])
        token.algorithms = [.es256, .rs256]
        var configuration = AuthConfiguration(
            server: ServerSettings(host: "127.0.0.1", port: 0),
            threads: 2,
            jwks: JWKSSettings(source: .file(stack.issuer.jwksFile)),
            token: token,
            routes: [
                RouteRule(prefix: "/v1/documents", scopes: ["documents.read"]),
                RouteRule(prefix: "/v1/documents", methods: ["POST", "PUT", "DELETE"], scopes: ["documents.write"]),
                RouteRule(prefix: "/v1/admin", scopes: ["admin"]),
            ]
        )
        configuration.oidm.url = "http://127.0.0.1:\(stack.oidmPort)/oauth2/rest/rest/token"
        if jwksFromEmulator { configuration.jwks.source = .url("http://127.0.0.1:\(stack.oidmPort)/jwks") }
        if let pki, let front = stack.oidmFront {
            // The emulator only through HTTPS with the test CA's client certificate.
            let tls = TLSSettings(caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey)
            configuration.oidm.url = "https://localhost:\(front.port)/oauth2/rest/rest/token"
            configuration.oidm.tls = tls
            if jwksFromEmulator { configuration.jwks = JWKSSettings(source: .url("https://localhost:\(front.port)/jwks"), tls: tls) }
        }
        configuration.oidm.timeoutMs = 5000
        configure(&configuration)
        stack.role = AuthRole(configuration: configuration, logger: quiet)
        stack.authPort = try await stack.role.start()
        if withNginx { try await stack.startNginx(overrides: nginxOverrides) }
        return stack
    }

    /// A stack with nginx in front, for `body`; stopped afterwards, with nginx's log recorded
    /// when `body` throws.
    static func withGateway(
        nginxOverrides: [String: String] = [:],
        emulatorDelayMs: Int = 0,
        configure: (inout AuthConfiguration) -> Void = { _ in },
        _ body: (AuthStack) async throws -> Void
    ) async throws {
        let stack = try await start(nginx: true, nginxOverrides: nginxOverrides, emulatorDelayMs: emulatorDelayMs, configure: configure)
        do {
            try await body(stack)
        } catch {
            Issue.record("nginx log:\n\(stack.nginxLog.suffix(2000))")
            await stack.stop()
            throw error
        }
        await stack.stop()
    }

    private func startEmulator(delayMs: Int, identityDomain: String?) async throws {
        let emulator = try OIDMEmulator(configuration: OIDMEmulatorConfiguration(
            server: ServerSettings(host: "127.0.0.1", port: 0), jwksFile: issuer.jwksFile,
            identityDomain: identityDomain, delayMs: delayMs
        ))
        (oidmPort, emulatorTask) = await Loopback.serve(service: { listening in
            emulator.application(logger: Self.quiet) { listening($0) }
        })
    }

    /// The shipped nginx config in front of this role, with a backend that echoes what crossed it.
    private func startNginx(overrides: [String: String]) async throws {
        let backendPort = Loopback.freePort()
        let gateway = try await ShippedGateway(
            folder: issuer.folder.appendingPathComponent("nginx"), upstreams: .init(auth: authPort, others: backendPort),
            demoBackend: ShippedGateway.headerEcho(port: backendPort), overrides: overrides
        )
        nginx = gateway
        gatewayPort = gateway.port
    }

    func stop() async {
        nginx?.stop()
        oidmFront?.stop()
        await role?.stop()
        emulatorTask?.cancel()
        _ = try? await emulatorTask?.value
        await http.shutdown()
        try? FileManager.default.removeItem(at: issuer.folder)
    }

    var nginxLog: String { nginx?.log ?? "" }

    // MARK: - Requests

    /// `GET /auth` straight to the auth service, as nginx would send it.
    func auth(_ token: String?, uri: String = "/v1/documents", method: String = "GET", headers: [(name: String, value: String)] = []) async throws -> CurlResponse {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        all.append(("X-Original-URI", uri))
        all.append(("X-Original-Method", method))
        return try await http.execute(CurlRequest(url: "http://127.0.0.1:\(authPort)/auth", headers: all, timeout: .seconds(10)))
    }

    /// A request through nginx.
    func gateway(_ path: String, token: String?, method: String = "GET", headers: [(name: String, value: String)] = []) async throws -> CurlResponse {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        return try await http.execute(CurlRequest(url: "http://127.0.0.1:\(gatewayPort)\(path)", method: method, headers: all, timeout: .seconds(10)))
    }

    func get(_ port: Int, _ path: String) async throws -> CurlResponse {
        try await http.execute(CurlRequest(url: "http://127.0.0.1:\(port)\(path)", timeout: .seconds(10)))
    }

    /// POST a JSON body to the emulator's admin API.
    func oidmAdmin(_ path: String, _ body: JSONValue) async throws {
        let response = try await http.execute(CurlRequest(
            url: "http://127.0.0.1:\(oidmPort)\(path)", method: "POST",
            headers: [("Content-Type", "application/json")], body: Array(body.serialized().utf8), timeout: .seconds(5)
        ))
        #expect(response.status == 200, "emulator admin \(path) answered \(response.status)")
    }

    /// How many validation calls the emulator has answered.
    func oidmValidations() async throws -> Int {
        let response = try await get(oidmPort, "/admin/stats")
        let stats = try StrictJSON.parse(response.body)
        return Int(stats["validations"]?.numberValue ?? -1)
    }

    /// The value of one metric series of `oms auth` (0 when absent).
    func counter(_ series: String) async throws -> Int {
        let metrics = String(decoding: try await get(authPort, "/metrics").body, as: UTF8.self)
        let line = metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "").map { Int($0) } } ?? 0
    }

    func stopEmulator() async {
        emulatorTask?.cancel()
        _ = try? await emulatorTask?.value
    }
}
